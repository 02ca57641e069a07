"""conv2d kernels and the NumPy formula of formulas/conv.py: the triad, finite differences,
split reductions, empty batches and input checks."""

import pytest
import torch
import torch.nn.functional as F
from assertions import assert_close, assert_raises, assert_triad, fp64

from bigmodel_lab.kernels import conv2d
from bigmodel_lab.verification import (
    kernel_cases as cases,
    kernel_triads as triads,
)

CASE = cases.CONV2D


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(CASE, shape))


@pytest.mark.parametrize("shape", [(2, 3, 7, 5, 4, 3, 2), (3, 2, 9, 8, 17, 2, 3)], ids=str)
def test_many_tiles_and_a_split_weight_reduction(shape, tiny_blocks):
    # 16-wide tiles and a pixel reduction cut into chunks of 16, added in order afterwards
    assert_triad(triads.run_case(CASE, shape))


def test_input_without_gradient_skips_its_kernel(device):
    x = torch.randn(2, 1, 6, 6, device=device)  # images: no gradient wanted
    w = torch.randn(4, 1, 3, 3, device=device, requires_grad=True)
    b = torch.randn(4, device=device, requires_grad=True)
    conv2d(x, w, b).sum().backward()
    w64 = fp64(w).requires_grad_()
    b64 = fp64(b).requires_grad_()
    F.conv2d(fp64(x), w64, b64).sum().backward()
    assert_close("grad w", w.grad, w64.grad, 1e-5)
    assert_close("grad b", b.grad, b64.grad, 1e-5)


def test_no_bias(device):
    x = torch.randn(2, 3, 5, 5, device=device)
    w = torch.randn(2, 3, 2, 2, device=device)
    assert_close("y", conv2d(x, w), F.conv2d(fp64(x), fp64(w)), 1e-5)


def test_non_contiguous_input(device):
    x = torch.randn(2, 6, 6, 3, device=device).permute(0, 3, 1, 2)  # NHWC memory, NCHW view
    w = torch.randn(4, 3, 3, 3, device=device)
    assert_close("y", conv2d(x, w), F.conv2d(fp64(x), fp64(w)), 1e-5)


def test_empty_batch(device):
    x = torch.empty(0, 2, 5, 5, device=device, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, device=device, requires_grad=True)
    b = torch.randn(3, device=device, requires_grad=True)
    y = conv2d(x, w, b)
    assert y.shape == (0, 3, 3, 3)
    y.sum().backward()
    assert torch.count_nonzero(w.grad) == 0 and torch.count_nonzero(b.grad) == 0


def test_bad_inputs_are_refused_with_the_argument_named(device):
    x = torch.randn(2, 3, 5, 5, device=device)
    w = torch.randn(4, 3, 3, 3, device=device)
    assert_raises(
        lambda: conv2d(x, torch.randn(4, 2, 3, 3, device=device)),
        ValueError,
        "x and weight",
        "3 channels",
        "expects 2",
    )
    assert_raises(
        lambda: conv2d(x, torch.randn(4, 3, 6, 3, device=device)),
        ValueError,
        "weight",
        "6x3",
        "5x5",
    )
    assert_raises(lambda: conv2d(x, w, torch.randn(3, device=device)), ValueError, "bias", "(4,)")
    assert_raises(lambda: conv2d(x[0], w), ValueError, "x", "4-D")
    assert_raises(lambda: conv2d(x.half(), w), ValueError, "weight", "float32", "x")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize(
    "shape", [(1, 1, 1, 1, 1, 1, 1), (64, 1, 28, 28, 32, 3, 3), (8, 17, 31, 29, 33, 5, 3)], ids=str
)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
