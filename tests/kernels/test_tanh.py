"""tanh kernel: the triad over odd shapes, extreme and tiny inputs, and input checks."""

import numpy as np
import pytest
import torch
from assertions import assert_close, assert_raises, assert_triad
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab import display, formulas
from bigmodel_lab.kernels import DEVICE, tanh
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads

CASE = cases.TANH
# around the switch between the Taylor series and the exponential form (|x| = 0.1) too
EXTREMES = [
    -1e4,
    -50.0,
    -9.0,
    -1.0,
    -0.1000001,
    -0.1,
    -0.0999999,
    -1e-4,
    -1e-30,
    0.0,
    1e-30,
    1e-4,
    0.0999999,
    0.1,
    0.1000001,
    1.0,
    9.0,
    50.0,
    1e4,
]


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(CASE, shape))


def test_many_programs_with_a_ragged_last_block(tiny_blocks):
    assert_triad(triads.run_case(CASE, (17, 33)))


def test_extreme_and_tiny_inputs_keep_float32_relative_accuracy(device):
    x = torch.tensor(EXTREMES, dtype=torch.float32, device=device, requires_grad=True)
    y = tanh(x)
    y.backward(torch.ones_like(y))
    x64 = x.detach().cpu().double().numpy()
    exact_grad = np.cosh(x64.clip(-300, 300)) ** -2.0  # 1 - tanh² without the subtraction
    assert display.mismatch_report("tanh", y, formulas.tanh(x64), 1e-5, 1.2e-38) is None
    assert display.mismatch_report("tanh'", x.grad, exact_grad, 1e-5, 1.2e-38) is None


@given(
    arrays(np.float32, st.integers(1, 300), elements=st.floats(-60, 60, width=32, allow_nan=False))
)
def test_any_finite_input_is_accurate_to_float32_precision(values):
    x = torch.from_numpy(values).to(DEVICE).requires_grad_()
    y = tanh(x)
    y.backward(torch.ones_like(y))
    x64 = values.astype(np.float64)
    assert display.mismatch_report("y", y, np.tanh(x64), 1e-5, 1.2e-38) is None
    assert display.mismatch_report("dy", x.grad, np.cosh(x64) ** -2.0, 1e-5, 1.2e-38) is None


def test_nan_propagates(device):
    y = tanh(torch.tensor([float("nan"), 1.0], device=device))
    assert torch.isnan(y[0]) and torch.isfinite(y[1])


def test_non_contiguous_input_gives_the_same_result(device):
    view = torch.randn(8, 6, device=device).t()
    assert_close("transposed", tanh(view), torch.tanh(view.double()), 1e-5)


def test_empty_input_returns_empty(device):
    x = torch.empty(0, device=device, requires_grad=True)
    tanh(x).sum().backward()
    assert x.grad.shape == (0,)


def test_bad_inputs_are_refused_with_the_argument_named(device):
    assert_raises(lambda: tanh(torch.ones(2, dtype=torch.bool, device=device)), TypeError, "x")
    assert_raises(lambda: tanh(np.ones(3)), TypeError, "x", "torch.Tensor")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1,), (127, 257), (1023, 4099)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
