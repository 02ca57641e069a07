"""cross_entropy kernel: the triad, logits of ±1e4, properties of the loss, input checks."""

import math

import pytest
import torch
from assertions import assert_raises, assert_triad

from bigmodel_lab.kernels import cross_entropy
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads

CASE = cases.CROSS_ENTROPY


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(CASE, shape))


@pytest.mark.parametrize("shape", [(17, 70), (40, 3)], ids=str)
def test_several_programs_and_chunks(shape, tiny_blocks):
    assert_triad(triads.run_case(CASE, shape))


def test_logits_of_ten_thousand_give_finite_loss_and_gradient():
    gen = torch.Generator().manual_seed(2)
    logits = (torch.rand(17, 33, generator=gen, dtype=torch.float64) * 2 - 1) * 1e4
    logits[:, 3] = 1e4  # a confident row...
    target = torch.randint(0, 33, (17,), generator=gen)
    target[:5] = 3  # ...right for some examples
    target[5:9] = 4  # and badly wrong for others when logits[:, 4] = -1e4
    logits[5:9, 4] = -1e4
    result = triads.run_case(CASE, inputs={"logits": logits, "target": target})
    assert_triad(result)
    assert result.kernel["output"] > 1e4  # the wrong examples cost about 2e4 each


def test_uniform_logits_cost_log_of_the_number_of_classes(device):
    for classes in (1, 2, 10, 257):
        loss = cross_entropy(
            torch.zeros(4, classes, device=device), torch.zeros(4, dtype=torch.long, device=device)
        )
        assert abs(loss.item() - math.log(classes)) < 1e-6


def test_gradient_rows_sum_to_zero(device):
    logits = torch.randn(9, 11, device=device, requires_grad=True)
    cross_entropy(logits, torch.randint(0, 11, (9,), device=device)).backward()
    # Σ_k (p_k - y_k) = 1 - 1 = 0 for every example
    assert logits.grad.double().sum(dim=1).abs().max() < 1e-7


def test_int32_targets_are_accepted(device):
    logits = torch.randn(5, 4, device=device)
    t = torch.tensor([0, 3, 1, 2, 3], device=device)
    assert cross_entropy(logits, t.int()).item() == cross_entropy(logits, t).item()


def test_bad_inputs_are_refused_with_the_argument_named(device):
    logits = torch.randn(3, 4, device=device)
    t = torch.tensor([0, 1, 2], device=device)
    assert_raises(lambda: cross_entropy(logits, t.float()), TypeError, "target", "float32")
    assert_raises(
        lambda: cross_entropy(logits, torch.tensor([0, 4, 1], device=device)),
        ValueError,
        "target",
        "[0, 3]",
        "4",
    )
    assert_raises(
        lambda: cross_entropy(logits, torch.tensor([-1, 0, 1], device=device)),
        ValueError,
        "target",
        "-1",
    )
    assert_raises(lambda: cross_entropy(logits, t[:2]), ValueError, "target", "(3,)")
    assert_raises(lambda: cross_entropy(logits[0], t), ValueError, "logits", "2-D")
    assert_raises(
        lambda: cross_entropy(torch.empty(0, 4, device=device), t[:0]),
        ValueError,
        "logits",
        "empty",
    )
    assert_raises(lambda: cross_entropy(logits, [0, 1, 2]), TypeError, "target")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1, 1), (127, 257), (4096, 10), (8, 50000)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
