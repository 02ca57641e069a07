"""2-D max-pooling (最大池化), window k x k, stride k, no padding, NCHW: forward and backward.

Book notation (``bigmodel_lab.formulas.conv.max_pool2d``): input x of shape (N, C, H, W),
output of shape (N, C, ⌊H/k⌋, ⌊W/k⌋) (rows and columns that do not fill a window are dropped):

    forward:   y[n,c,i,j] = max_{0≤p,q<k} x[n,c,k·i+p,k·j+q]
    backward:  ∂L/∂x[n,c,k·i+p,k·j+q] = g[n,c,i,j] if (p, q) is the window's argmax, else 0

The maximum is only differentiable where it is unique; with ties (common after a ReLU, where a
window may be all zeros) the gradient goes to the *first* maximum in row-major order within the
window, the choice torch makes too. The forward kernel saves the winner's position p·k + q for
each window. Windows do not overlap (stride = k), so each input element receives the gradient
of at most one window, and the backward kernel can write every element of ∂L/∂x exactly once:
no atomics, no zero-fill pass.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ..checks import check_positive_int
from ._common import check_tensor, first_order_only, launch_elementwise


@triton.jit
def _max_pool2d_forward_kernel(
    x_ptr,  # input x, shape (N, C, H, W), contiguous
    y_ptr,  # result y, shape (N, C, OH, OW), OH = H // K, OW = W // K
    arg_ptr,  # result: winner position p*K + q per window, shape (N, C, OH, OW), int32
    H,
    W,
    OH,
    OW,  # sizes
    n,  # number of outputs N*C*OH*OW
    K: tl.constexpr,  # window size and stride
    BLOCK: tl.constexpr,  # outputs per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    nc = offs // (OH * OW)  # (n, c) flattened
    r = offs % (OH * OW)
    corner = nc * H * W + (r // OW) * K * W + (r % OW) * K  # address of x[n, c, K*i, K*j]
    best = tl.full((BLOCK,), float("-inf"), tl.float32)
    arg = tl.zeros((BLOCK,), dtype=tl.int32)
    for p in tl.static_range(K):
        for q in tl.static_range(K):
            v = tl.load(x_ptr + corner + p * W + q, mask=mask, other=0.0).to(tl.float32)
            # strictly greater keeps the first maximum; v != v picks up a NaN, as torch does
            take = (v > best) | (v != v)
            best = tl.where(take, v, best)
            arg = tl.where(take, p * K + q, arg)
    tl.store(y_ptr + offs, best.to(y_ptr.dtype.element_ty), mask=mask)
    tl.store(arg_ptr + offs, arg, mask=mask)


@triton.jit
def _max_pool2d_backward_kernel(
    arg_ptr,  # saved winner positions, shape (N, C, OH, OW), int32
    grad_y_ptr,  # upstream gradient g = ∂L/∂y, shape (N, C, OH, OW)
    grad_x_ptr,  # result ∂L/∂x, shape (N, C, H, W)
    H,
    W,
    OH,
    OW,  # sizes
    n,  # number of inputs N*C*H*W
    K: tl.constexpr,  # window size and stride
    BLOCK: tl.constexpr,  # input elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    nc = offs // (H * W)
    r = offs % (H * W)
    h = r // W
    v = r % W
    i = h // K  # the window this element belongs to
    j = v // K
    in_window = mask & (i < OH) & (j < OW)  # the cropped border belongs to none
    out = nc * OH * OW + i * OW + j
    arg = tl.load(arg_ptr + out, mask=in_window, other=-1)
    g = tl.load(grad_y_ptr + out, mask=in_window, other=0.0).to(tl.float32)
    gx = tl.where(arg == (h % K) * K + (v % K), g, 0.0)
    tl.store(grad_x_ptr + offs, gx.to(grad_x_ptr.dtype.element_ty), mask=mask)


def max_pool2d_forward(x: torch.Tensor, k: int):
    """(y, argmax positions) for a contiguous NCHW tensor."""
    N, C, H, W = x.shape
    OH, OW = H // k, W // k
    y = torch.empty((N, C, OH, OW), device=x.device, dtype=x.dtype)
    arg = torch.empty((N, C, OH, OW), device=x.device, dtype=torch.int32)
    launch_elementwise(_max_pool2d_forward_kernel, y.numel(), x, y, arg, H, W, OH, OW, K=k)
    return y, arg


def max_pool2d_backward(arg: torch.Tensor, grad_y: torch.Tensor, x_shape, k: int) -> torch.Tensor:
    """Route each window's gradient to its saved argmax; zeros everywhere else."""
    N, C, H, W = x_shape
    grad_x = torch.empty(x_shape, device=grad_y.device, dtype=grad_y.dtype)
    launch_elementwise(
        _max_pool2d_backward_kernel,
        grad_x.numel(),
        arg,
        grad_y,
        grad_x,
        H,
        W,
        arg.shape[2],
        arg.shape[3],
        K=k,
    )
    return grad_x


class MaxPool2dFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        y, arg = max_pool2d_forward(x, k)
        ctx.save_for_backward(arg)
        ctx.k, ctx.x_shape, ctx.dtype = k, x.shape, x.dtype
        return y

    @staticmethod
    @first_order_only("kernels.max_pool2d", "torch.nn.functional.max_pool2d")
    def backward(ctx, grad_y):
        (arg,) = ctx.saved_tensors
        return max_pool2d_backward(arg, grad_y.to(ctx.dtype).contiguous(), ctx.x_shape, ctx.k), None


def max_pool2d(x: torch.Tensor, kernel_size: int = 2) -> torch.Tensor:
    """Max-pooling over kernel_size x kernel_size windows with stride kernel_size, differentiable.

    x: (N, C, H, W). Returns (N, C, H // kernel_size, W // kernel_size), the same as
    ``torch.nn.functional.max_pool2d(x, kernel_size)``.
    """
    x = check_tensor("x", x, ndim=4)
    k = check_positive_int("kernel_size", kernel_size)
    if k > 16:
        raise ValueError(
            f"kernel_size: expected at most 16 (the window loop is unrolled), got {k}."
        )
    H, W = x.shape[2:]
    if H < k or W < k:  # torch.nn.functional.max_pool2d refuses it too
        raise ValueError(
            f"x: an image of {H}x{W} pixels holds no whole {k}x{k} window, so the output "
            f"would be empty (shape {(x.shape[0], x.shape[1], H // k, W // k)}). Use a "
            "kernel_size of at most min(H, W), or check the layers before the pooling."
        )
    return MaxPool2dFunction.apply(x, k)
