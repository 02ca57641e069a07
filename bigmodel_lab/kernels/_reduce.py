"""Two deterministic reductions shared by several operations.

Floating-point addition is not associative, so a sum computed with atomic adds (in whatever
order the programs finish) can change in its last bits from run to run. These kernels fix the
order instead: every program writes its own partial result, and a second pass adds the
partials in index order. Same input, same bits, on every run.

- ``finish_sum(partials, scale)``: s = scale · Σ_i partials_i, one program (losses' means).
- ``column_sums(x)``: c_j = Σ_i x_ij over the rows of a matrix (bias gradients, split sums).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import CAPS, clamp_block


@triton.jit
def _finish_sum_kernel(
    partials_ptr,  # partial sums, shape (n,), float32
    out_ptr,  # result scale · Σ partials, shape (1,), output dtype
    n,  # number of partial sums
    scale,  # factor applied once at the end (e.g. 1/N for a mean)
    BLOCK: tl.constexpr,  # partials read per loop iteration
):
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        acc += tl.load(partials_ptr + offs, mask=offs < n, other=0.0)
    tl.store(out_ptr, (tl.sum(acc, axis=0) * scale).to(out_ptr.dtype.element_ty))


@triton.jit
def _column_sums_kernel(
    x_ptr,  # matrix x, shape (M, N), row-major
    out_ptr,  # result c_j = Σ_i x_ij, shape (N,)
    M,  # rows
    N,  # columns
    BLOCK_M: tl.constexpr,  # rows read per loop iteration
    BLOCK_N: tl.constexpr,  # columns per program
):
    cols = tl.program_id(0) * BLOCK_N + tl.arange(0, BLOCK_N)
    col_mask = cols < N
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)  # accumulate in float32
    for start in range(0, M, BLOCK_M):
        rows = (start + tl.arange(0, BLOCK_M)).to(tl.int64)
        mask = (rows[:, None] < M) & col_mask[None, :]
        acc += tl.load(x_ptr + rows[:, None] * N + cols[None, :], mask=mask, other=0.0).to(
            tl.float32
        )
    tl.store(out_ptr + cols, tl.sum(acc, axis=0).to(out_ptr.dtype.element_ty), mask=col_mask)


def finish_sum(partials: torch.Tensor, scale: float, dtype: torch.dtype) -> torch.Tensor:
    """A 0-d tensor scale · Σ partials (float32 partials, any length), of the given dtype."""
    out = torch.empty((), device=partials.device, dtype=dtype)
    n = partials.numel()
    block = clamp_block(n, CAPS["reduce"])
    _finish_sum_kernel[(1,)](partials, out, n, float(scale), BLOCK=block)
    return out


def column_sums(x: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    """c_j = Σ_i x_ij for a contiguous 2-D tensor x of shape (M, N); an empty sum is 0."""
    M, N = x.shape
    out = torch.zeros(N, device=x.device, dtype=dtype or x.dtype)
    if M == 0 or N == 0:
        return out
    block_n = clamp_block(N, CAPS["columns"])
    block_m = clamp_block(M, max(1, CAPS["reduce"] // block_n), minimum=1)
    _column_sums_kernel[(triton.cdiv(N, block_n),)](x, out, M, N, BLOCK_M=block_m, BLOCK_N=block_n)
    return out
