"""Mean squared error (均方误差): forward and backward kernels.

Book notation (``bigmodel_lab.formulas.mse``), prediction ŷ and target y with n elements each:

    forward:   L = (1/n) Σ_i (ŷ_i - y_i)²
    backward:  ∂L/∂ŷ_i = (2/n)(ŷ_i - y_i) · ∂(output)/∂L,    ∂L/∂y_i = -∂L/∂ŷ_i

The factor 2 stays: the loss is defined with 1/n, not 1/(2n) (some of the source chapters drop
it). Each program adds the squares of its block in float32 and writes one partial sum; one
more program adds the partial sums in order and multiplies by 1/n.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import (
    check_same_device,
    check_same_dtype,
    check_same_shape,
    check_tensor,
    elementwise_block,
    first_order_only,
)
from ._reduce import finish_sum


@triton.jit
def _mse_loss_forward_kernel(
    pred_ptr,  # prediction ŷ, shape (n,) (any shape, flattened)
    target_ptr,  # target y, shape (n,)
    partial_ptr,  # result Σ_{i in this block} (ŷ_i - y_i)², shape (programs,), float32
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    pid = tl.program_id(0)
    offs = pid.to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    d = tl.load(pred_ptr + offs, mask=mask, other=0.0).to(tl.float32) - tl.load(
        target_ptr + offs, mask=mask, other=0.0
    ).to(tl.float32)
    tl.store(partial_ptr + pid, tl.sum(d * d, axis=0))


@triton.jit
def _mse_loss_backward_kernel(
    pred_ptr,  # prediction ŷ, shape (n,)
    target_ptr,  # target y, shape (n,)
    grad_out_ptr,  # upstream gradient ∂(output)/∂L, shape (1,)
    grad_pred_ptr,  # result ∂/∂ŷ = (2/n)(ŷ - y) · ∂(output)/∂L, shape (n,)
    grad_target_ptr,  # result ∂/∂y = -∂/∂ŷ, shape (n,); written only if TARGET_GRAD
    n,  # number of elements
    TARGET_GRAD: tl.constexpr,  # also write the target's gradient
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    scale = 2.0 * tl.load(grad_out_ptr).to(tl.float32) / n
    d = tl.load(pred_ptr + offs, mask=mask, other=0.0).to(tl.float32) - tl.load(
        target_ptr + offs, mask=mask, other=0.0
    ).to(tl.float32)
    tl.store(grad_pred_ptr + offs, (scale * d).to(grad_pred_ptr.dtype.element_ty), mask=mask)
    if TARGET_GRAD:
        tl.store(
            grad_target_ptr + offs, (-scale * d).to(grad_target_ptr.dtype.element_ty), mask=mask
        )


def mse_loss_forward(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L = mean((ŷ - y)²) as a 0-d tensor of pred's dtype."""
    n = pred.numel()
    block = elementwise_block(n)
    programs = triton.cdiv(n, block)
    partials = torch.empty(programs, device=pred.device, dtype=torch.float32)
    _mse_loss_forward_kernel[(programs,)](pred, target, partials, n, BLOCK=block)
    return finish_sum(partials, 1.0 / n, pred.dtype)


def mse_loss_backward(pred, target, grad_out, target_grad: bool = False):
    """(∂L/∂ŷ, ∂L/∂y or None) times the upstream scalar gradient."""
    n = pred.numel()
    grad_pred = torch.empty_like(pred)
    grad_target = torch.empty_like(target) if target_grad else grad_pred
    block = elementwise_block(n)
    _mse_loss_backward_kernel[(triton.cdiv(n, block),)](
        pred,
        target,
        grad_out.reshape(1).contiguous(),
        grad_pred,
        grad_target,
        n,
        TARGET_GRAD=target_grad,
        BLOCK=block,
    )
    return grad_pred, (grad_target if target_grad else None)


class MSELossFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, pred, target):
        ctx.save_for_backward(pred, target)
        return mse_loss_forward(pred, target)

    @staticmethod
    @first_order_only("kernels.mse_loss", "torch.nn.functional.mse_loss")
    def backward(ctx, grad_out):
        pred, target = ctx.saved_tensors
        return mse_loss_backward(pred, target, grad_out, target_grad=ctx.needs_input_grad[1])


def mse_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error over all elements, differentiable in pred (and target).

    pred and target: float tensors of the same shape. Same value as
    ``torch.nn.functional.mse_loss(pred, target)``.
    """
    pred = check_tensor("pred", pred)
    target = check_tensor("target", target)
    check_same_shape("pred", pred, "target", target)
    check_same_device(pred=pred, target=target)
    check_same_dtype(pred=pred, target=target)
    if pred.numel() == 0:
        raise ValueError("pred: is empty; the mean over zero elements is undefined.")
    return MSELossFunction.apply(pred, target)
