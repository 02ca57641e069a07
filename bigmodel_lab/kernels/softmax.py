"""Softmax (归一化指数函数) over the last dimension: forward and backward kernels.

Book notation (``bigmodel_lab.formulas.softmax``), one row z of length C at a time:

    forward:   y_k = e^(z_k - m) / Σ_j e^(z_j - m),      m = max_j z_j
    backward:  ∂L/∂z_k = y_k (g_k - Σ_j g_j y_j),          g = ∂L/∂y

Subtracting the row maximum m changes nothing mathematically but keeps every exponent ≤ 0, so
logits of 1e4 do not overflow. Each program owns BLOCK_R rows and walks along them in chunks of
BLOCK_C columns. Rows longer than one chunk use the *online* softmax: keep a running maximum m
and a running sum s = Σ e^(z_j - m); when a chunk raises the maximum to m', rescale the sum,
s ← s · e^(m - m') + Σ_chunk e^(z_j - m'). A second pass writes y. When a row fits in one chunk
(the usual case) each loop runs once.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import check_same_shape, check_tensor, first_order_only, row_blocks


@triton.jit
def _softmax_forward_kernel(
    x_ptr,  # logits z, shape (R, C) (all leading dimensions flattened into R), row-major
    y_ptr,  # result y = softmax(z) along each row, shape (R, C), dtype of z
    R,  # rows
    C,  # columns (the softmax dimension)
    BLOCK_R: tl.constexpr,  # rows per program
    BLOCK_C: tl.constexpr,  # columns per step
):
    rows = (tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)).to(tl.int64)
    row_mask = rows < R
    cols = tl.arange(0, BLOCK_C)
    m = tl.full((BLOCK_R,), float("-inf"), tl.float32)  # running maximum
    s = tl.zeros((BLOCK_R,), dtype=tl.float32)  # running Σ e^(z - m)
    for c0 in range(0, C, BLOCK_C):
        cc = c0 + cols
        mask = row_mask[:, None] & (cc[None, :] < C)
        z = tl.load(x_ptr + rows[:, None] * C + cc[None, :], mask=mask, other=0.0).to(tl.float32)
        # columns past the end must not count: -inf contributes e^(-inf) = 0. Rows past the
        # end keep their zeros so that their (unused) maximum stays finite and no NaN appears.
        z = tl.where(cc[None, :] < C, z, float("-inf"))
        m_new = tl.maximum(m, tl.max(z, axis=1))
        s = s * tl.exp(m - m_new) + tl.sum(tl.exp(z - m_new[:, None]), axis=1)
        m = m_new
    for c0 in range(0, C, BLOCK_C):
        cc = c0 + cols
        mask = row_mask[:, None] & (cc[None, :] < C)
        # -inf for masked entries: e^(-inf) = 0, where 0 - m could overflow for m << 0
        z = tl.load(x_ptr + rows[:, None] * C + cc[None, :], mask=mask, other=float("-inf")).to(
            tl.float32
        )
        y = tl.exp(z - m[:, None]) / s[:, None]
        tl.store(y_ptr + rows[:, None] * C + cc[None, :], y.to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _softmax_backward_kernel(
    y_ptr,  # saved output y = softmax(z), shape (R, C)
    grad_y_ptr,  # upstream gradient g = ∂L/∂y, shape (R, C)
    grad_x_ptr,  # result ∂L/∂z = y ⊙ (g - Σ_j g_j y_j), shape (R, C)
    R,  # rows
    C,  # columns
    BLOCK_R: tl.constexpr,  # rows per program
    BLOCK_C: tl.constexpr,  # columns per step
):
    rows = (tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)).to(tl.int64)
    row_mask = rows < R
    cols = tl.arange(0, BLOCK_C)
    dot = tl.zeros((BLOCK_R,), dtype=tl.float32)  # Σ_j g_j y_j per row
    for c0 in range(0, C, BLOCK_C):
        cc = c0 + cols
        mask = row_mask[:, None] & (cc[None, :] < C)
        offs = rows[:, None] * C + cc[None, :]
        y = tl.load(y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        g = tl.load(grad_y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        dot += tl.sum(g * y, axis=1)
    for c0 in range(0, C, BLOCK_C):
        cc = c0 + cols
        mask = row_mask[:, None] & (cc[None, :] < C)
        offs = rows[:, None] * C + cc[None, :]
        y = tl.load(y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        g = tl.load(grad_y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        gx = y * (g - dot[:, None])
        tl.store(grad_x_ptr + offs, gx.to(grad_x_ptr.dtype.element_ty), mask=mask)


def _launch_rows(kernel, R: int, C: int, *args) -> None:
    if R == 0 or C == 0:
        return
    block_r, block_c = row_blocks(R, C)
    kernel[(triton.cdiv(R, block_r),)](*args, R, C, BLOCK_R=block_r, BLOCK_C=block_c)


def softmax_forward(x: torch.Tensor) -> torch.Tensor:
    """softmax along the last dimension of a contiguous tensor."""
    y = torch.empty_like(x)
    C = x.shape[-1]
    _launch_rows(_softmax_forward_kernel, x.numel() // max(C, 1), C, x, y)
    return y


def softmax_backward(y: torch.Tensor, grad_y: torch.Tensor) -> torch.Tensor:
    """∂L/∂z = y ⊙ (g - Σ_j g_j y_j) along the last dimension."""
    grad_x = torch.empty_like(y)
    C = y.shape[-1]
    _launch_rows(_softmax_backward_kernel, y.numel() // max(C, 1), C, y, grad_y, grad_x)
    return grad_x


class SoftmaxFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = softmax_forward(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @first_order_only("kernels.softmax", "torch.softmax")
    def backward(ctx, grad_y):
        (y,) = ctx.saved_tensors
        check_same_shape("grad_y", grad_y, "y", y)
        return softmax_backward(y, grad_y.to(y.dtype).contiguous())


def softmax(x: torch.Tensor) -> torch.Tensor:
    """softmax over the last dimension, differentiable. x: float tensor with >= 1 dimension."""
    x = check_tensor("x", x)
    if x.dim() == 0:
        raise ValueError(
            "x: expected at least 1 dimension (softmax runs over the last one), got a 0-d tensor."
        )
    return SoftmaxFunction.apply(x)
