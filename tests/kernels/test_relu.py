"""relu kernel: exact agreement with the formula and torch, NaN and infinity, input checks."""

import pytest
import torch
from assertions import assert_raises, assert_triad

from bigmodel_lab import display
from bigmodel_lab.kernels import relu
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads


@pytest.mark.parametrize("shape", cases.RELU.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    result = triads.run_case(cases.RELU, shape)
    assert_triad(result)
    for q in result.quantities:  # max(0, x) and its 0/1 derivative involve no rounding at all
        assert display.relative_error(result.kernel[q], result.formula[q]) == 0.0, q


def test_many_programs_with_a_ragged_last_block(tiny_blocks):
    assert_triad(triads.run_case(cases.RELU, (17, 33)))


def test_nan_and_infinity_behave_as_in_torch(device):
    x = torch.tensor(
        [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 2.0],
        device=device,
        requires_grad=True,
    )
    y = relu(x)
    y.backward(torch.ones_like(y))
    x_ref = x.detach().clone().requires_grad_()
    y_ref = torch.relu(x_ref)
    y_ref.backward(torch.ones_like(y_ref))
    assert display.mismatch_report("relu", y, y_ref, 0.0) is None  # NaN stays NaN, not 0
    assert display.mismatch_report("relu'", x.grad, x_ref.grad, 0.0) is None  # 0 at x = 0


def test_empty_input_returns_empty(device):
    assert relu(torch.empty(2, 0, device=device)).shape == (2, 0)


def test_bad_inputs_are_refused_with_the_argument_named(device):
    assert_raises(lambda: relu(torch.arange(3, device=device)), TypeError, "x", "floating")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1,), (127, 257), (1023, 4099)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(cases.RELU, shape, dtype=dtype))
