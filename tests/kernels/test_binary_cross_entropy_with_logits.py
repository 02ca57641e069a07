"""binary_cross_entropy_with_logits kernel: the triad, logits of ±1e4, input checks."""

import math

import pytest
import torch
from assertions import assert_raises, assert_triad

from bigmodel_lab.kernels import binary_cross_entropy_with_logits as bce
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads

CASE = cases.BCE_WITH_LOGITS


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(CASE, shape))


def test_many_partial_sums(tiny_blocks):
    assert_triad(triads.run_case(CASE, (17, 33)))


def test_large_logits_stay_finite_and_exact():
    z = torch.tensor(
        [-1e4, -1e4, -1e4, -200.0, -30.0, -1e-3, 0.0, 1e-3, 30.0, 200.0, 1e4, 1e4, 1e4],
        dtype=torch.float64,
    )
    y = torch.tensor(
        [0.0, 1.0, 0.5, 1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0, 0.0, 1.0, 0.5], dtype=torch.float64
    )
    result = triads.run_case(CASE, inputs={"logits": z, "target": y})
    assert_triad(result)


def test_tiny_per_element_losses_are_not_rounded_away(device):
    # log(1 + e^-30) = 9.4e-14: 1 + 9.4e-14 rounds to 1 in float32, the kernel's log1p does not
    loss = bce(torch.full((8,), 30.0, device=device), torch.ones(8, device=device))
    assert abs(loss.item() - math.log1p(math.exp(-30.0))) <= 1e-5 * math.exp(-30.0)


def test_zero_logits_cost_log_two(device):
    loss = bce(torch.zeros(3, 5, device=device), torch.rand(3, 5, device=device))
    assert abs(loss.item() - math.log(2.0)) < 1e-6


def test_bad_inputs_are_refused_with_the_argument_named(device):
    z = torch.randn(3, 4, device=device)
    assert_raises(
        lambda: bce(z, torch.full((3, 4), 1.5, device=device)),
        ValueError,
        "target",
        "[0, 1]",
        "1.5",
    )
    assert_raises(
        lambda: bce(z, torch.full((3, 4), float("nan"), device=device)), ValueError, "target", "nan"
    )
    assert_raises(
        lambda: bce(z, torch.rand(4, 3, device=device)),
        ValueError,
        "logits",
        "target",
        "same shape",
    )
    assert_raises(lambda: bce(z[:0], z[:0]), ValueError, "logits", "empty")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1,), (127, 257), (4099, 1023)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
