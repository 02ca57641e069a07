"""Cross-entropy (交叉熵) from logits and integer class targets, softmax fused in.

Book notation (``bigmodel_lab.formulas.softmax_cross_entropy`` with Y = one_hot(t, C)):
logits Z of shape (N, C), targets t_i in {0, ..., C-1}, P = softmax(Z) row by row:

    forward:   L = (1/N) Σ_i ℓ_i,    ℓ_i = log Σ_j e^(z_ij) - z_i,t_i
                                       = (m_i - z_i,t_i) + log Σ_j e^(z_ij - m_i),  m_i = max_j z_ij
    backward:  ∂L/∂Z = (P - Y) / N · ∂(output)/∂L      (the famous p - y, divided by N)

Fusing the softmax into the loss means P is never written to memory in the forward pass and
log P is never formed, so no log(0) can appear. Stability: every exponent is z - m ≤ 0, and
the two parts of ℓ_i are kept apart, (m_i - z_i,t_i) and log s_i with s_i = Σ_j e^(z_ij - m_i)
≥ 1, because m_i + log s_i rounded to float32 would lose the digits of log s_i when |m_i| is
large (logits of 1e4 have a float32 spacing of about 1e-3). For the same reason the forward
kernel saves m_i and log s_i separately, and the backward kernel forms P as
e^((z - m) - log s).

The mean is finished deterministically: each program writes the sum of its rows' ℓ_i, and
one more program adds those partial sums in order (``_reduce.finish_sum``).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import check_device, check_same_device, check_tensor, first_order_only, row_blocks
from ._reduce import finish_sum


@triton.jit
def _cross_entropy_forward_kernel(
    x_ptr,  # logits Z, shape (N, C), row-major
    target_ptr,  # class targets t, shape (N,), int64, each in [0, C)
    max_ptr,  # result m_i = max_j z_ij, shape (N,), float32 (saved for backward)
    logsum_ptr,  # result log s_i = log Σ_j e^(z_ij - m_i), shape (N,), float32 (saved)
    partial_ptr,  # result Σ_{i in this program's rows} ℓ_i, shape (programs,), float32
    N,  # rows (examples)
    C,  # columns (classes)
    BLOCK_R: tl.constexpr,  # rows per program
    BLOCK_C: tl.constexpr,  # columns per step
):
    pid = tl.program_id(0)
    rows = (pid * BLOCK_R + tl.arange(0, BLOCK_R)).to(tl.int64)
    row_mask = rows < N
    cols = tl.arange(0, BLOCK_C)
    m = tl.full((BLOCK_R,), float("-inf"), tl.float32)
    s = tl.zeros((BLOCK_R,), dtype=tl.float32)
    for c0 in range(0, C, BLOCK_C):  # online log-sum-exp, as in softmax.py
        cc = c0 + cols
        mask = row_mask[:, None] & (cc[None, :] < C)
        z = tl.load(x_ptr + rows[:, None] * C + cc[None, :], mask=mask, other=0.0).to(tl.float32)
        z = tl.where(cc[None, :] < C, z, float("-inf"))
        m_new = tl.maximum(m, tl.max(z, axis=1))
        s = s * tl.exp(m - m_new) + tl.sum(tl.exp(z - m_new[:, None]), axis=1)
        m = m_new
    t = tl.load(target_ptr + rows, mask=row_mask, other=0)
    z_t = tl.load(x_ptr + rows * C + t, mask=row_mask, other=0.0).to(tl.float32)  # z_i,t_i
    log_s = tl.log(s)
    loss = tl.where(row_mask, (m - z_t) + log_s, 0.0)
    tl.store(max_ptr + rows, m, mask=row_mask)
    tl.store(logsum_ptr + rows, log_s, mask=row_mask)
    tl.store(partial_ptr + pid, tl.sum(loss, axis=0))


@triton.jit
def _cross_entropy_backward_kernel(
    x_ptr,  # logits Z, shape (N, C)
    target_ptr,  # class targets t, shape (N,), int64
    max_ptr,  # saved m_i, shape (N,), float32
    logsum_ptr,  # saved log s_i, shape (N,), float32
    grad_out_ptr,  # upstream gradient ∂(output)/∂L, shape (1,)
    grad_x_ptr,  # result ∂/∂Z = (P - Y) / N · ∂(output)/∂L, shape (N, C)
    N,  # rows
    C,  # columns
    BLOCK_R: tl.constexpr,  # rows per program
    BLOCK_C: tl.constexpr,  # columns per step
):
    rows = (tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)).to(tl.int64)
    row_mask = rows < N
    cols = tl.arange(0, BLOCK_C)
    scale = tl.load(grad_out_ptr).to(tl.float32) / N  # read on the device: no host sync
    m = tl.load(max_ptr + rows, mask=row_mask, other=0.0)
    log_s = tl.load(logsum_ptr + rows, mask=row_mask, other=0.0)
    t = tl.load(target_ptr + rows, mask=row_mask, other=0)
    for c0 in range(0, C, BLOCK_C):
        cc = c0 + cols
        mask = row_mask[:, None] & (cc[None, :] < C)
        offs = rows[:, None] * C + cc[None, :]
        z = tl.load(x_ptr + offs, mask=mask, other=float("-inf")).to(tl.float32)
        p = tl.exp((z - m[:, None]) - log_s[:, None])
        p = p - tl.where(cc[None, :] == t[:, None], 1.0, 0.0)  # P - Y, Y one-hot
        tl.store(grad_x_ptr + offs, (p * scale).to(grad_x_ptr.dtype.element_ty), mask=mask)


def cross_entropy_forward(x: torch.Tensor, target: torch.Tensor):
    """(L, m, log s): the mean loss as a 0-d tensor of x's dtype, and the saved row statistics."""
    N, C = x.shape
    block_r, block_c = row_blocks(N, C)
    programs = triton.cdiv(N, block_r)
    m = torch.empty(N, device=x.device, dtype=torch.float32)
    log_s = torch.empty_like(m)
    partials = torch.empty(programs, device=x.device, dtype=torch.float32)
    _cross_entropy_forward_kernel[(programs,)](
        x, target, m, log_s, partials, N, C, BLOCK_R=block_r, BLOCK_C=block_c
    )
    return finish_sum(partials, 1.0 / N, x.dtype), m, log_s


