"""max_pool2d kernels and the NumPy formula: the triad, ties, cropping, NaN, input checks."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from assertions import assert_raises, assert_triad

from bigmodel_lab import display
from bigmodel_lab.formulas import conv as conv_formulas
from bigmodel_lab.kernels import max_pool2d
from bigmodel_lab.verification import (
    kernel_cases as cases,
    kernel_triads as triads,
)

CASE = cases.MAX_POOL2D


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree_exactly(shape):
    result = triads.run_case(CASE, shape)
    assert_triad(result)
    for q in result.quantities:  # a maximum and a routed gradient involve no rounding
        assert display.relative_error(result.kernel[q], result.formula[q]) == 0.0, q


def test_many_programs(tiny_blocks):
    assert_triad(triads.run_case(CASE, (3, 4, 17, 13)))


@pytest.mark.parametrize("k", [1, 3, 4])
def test_other_window_sizes_crop_like_torch(k, device):
    x = torch.randn(2, 3, 11, 10, device=device, requires_grad=True)
    y = max_pool2d(x, k)
    g = torch.randn_like(y)
    y.backward(g)
    x_ref = x.detach().double().requires_grad_()
    y_ref = F.max_pool2d(x_ref, k)
    y_ref.backward(g.double())
    assert y.shape == y_ref.shape
    assert display.mismatch_report("y", y, y_ref, 0.0) is None
    assert display.mismatch_report("grad", x.grad, x_ref.grad, 0.0) is None
    x64 = x.detach().cpu().double().numpy()
    assert np.array_equal(conv_formulas.max_pool2d(x64, k), y_ref.detach().cpu().numpy())
    assert np.array_equal(
        conv_formulas.max_pool2d_grad(x64, g.cpu().double().numpy(), k), x_ref.grad.cpu().numpy()
    )


def test_ties_send_the_gradient_to_the_first_maximum(device):
    x = torch.zeros(1, 1, 2, 4, device=device, requires_grad=True)
    with torch.no_grad():
        x[0, 0, 1, 3] = 1.0  # the second window has a unique maximum
    max_pool2d(x).sum().backward()
    x_ref = x.detach().clone().requires_grad_()
    F.max_pool2d(x_ref, 2).sum().backward()
    assert torch.equal(x.grad, x_ref.grad)
    assert x.grad[0, 0, 0, 0] == 1.0 and x.grad[0, 0, 1, 3] == 1.0 and x.grad.sum() == 2.0


def test_nan_wins_its_window_as_in_torch(device):
    x = torch.randn(1, 2, 4, 4, device=device)
    x[0, 0, 1, 1] = float("nan")
    y = max_pool2d(x)
    assert display.mismatch_report("y", y, F.max_pool2d(x, 2), 0.0) is None
    assert torch.isnan(y[0, 0, 0, 0])


@pytest.mark.parametrize("shape, k", [((2, 3, 1, 5), 2), ((1, 1, 3, 8), 4), ((1, 1, 8, 3), 4)])
def test_images_smaller_than_a_window_are_refused_as_torch_refuses_them(shape, k, device):
    x = torch.randn(shape, device=device)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(x, k)
    h, w = shape[2:]
    assert_raises(
        lambda: max_pool2d(x, k), ValueError, f"{h}x{w} pixels", f"no whole {k}x{k} window"
    )
    assert_raises(
        lambda: conv_formulas.max_pool2d(x.cpu().numpy(), k), ValueError, f"no whole {k}x{k} window"
    )


def test_an_empty_batch_still_pools_to_an_empty_batch(device):
    x = torch.randn(0, 3, 4, 4, device=device, requires_grad=True)
    assert max_pool2d(x).shape == (0, 3, 2, 2)


def test_bad_inputs_are_refused_with_the_argument_named(device):
    x = torch.randn(1, 1, 4, 4, device=device)
    for k in (0, -2, 2.0, True):
        assert_raises(lambda k=k: max_pool2d(x, k), ValueError, "kernel_size")
    assert_raises(lambda: max_pool2d(x, 17), ValueError, "kernel_size", "16")
    assert_raises(lambda: max_pool2d(x[0]), ValueError, "x", "4-D")
    assert_raises(lambda: conv_formulas.max_pool2d(x.cpu().numpy(), 0), ValueError, "k")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1, 1, 2, 2), (64, 32, 26, 26), (7, 5, 33, 31)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
