"""sigmoid kernel: the triad over odd shapes, extreme inputs, and input checks."""

import numpy as np
import pytest
import torch
from assertions import assert_close, assert_raises, assert_triad
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit

from bigmodel_lab import display, formulas
from bigmodel_lab.kernels import DEVICE, sigmoid
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads

CASE = cases.SIGMOID
EXTREMES = [
    -1e4,
    -100.0,
    -88.5,
    -20.0,
    -8.0,
    -1e-4,
    -1e-30,
    0.0,
    1e-30,
    1e-4,
    8.0,
    20.0,
    88.5,
    100.0,
    1e4,
]


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(CASE, shape))


def test_many_programs_with_a_ragged_last_block(tiny_blocks):
    assert_triad(triads.run_case(CASE, (17, 33)))  # 561 elements: 36 programs of 16


def test_extreme_inputs_keep_float32_relative_accuracy(device):
    x = torch.tensor(EXTREMES, dtype=torch.float32, device=device, requires_grad=True)
    y = sigmoid(x)
    y.backward(torch.ones_like(y))
    x64 = np.array(EXTREMES)
    # element-wise relative 1e-5 wherever the exact value is a normal float32 (>= 1.2e-38)
    for name, got, want in (
        ("sigmoid", y, formulas.sigmoid(x64)),
        ("sigmoid'", x.grad, formulas.sigmoid_grad(x64)),
    ):
        assert torch.isfinite(got).all(), name
        report = display.mismatch_report(name, got, want, rtol=1e-5, atol=1.2e-38)
        assert report is None, report


@given(
    arrays(
        np.float32, st.integers(1, 300), elements=st.floats(-200, 200, width=32, allow_nan=False)
    )
)
def test_any_finite_input_is_accurate_to_float32_precision(values):
    x = torch.from_numpy(values).to(DEVICE).requires_grad_()
    y = sigmoid(x)
    y.backward(torch.ones_like(y))
    x64 = values.astype(np.float64)
    # σ'(x) = σ(x) σ(-x): an identity without the cancellation of σ(1 - σ), which loses
    # relative accuracy for x > 20 even in float64 (at x = 26, 1 - σ(x) = 5e-12 keeps five
    # digits), so it is the fair element-wise referee here
    exact_grad = expit(x64) * expit(-x64)
    assert display.mismatch_report("y", y, formulas.sigmoid(x64), 1e-5, 1.2e-38) is None
    assert display.mismatch_report("dy", x.grad, exact_grad, 1e-5, 1.2e-38) is None


def test_non_contiguous_input_gives_the_same_result(device):
    base = torch.randn(8, 6, device=device)
    view = base.t()  # not contiguous
    assert not view.is_contiguous()
    assert_close("transposed", sigmoid(view), torch.sigmoid(view.double()), 1e-5)


def test_empty_input_returns_empty(device):
    x = torch.empty(0, 3, device=device, requires_grad=True)
    y = sigmoid(x)
    assert y.shape == (0, 3)
    y.sum().backward()
    assert x.grad.shape == (0, 3)


def test_bad_inputs_are_refused_with_the_argument_named(device):
    assert_raises(lambda: sigmoid(torch.arange(4, device=device)), TypeError, "x", "int64")
    assert_raises(lambda: sigmoid([0.5, 1.0]), TypeError, "x", "torch.Tensor")
    assert_raises(
        lambda: sigmoid(torch.zeros(3, dtype=torch.float64, device=device)),
        ValueError,
        "x",
        "float64",
        "float32",
    )


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1,), (127, 257), (1023, 4099)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
