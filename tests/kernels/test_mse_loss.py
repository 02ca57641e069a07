"""mse_loss kernel: the triad (both gradients), the deterministic mean, input checks."""

import pytest
import torch
from assertions import assert_raises, assert_triad

from bigmodel_lab.kernels import mse_loss
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads

CASE = cases.MSE_LOSS


@pytest.mark.parametrize("shape", CASE.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(CASE, shape))


def test_many_partial_sums(tiny_blocks):
    # 4191 elements in blocks of 16: 262 partial sums, added in 17 steps of the final pass
    assert_triad(triads.run_case(CASE, (127, 33)))


def test_same_bits_on_every_run(device):
    pred, target = torch.randn(300, 301, device=device), torch.randn(300, 301, device=device)
    assert mse_loss(pred, target).item() == mse_loss(pred, target).item()


def test_identical_arguments_give_zero(device):
    x = torch.randn(5, 6, device=device, requires_grad=True)
    loss = mse_loss(x, x.detach())
    loss.backward()
    assert loss.item() == 0.0 and torch.count_nonzero(x.grad) == 0


def test_target_without_grad_gets_none(device):
    pred = torch.randn(4, device=device, requires_grad=True)
    target = torch.randn(4, device=device)
    mse_loss(pred, target).backward()
    assert target.grad is None and pred.grad is not None


def test_bad_inputs_are_refused_with_the_argument_named(device):
    a = torch.randn(3, 4, device=device)
    assert_raises(lambda: mse_loss(a, a.t()), ValueError, "pred", "target", "same shape")
    assert_raises(lambda: mse_loss(a, a.half()), ValueError, "target", "float16")
    assert_raises(lambda: mse_loss(a[:0], a[:0]), ValueError, "pred", "empty")
    assert_raises(lambda: mse_loss(a, a.long()), TypeError, "target", "int64")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1,), (127, 257), (4099, 1023)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(CASE, shape, dtype=dtype))
