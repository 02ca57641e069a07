"""The 2-2-1 sigmoid network of 001 §4.3: set-up, exact values, one step and its referees."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.worked import sigmoid_2layer as s2


def torch_reference(y: float) -> dict:
    """The chapter's equations written out scalar by scalar in torch float64, with autograd."""
    p = {
        name: torch.tensor(
            s2.parameter(s2.network(), name), dtype=torch.float64, requires_grad=True
        )
        for name in s2.PARAMETER_NAMES
    }
    x1, x2 = (torch.tensor(v, dtype=torch.float64) for v in s2.X)
    z1 = x1 * p["w11"] + x2 * p["w21"] + p["b1"]
    z2 = x1 * p["w12"] + x2 * p["w22"] + p["b2"]
    a1, a2 = torch.sigmoid(z1), torch.sigmoid(z2)
    z3 = a1 * p["w31"] + a2 * p["w32"] + p["b3"]
    for z in (z1, z2, z3):
        z.retain_grad()
    y_hat = torch.sigmoid(z3)
    loss = -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat))
    loss.backward()
    out = {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "z3": z3,
        "y_hat": y_hat,
        "L": loss,
        "delta1": z1.grad,
        "delta2": z2.grad,
        "delta3": z3.grad,
    }
    out = {k: float(v.detach()) for k, v in out.items()}
    for name, t in p.items():
        out[f"dL/d{name}"] = float(t.grad)
        out[f"new {name}"] = float(t.detach() - s2.LEARNING_RATE * t.grad)
    return out


@pytest.mark.parametrize("y", s2.LABELS)
def test_exact_values_match_torch_autograd_written_in_the_chapters_notation(y):
    ours, ref = s2.exact(y), torch_reference(y)
    for key, value in ref.items():
        assert ours[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("y", [0, 1])
def test_exact_gradients_match_finite_differences(y):
    ours, fd = s2.exact(y), s2.finite_difference_gradients(y)
    for name in s2.PARAMETER_NAMES:
        assert ours[f"dL/d{name}"] == pytest.approx(fd[name], rel=1e-6, abs=1e-9), name


def test_sigmoid_derivatives_are_a_times_one_minus_a():
    e = s2.exact(0)
    assert e["dsig1"] == pytest.approx(e["a1"] * (1 - e["a1"]), rel=1e-14)
    assert e["dsig2"] == pytest.approx(e["a2"] * (1 - e["a2"]), rel=1e-14)


def test_the_printed_weights_define_two_hidden_units():
    assert s2.network().sizes == [2, 2, 1]


def test_the_example_is_worked_for_the_labels_0_and_1():
    assert s2.LABELS == (0.0, 1.0)


@pytest.mark.parametrize("y", [0, 1])
def test_one_step_lowers_the_loss(y):
    before, after = s2.loss_before_after(y)
    assert after < before


@pytest.mark.parametrize("y", [0, 1])
def test_verify_step_agrees_with_torch(y):
    table = s2.verify_step(y)
    assert len(table) == 5
    assert table["close"].all() and table["bound met"].all()
    assert (table["max_abs_diff"] < 1e-12).all()


@pytest.mark.parametrize("y", [0, 1])
def test_the_triton_kernels_give_the_same_step_in_float32(y):
    table = s2.verify_step(y, with_kernels=True)
    kernels = table[table.index.str.contains("kernels")]
    assert len(kernels) == 5
    assert kernels["close"].all() and (kernels["max_abs_diff"] < 1e-6).all()


def test_kernel_check_refuses_another_architecture():
    # the kernel referee (bigmodel_lab.verification) folds a sigmoid output into the loss
    from bigmodel_lab.formulas import DenseNetwork
    from bigmodel_lab.verification import kernel_dense_gradients

    net = DenseNetwork([s2.W1, s2.W2], [s2.B1, s2.B2], ["sigmoid", "relu"])
    with pytest.raises(ValueError, match="the kernels compute a sigmoid output"):
        kernel_dense_gradients(net, s2.X, np.array([1.0]), "bce")


@pytest.mark.parametrize("bad", [2, 0.5, [0, 1], "1", True])
def test_a_label_other_than_0_or_1_is_refused(bad):
    with pytest.raises(ValueError, match="y: expected the label"):
        s2.exact(bad)


def test_unknown_parameter_name_is_refused():
    with pytest.raises(ValueError, match="name: expected one of"):
        s2.parameter(s2.network(), "w13")


@given(y=st.sampled_from([0.0, 1.0]), lr=st.floats(1e-3, 0.5))
def test_small_steps_along_minus_the_gradient_lower_the_loss(y, lr):
    net = s2.network()
    grads = net.backward(net.forward(s2.X), np.array([y]), "bce")
    assert net.step(grads, lr).loss(s2.X, np.array([y]), "bce") < grads.loss


# -- the arithmetic shown on the page, and the figures ---------------------------------------------


def _evaluate(expression: str) -> float:
    """Evaluate a "with the numbers" cell: 0.5·0.5 + 0.8·0.7, 1/(1 + e^(-0.91)), -ln(1 - 0.6)."""
    import math

    text = expression.replace("·", "*").replace("e^", "math.exp").replace("ln", "math.log")
    return float(eval(text, {"math": math}))  # noqa: S307 (our own table, not user input)


@pytest.mark.parametrize("y", s2.LABELS)
def test_the_arithmetic_table_redoes_every_line_with_the_numbers_it_shows(y):
    table = s2.arithmetic_table(y)
    e = s2.exact(y)
    assert len(table) == 12 + len(s2.PARAMETER_NAMES)
    for row in table.itertuples():
        shown = float(row.value)
        # the substituted factors are rounded to 4 decimals, so allow a little more than that
        assert abs(_evaluate(row._3) - shown) < 2e-4, row
    for name in s2.PARAMETER_NAMES:
        value = table.set_index("quantity").loc[f"new {name}", "value"]
        assert abs(float(value) - e[f"new {name}"]) < 5e-5


def test_the_arithmetic_table_refuses_a_label_other_than_0_or_1():
    with pytest.raises(ValueError, match="label"):
        s2.arithmetic_table(0.5)
