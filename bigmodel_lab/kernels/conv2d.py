"""2-D convolution (卷积), stride 1, no padding, NCHW: forward and backward kernels.

Book notation (``bigmodel_lab.formulas.conv.conv2d``): input x of shape (N, C, H, W), weights
w of shape (F, C, KH, KW), bias b of shape (F,), output of shape (N, F, H-KH+1, W-KW+1):

    forward:   y[n,f,i,j]  = b[f] + Σ_c Σ_p Σ_q x[n,c,i+p,j+q] · w[f,c,p,q]
    backward:  ∂L/∂w[f,c,p,q] = Σ_n Σ_i Σ_j g[n,f,i,j] · x[n,c,i+p,j+q]       (g = ∂L/∂y)
               ∂L/∂b[f]       = Σ_n Σ_i Σ_j g[n,f,i,j]
               ∂L/∂x[n,c,h,v] = Σ_f Σ_p Σ_q g[n,f,h-p,v-q] · w[f,c,p,q]   (terms inside g only)

Each of the three is a matrix product in disguise ("implicit GEMM"): number the output pixels
m = (n, i, j) and the weights' inner positions k = (c, p, q); then y = A wᵀ with
A[m, k] = x[n, c, i+p, j+q]. The kernels never build A (the "im2col" matrix, KH·KW times the
size of x): each program computes the addresses of its tile of A from (m, k) and loads it
straight from x, then calls ``tl.dot`` as the linear kernel does.

- forward: rows m = (n, i, j), columns f, reduction over k = (c, p, q);
- weight gradient: rows f, columns k, reduction over m; the bias gradient (a sum of the same
  tiles of g) is fused into it. The reduction over m can be long (N·OH·OW), so on a GPU it is
  split into chunks whose partial results are added in order afterwards (deterministic);
- input gradient: rows (n, h, v), columns c, reduction over (f, p, q), loading
  g[n, f, h-p, v-q] with a mask where the index falls outside g.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import (
    CAPS,
    check_same_device,
    check_same_dtype,
    check_tensor,
    clamp_block,
    first_order_only,
    warn_if_long,
)
from ._reduce import column_sums


@triton.jit
def _conv2d_forward_kernel(
    x_ptr,  # input x, shape (N, C, H, W), contiguous
    w_ptr,  # weights w, shape (F, C, KH, KW), contiguous = (F, C·KH·KW) row-major
    bias_ptr,  # bias b, shape (F,); not read unless HAS_BIAS
    y_ptr,  # result y, shape (N, F, OH, OW), contiguous
    N,
    C,
    H,
    W,
    F,
    OH,
    OW,  # sizes; OH = H - KH + 1, OW = W - KW + 1
    KH: tl.constexpr,  # kernel height
    KW: tl.constexpr,  # kernel width
    HAS_BIAS: tl.constexpr,  # add b[f]
    BLOCK_M: tl.constexpr,  # output pixels (n, i, j) per program
    BLOCK_F: tl.constexpr,  # output channels per program
    BLOCK_K: tl.constexpr,  # step along (c, p, q)
):
    rm = (tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)).to(tl.int64)
    rf = tl.program_id(1) * BLOCK_F + tl.arange(0, BLOCK_F)
    m_mask = rm < N * OH * OW
    f_mask = rf < F
    n = rm // (OH * OW)
    r = rm % (OH * OW)  # i * OW + j
    x_row = n * C * H * W + (r // OW) * W + (r % OW)  # address of x[n, 0, i, 0 + j]
    y_row = n * F * OH * OW + r  # address of y[n, 0, i, j]
    K_TOTAL = C * KH * KW
    acc = tl.zeros((BLOCK_M, BLOCK_F), dtype=tl.float32)
    for k0 in range(0, K_TOTAL, BLOCK_K):
        kk = k0 + tl.arange(0, BLOCK_K)
        k_mask = kk < K_TOTAL
        c = kk // (KH * KW)
        pq = kk % (KH * KW)
        x_col = c * H * W + (pq // KW) * W + (pq % KW)  # offset of x[., c, . + p, . + q]
        a = tl.load(
            x_ptr + x_row[:, None] + x_col[None, :],
            mask=m_mask[:, None] & k_mask[None, :],
            other=0.0,
        )  # A[m, k]
        b = tl.load(
            w_ptr + rf[None, :] * K_TOTAL + kk[:, None],
            mask=k_mask[:, None] & f_mask[None, :],
            other=0.0,
        )  # wᵀ[k, f]
        acc = tl.dot(a, b, acc, input_precision="ieee")
    if HAS_BIAS:
        acc += tl.load(bias_ptr + rf, mask=f_mask, other=0.0).to(tl.float32)[None, :]
    tl.store(
        y_ptr + y_row[:, None] + rf[None, :] * (OH * OW),
        acc.to(y_ptr.dtype.element_ty),
        mask=m_mask[:, None] & f_mask[None, :],
    )


@triton.jit
def _conv2d_backward_kernel(
    x_ptr,  # input x, shape (N, C, H, W)
    grad_y_ptr,  # upstream gradient g = ∂L/∂y, shape (N, F, OH, OW)
    grad_w_ptr,  # result: partial ∂L/∂w per chunk, shape (SPLIT, F, C·KH·KW), float32
    grad_b_ptr,  # result: partial ∂L/∂b per chunk, shape (SPLIT, F), float32 (if HAS_BIAS)
    N,
    C,
    H,
    W,
    F,
    OH,
    OW,  # sizes
    M_PER_SPLIT,  # output pixels per chunk of the reduction
    KH: tl.constexpr,  # kernel height
    KW: tl.constexpr,  # kernel width
    HAS_BIAS: tl.constexpr,  # also sum g for the bias gradient
    BLOCK_F: tl.constexpr,  # output channels per program
    BLOCK_K: tl.constexpr,  # weight positions (c, p, q) per program
    BLOCK_M: tl.constexpr,  # step along the reduction over pixels (n, i, j)
):
    """The weight (and bias) gradient: ∂L/∂w = gᵀ A, a (F, M) x (M, C·KH·KW) product."""
    rf = tl.program_id(0) * BLOCK_F + tl.arange(0, BLOCK_F)
    rk = tl.program_id(1) * BLOCK_K + tl.arange(0, BLOCK_K)
    split = tl.program_id(2)
    K_TOTAL = C * KH * KW
    M = N * OH * OW
    f_mask = rf < F
    k_mask = rk < K_TOTAL
    c = rk // (KH * KW)
    pq = rk % (KH * KW)
    x_col = c * H * W + (pq // KW) * W + (pq % KW)
    m_start = split.to(tl.int64) * M_PER_SPLIT
    m_stop = tl.minimum(m_start + M_PER_SPLIT, M)
    acc = tl.zeros((BLOCK_F, BLOCK_K), dtype=tl.float32)
    bias_acc = tl.zeros((BLOCK_F,), dtype=tl.float32)
    for m0 in range(m_start, m_stop, BLOCK_M):
        rm = m0 + tl.arange(0, BLOCK_M)
        m_mask = rm < m_stop
        n = rm // (OH * OW)
        r = rm % (OH * OW)
        x_row = n * C * H * W + (r // OW) * W + (r % OW)
        y_row = n * F * OH * OW + r
        g_t = tl.load(
            grad_y_ptr + rf[:, None] * (OH * OW) + y_row[None, :],
            mask=f_mask[:, None] & m_mask[None, :],
            other=0.0,
        )  # gᵀ[f, m]
        a = tl.load(
            x_ptr + x_row[:, None] + x_col[None, :],
            mask=m_mask[:, None] & k_mask[None, :],
            other=0.0,
        )  # A[m, k]
        acc = tl.dot(g_t, a, acc, input_precision="ieee")
        if HAS_BIAS:
            bias_acc += tl.sum(g_t.to(tl.float32), axis=1)
    tl.store(
        grad_w_ptr + split * F * K_TOTAL + rf[:, None] * K_TOTAL + rk[None, :],
        acc,
        mask=f_mask[:, None] & k_mask[None, :],
    )
    if HAS_BIAS:
        if tl.program_id(1) == 0:  # every column block summed the same g; the first one writes
            tl.store(grad_b_ptr + split * F + rf, bias_acc, mask=f_mask)


@triton.jit
def _conv2d_backward_input_kernel(
    grad_y_ptr,  # upstream gradient g = ∂L/∂y, shape (N, F, OH, OW)
    w_ptr,  # weights w, shape (F, C, KH, KW)
    grad_x_ptr,  # result ∂L/∂x, shape (N, C, H, W)
    N,
    C,
    H,
    W,
    F,
    OH,
    OW,  # sizes
    KH: tl.constexpr,  # kernel height
    KW: tl.constexpr,  # kernel width
    BLOCK_M: tl.constexpr,  # input pixels (n, h, v) per program
    BLOCK_C: tl.constexpr,  # input channels per program
    BLOCK_K: tl.constexpr,  # step along (f, p, q)
):
    """∂L/∂x[n,c,h,v] = Σ_(f,p,q) g[n,f,h-p,v-q] w[f,c,p,q], g read as zero outside its range."""
    rm = (tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)).to(tl.int64)
    rc = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    m_mask = rm < N * H * W
    c_mask = rc < C
    n = rm // (H * W)
    r = rm % (H * W)
    h = r // W
    v = r % W
    K_TOTAL = F * KH * KW
    acc = tl.zeros((BLOCK_M, BLOCK_C), dtype=tl.float32)
    for k0 in range(0, K_TOTAL, BLOCK_K):
        kk = k0 + tl.arange(0, BLOCK_K)
        k_mask = kk < K_TOTAL
        f = kk // (KH * KW)
        p = (kk % (KH * KW)) // KW
        q = kk % KW
        i = h[:, None] - p[None, :]  # output row that x[., ., h, .] fed through weight row p
        j = v[:, None] - q[None, :]
        inside = (i >= 0) & (i < OH) & (j >= 0) & (j < OW)
        g = tl.load(
            grad_y_ptr + n[:, None] * (F * OH * OW) + f[None, :] * (OH * OW) + i * OW + j,
            mask=inside & m_mask[:, None] & k_mask[None, :],
            other=0.0,
        )
        b = tl.load(
            w_ptr + f[:, None] * (C * KH * KW) + rc[None, :] * (KH * KW) + (p * KW + q)[:, None],
            mask=k_mask[:, None] & c_mask[None, :],
            other=0.0,
        )
        acc = tl.dot(g, b, acc, input_precision="ieee")
    tl.store(
        grad_x_ptr + n[:, None] * (C * H * W) + rc[None, :] * (H * W) + r[:, None],
        acc.to(grad_x_ptr.dtype.element_ty),
        mask=m_mask[:, None] & c_mask[None, :],
    )


def _blocks(pixels: int, channels: int, inner: int):
    """Tile sizes (pixels, channels, inner) for one of the three implicit GEMMs.

    Under the interpreter each program step is a handful of NumPy calls, so the pixel dimension
    (large: N·OH·OW) gets big tiles there and few programs run (``CAPS`` in _common.py).
    """
    return (
        clamp_block(pixels, CAPS["conv_pixels"]),
        clamp_block(channels, CAPS["conv_channels"]),
        clamp_block(inner, CAPS["conv_inner"]),
    )


def conv2d_forward(x, weight, bias):
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = H - KH + 1, W - KW + 1
    y = torch.empty((N, F, OH, OW), device=x.device, dtype=x.dtype)
    if y.numel() == 0:
        return y
    bm, bf, bk = _blocks(N * OH * OW, F, C * KH * KW)
    grid = (triton.cdiv(N * OH * OW, bm), triton.cdiv(F, bf))
    _conv2d_forward_kernel[grid](
        x,
        weight,
        bias if bias is not None else y,
        y,
        N,
        C,
        H,
        W,
        F,
        OH,
        OW,
        KH=KH,
        KW=KW,
        HAS_BIAS=bias is not None,
        BLOCK_M=bm,
        BLOCK_F=bf,
        BLOCK_K=bk,
    )
    return y


def conv2d_backward(x, weight, grad_y, needs=(True, True, True)):
    """(∂L/∂x, ∂L/∂w, ∂L/∂b); None where ``needs`` says the gradient is not wanted."""
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = grad_y.shape[2], grad_y.shape[3]
    grad_x = grad_w = grad_b = None
    if needs[0]:
        grad_x = torch.zeros_like(x)
        if grad_y.numel() and x.numel():
            bm, bc, bk = _blocks(N * H * W, C, F * KH * KW)
            grid = (triton.cdiv(N * H * W, bm), triton.cdiv(C, bc))
            _conv2d_backward_input_kernel[grid](
                grad_y,
                weight,
                grad_x,
                N,
                C,
                H,
                W,
                F,
                OH,
                OW,
                KH=KH,
                KW=KW,
                BLOCK_M=bm,
                BLOCK_C=bc,
                BLOCK_K=bk,
            )
    if needs[1] or needs[2]:
        M, K_total = N * OH * OW, C * KH * KW
        if M == 0 or weight.numel() == 0:
            grad_w, grad_b = torch.zeros_like(weight), weight.new_zeros(F)
        else:
            bm, bf, bk = _blocks(M, F, K_total)
            # split the long reduction over pixels into chunks that run in parallel (GPU)
            split = max(1, min(256, triton.cdiv(M, CAPS["conv_split"])))
            per_split = triton.cdiv(triton.cdiv(M, split), bm) * bm  # whole steps per chunk
            split = triton.cdiv(M, per_split)
            w_part = torch.empty((split, F * K_total), device=x.device, dtype=torch.float32)
            b_part = torch.empty((split, F), device=x.device, dtype=torch.float32)
            grid = (triton.cdiv(F, bf), triton.cdiv(K_total, bk), split)
            _conv2d_backward_kernel[grid](
                x,
                grad_y,
                w_part,
                b_part,
                N,
                C,
                H,
                W,
                F,
                OH,
                OW,
                per_split,
                KH=KH,
                KW=KW,
                HAS_BIAS=needs[2],
                BLOCK_F=bf,
                BLOCK_K=bk,
                BLOCK_M=bm,
            )
            grad_w = column_sums(w_part, dtype=weight.dtype).reshape(weight.shape)
            grad_b = column_sums(b_part, dtype=weight.dtype) if needs[2] else None
        if not needs[1]:
            grad_w = None
        if not needs[2]:
            grad_b = None
    return grad_x, grad_w, grad_b


class Conv2dFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        return conv2d_forward(x, weight, bias)

    @staticmethod
    @first_order_only("kernels.conv2d", "torch.nn.functional.conv2d")
    def backward(ctx, grad_y):
        x, weight = ctx.saved_tensors
        needs = (
            ctx.needs_input_grad[0],
            ctx.needs_input_grad[1],
            ctx.has_bias and ctx.needs_input_grad[2],
        )
        return conv2d_backward(x, weight, grad_y.to(x.dtype).contiguous(), needs)


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """2-D convolution with stride 1 and no padding, differentiable in x, weight and bias.

    x: (N, C, H, W); weight: (F, C, KH, KW) with KH <= H and KW <= W; bias: (F,) or None.
    Returns (N, F, H-KH+1, W-KW+1), the same as ``torch.nn.functional.conv2d(x, weight, bias)``.
    """
    x = check_tensor("x", x, ndim=4)
    weight = check_tensor("weight", weight, ndim=4)
    N, C, H, W = x.shape
    F, C_w, KH, KW = weight.shape
    if C_w != C:
        raise ValueError(
            f"x and weight do not fit: x has {C} channels (shape {tuple(x.shape)}, "
            f"NCHW) but weight of shape {tuple(weight.shape)} expects {C_w} "
            "(weight is (out_channels, in_channels, KH, KW))."
        )
    if KH == 0 or KW == 0 or KH > H or KW > W:
        raise ValueError(
            f"weight: a {KH}x{KW} kernel does not fit a {H}x{W} input without "
            "padding; use a kernel no larger than the image (and at least 1x1)."
        )
    if bias is not None:
        bias = check_tensor("bias", bias, ndim=1)
        if bias.shape[0] != F:
            raise ValueError(
                f"bias: expected shape ({F},), one per output channel of weight "
                f"{tuple(weight.shape)}, got {tuple(bias.shape)}."
            )
    check_same_device(x=x, weight=weight, bias=bias)
    check_same_dtype(x=x, weight=weight, bias=bias)
    macs = N * (H - KH + 1) * (W - KW + 1) * weight.numel()
    warn_if_long("kernels.conv2d", macs, "conv", "torch.nn.functional.conv2d")
    return Conv2dFunction.apply(x, weight, bias)