def cross_entropy_backward(x, target, m, log_s, grad_out) -> torch.Tensor:
    """∂L/∂Z = (softmax(Z) - one_hot(t)) / N, times the upstream scalar gradient."""
    N, C = x.shape
    grad_x = torch.empty_like(x)
    block_r, block_c = row_blocks(N, C)
    _cross_entropy_backward_kernel[(triton.cdiv(N, block_r),)](
        x,
        target,
        m,
        log_s,
        grad_out.reshape(1).contiguous(),
        grad_x,
        N,
        C,
        BLOCK_R=block_r,
        BLOCK_C=block_c,
    )
    return grad_x


class CrossEntropyFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, target):
        loss, m, log_s = cross_entropy_forward(x, target)
        ctx.save_for_backward(x, target, m, log_s)
        ctx.mark_non_differentiable(target)
        return loss

    @staticmethod
    @first_order_only("kernels.cross_entropy", "torch.nn.functional.cross_entropy")
    def backward(ctx, grad_out):
        x, target, m, log_s = ctx.saved_tensors
        return cross_entropy_backward(x, target, m, log_s, grad_out), None


def cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the batch, differentiable in logits.

    logits: (N, C) float tensor of unnormalised scores; target: (N,) integer class indices in
    [0, C). Same value as ``torch.nn.functional.cross_entropy(logits, target)``.
    """
    logits = check_tensor("logits", logits, ndim=2)
    if not isinstance(target, torch.Tensor):
        raise TypeError(
            f"target: expected a torch.Tensor of class indices, got {type(target).__name__}."
        )
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(
            f"target: expected integer class indices (e.g. torch.long), got dtype "
            f"{target.dtype}; for one-hot or probability targets use "
            "bigmodel_lab.formulas.softmax_cross_entropy."
        )
    N, C = logits.shape
    if target.shape != (N,):
        raise ValueError(
            f"target: expected shape ({N},), one class index per row of logits of "
            f"shape {tuple(logits.shape)}, got {tuple(target.shape)}."
        )
    if N == 0:
        raise ValueError(
            "logits: the batch is empty (shape (0, C)); the mean loss over zero "
            "examples is undefined."
        )
    if C == 0:
        raise ValueError("logits: there are no classes (shape (N, 0)); cross-entropy needs C >= 1.")
    check_device("target", target)
    check_same_device(logits=logits, target=target)
    lo, hi = int(target.min()), int(target.max())
    if lo < 0 or hi >= C:
        raise ValueError(
            f"target: class indices must lie in [0, {C - 1}] for {C} classes, got "
            f"values from {lo} to {hi}."
        )
    return CrossEntropyFunction.apply(logits, target.to(torch.int64).contiguous())
