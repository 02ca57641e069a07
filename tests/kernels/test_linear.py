"""linear kernel (matmul + bias + activation): the triad, shapes, empty sizes and input checks."""

import pytest
import torch
import torch.nn.functional as F
from assertions import assert_close, assert_raises, assert_triad, fp64

from bigmodel_lab.kernels import ACTIVATIONS, linear
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads

LINEAR_CASES = [cases.LINEAR, cases.LINEAR_RELU, cases.LINEAR_SIGMOID, cases.LINEAR_TANH]
TORCH_ACT = {None: lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


@pytest.mark.parametrize("case", LINEAR_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("shape", cases.LINEAR.shapes, ids=str)
def test_kernel_formula_and_torch_agree(case, shape):
    assert_triad(triads.run_case(case, shape))


@pytest.mark.parametrize("case", LINEAR_CASES, ids=lambda c: c.name)
def test_several_tiles_and_steps_along_k(case, tiny_blocks):
    # 16x16 tiles: 2 x 2 programs, 3 steps along K = 33, ragged edges everywhere
    assert_triad(triads.run_case(case, (17, 33, 19)))


def test_leading_dimensions_are_flattened_like_nn_linear(device):
    x = torch.randn(2, 3, 7, device=device, requires_grad=True)
    w = torch.randn(5, 7, device=device, requires_grad=True)
    y = linear(x, w, None, "tanh")
    assert y.shape == (2, 3, 5)
    g = torch.randn_like(y)
    y.backward(g)
    x64, w64 = fp64(x).requires_grad_(), fp64(w).requires_grad_()
    torch.tanh(F.linear(x64, w64)).backward(fp64(g))
    assert_close("y", y, torch.tanh(F.linear(x64, w64)), 1e-5)
    assert_close("grad x", x.grad, x64.grad, 1e-5)
    assert_close("grad w", w.grad, w64.grad, 1e-5)


def test_one_dimensional_input(device):
    x = torch.randn(7, device=device)
    w = torch.randn(3, 7, device=device)
    b = torch.randn(3, device=device)
    assert_close("y", linear(x, w, b), F.linear(fp64(x), fp64(w), fp64(b)), 1e-5)


def test_empty_batch_gives_empty_output_and_zero_parameter_gradients(device):
    x = torch.empty(0, 7, device=device, requires_grad=True)
    w = torch.randn(5, 7, device=device, requires_grad=True)
    b = torch.randn(5, device=device, requires_grad=True)
    y = linear(x, w, b, "relu")
    assert y.shape == (0, 5)
    y.sum().backward()
    assert x.grad.shape == (0, 7)
    assert torch.equal(w.grad, torch.zeros_like(w)) and torch.equal(b.grad, torch.zeros_like(b))


def test_zero_input_features_leave_only_the_bias(device):
    x = torch.empty(3, 0, device=device)
    w = torch.empty(4, 0, device=device)
    b = torch.randn(4, device=device)
    assert_close("y", linear(x, w, b, "sigmoid"), torch.sigmoid(fp64(b)).expand(3, 4), 1e-5)


def test_non_contiguous_operands(device):
    x = torch.randn(9, 14, device=device)[:, ::2]  # strided columns
    w = torch.randn(7, 5, device=device).t()  # a transposed view
    b = torch.randn(10, device=device)[::2]
    assert not (x.is_contiguous() or w.is_contiguous() or b.is_contiguous())
    assert_close("y", linear(x, w, b), F.linear(fp64(x), fp64(w), fp64(b)), 1e-5)


def test_no_bias_gives_no_bias_gradient(device):
    x = torch.randn(4, 3, device=device, requires_grad=True)
    w = torch.randn(2, 3, device=device, requires_grad=True)
    linear(x, w).sum().backward()
    assert x.grad is not None and w.grad is not None


def test_bad_inputs_are_refused_with_the_argument_named(device):
    x, w, b = (
        torch.randn(4, 3, device=device),
        torch.randn(2, 3, device=device),
        torch.randn(2, device=device),
    )
    assert_raises(lambda: linear(x, w.t(), b), ValueError, "x and weight", "(n_out, n_in)")
    assert_raises(lambda: linear(x, w, torch.randn(3, device=device)), ValueError, "bias", "(2,)")
    assert_raises(lambda: linear(x, w, b, "softplus"), ValueError, "activation", "relu")
    assert_raises(lambda: linear(x, w.half(), b), ValueError, "weight", "float16", "x")
    assert_raises(
        lambda: linear(x, torch.randn(2, 3, 1, device=device)), ValueError, "weight", "2-D"
    )
    assert_raises(lambda: linear(x, w, b.to("meta")), ValueError, "bias", "meta", "device")
    assert_raises(lambda: linear(x.long(), w), TypeError, "x", "int64")
    assert set(ACTIVATIONS) == {None, "relu", "sigmoid", "tanh"}


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("case", LINEAR_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("shape", [(1, 1, 1), (127, 257, 65), (512, 1031, 509)], ids=str)
def test_gpu_precisions(shape, case, dtype):
    assert_triad(triads.run_case(case, shape, dtype=dtype))
