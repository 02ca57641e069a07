"""Binary cross-entropy (二元交叉熵) from logits: forward and backward kernels.

Book notation (``bigmodel_lab.formulas.binary_cross_entropy_with_logits``), logits z and
targets y in [0, 1], n elements, p = σ(z):

    forward:   L = (1/n) Σ_i [max(z_i, 0) - z_i y_i + log(1 + e^(-|z_i|))]
    backward:  ∂L/∂z_i = (1/n)(σ(z_i) - y_i) · ∂(output)/∂L,    ∂L/∂y_i = -(1/n) z_i · ∂(output)/∂L

The first line equals -(1/n) Σ [y log p + (1 - y) log(1 - p)] but never forms log p, which is
-inf in float32 once p rounds to 0 (z below about -104). The remaining logarithm,
log(1 + u) with u = e^(-|z|) ≤ 1, loses u's digits when 1 + u rounds to 1; the kernel uses the
classic correction log1p(u) = log(w) · u / (w - 1) with w = 1 + u (exact to a few ulps), and u
itself when w == 1. Partial sums per program, then one ordered sum (``_reduce.finish_sum``).
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
from .sigmoid import tl_sigmoid


@triton.jit
def _log1p(u):
    """log(1 + u) for 0 <= u <= 1, accurate where 1 + u rounds to 1."""
    w = 1.0 + u
    # the division is only used where w != 1; the other branch keeps it away from 0/0
    safe = tl.where(w == 1.0, 2.0, w)
    return tl.where(w == 1.0, u, tl.log(safe) * (u / (safe - 1.0)))


@triton.jit
def _binary_cross_entropy_with_logits_forward_kernel(
    z_ptr,  # logits z, shape (n,) (any shape, flattened)
    y_ptr,  # targets y in [0, 1], shape (n,)
    partial_ptr,  # result Σ_{i in this block} ℓ_i, shape (programs,), float32
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    pid = tl.program_id(0)
    offs = pid.to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    z = tl.load(z_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    y = tl.load(y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    loss = tl.maximum(z, 0.0) - z * y + _log1p(tl.exp(-tl.abs(z)))
    tl.store(partial_ptr + pid, tl.sum(tl.where(mask, loss, 0.0), axis=0))


@triton.jit
def _binary_cross_entropy_with_logits_backward_kernel(
    z_ptr,  # logits z, shape (n,)
    y_ptr,  # targets y, shape (n,)
    grad_out_ptr,  # upstream gradient ∂(output)/∂L, shape (1,)
    grad_z_ptr,  # result ∂/∂z = (σ(z) - y)/n · ∂(output)/∂L, shape (n,)
    grad_y_ptr,  # result ∂/∂y = -z/n · ∂(output)/∂L, shape (n,); written only if TARGET_GRAD
    n,  # number of elements
    TARGET_GRAD: tl.constexpr,  # also write the target's gradient
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    scale = tl.load(grad_out_ptr).to(tl.float32) / n
    z = tl.load(z_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    y = tl.load(y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    tl.store(
        grad_z_ptr + offs, ((tl_sigmoid(z) - y) * scale).to(grad_z_ptr.dtype.element_ty), mask=mask
    )
    if TARGET_GRAD:
        tl.store(grad_y_ptr + offs, (-z * scale).to(grad_y_ptr.dtype.element_ty), mask=mask)


def binary_cross_entropy_with_logits_forward(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean loss as a 0-d tensor of z's dtype."""
    n = z.numel()
    block = elementwise_block(n)
    programs = triton.cdiv(n, block)
    partials = torch.empty(programs, device=z.device, dtype=torch.float32)
    _binary_cross_entropy_with_logits_forward_kernel[(programs,)](z, y, partials, n, BLOCK=block)
    return finish_sum(partials, 1.0 / n, z.dtype)


def binary_cross_entropy_with_logits_backward(z, y, grad_out, target_grad: bool = False):
    """(∂L/∂z, ∂L/∂y or None) times the upstream scalar gradient."""
    n = z.numel()
    grad_z = torch.empty_like(z)
    grad_y = torch.empty_like(y) if target_grad else grad_z
    block = elementwise_block(n)
    _binary_cross_entropy_with_logits_backward_kernel[(triton.cdiv(n, block),)](
        z,
        y,
        grad_out.reshape(1).contiguous(),
        grad_z,
        grad_y,
        n,
        TARGET_GRAD=target_grad,
        BLOCK=block,
    )
    return grad_z, (grad_y if target_grad else None)


class BinaryCrossEntropyWithLogitsFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, y):
        ctx.save_for_backward(z, y)
        return binary_cross_entropy_with_logits_forward(z, y)

    @staticmethod
    @first_order_only(
        "kernels.binary_cross_entropy_with_logits",
        "torch.nn.functional.binary_cross_entropy_with_logits",
    )
    def backward(ctx, grad_out):
        z, y = ctx.saved_tensors
        return binary_cross_entropy_with_logits_backward(
            z, y, grad_out, target_grad=ctx.needs_input_grad[1]
        )


def binary_cross_entropy_with_logits(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy from logits, differentiable in logits (and target).

    logits and target: float tensors of the same shape, target in [0, 1]. Same value as
    ``torch.nn.functional.binary_cross_entropy_with_logits(logits, target)``.
    """
    logits = check_tensor("logits", logits)
    target = check_tensor("target", target)
    check_same_shape("logits", logits, "target", target)
    check_same_device(logits=logits, target=target)
    check_same_dtype(logits=logits, target=target)
    if logits.numel() == 0:
        raise ValueError("logits: is empty; the mean over zero elements is undefined.")
    lo, hi = float(target.detach().min()), float(target.detach().max())
    if not (0.0 <= lo and hi <= 1.0):
        raise ValueError(
            f"target: binary targets must lie in [0, 1], got values from {lo:g} to {hi:g}."
        )
    return BinaryCrossEntropyWithLogitsFunction.apply(logits, target)
