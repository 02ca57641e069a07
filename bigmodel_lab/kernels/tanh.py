"""Hyperbolic tangent (双曲正切), element-wise: forward and backward kernels.

    forward:   y = tanh(x) = (e^x - e^(-x)) / (e^x + e^(-x))
    backward:  ∂L/∂x = ∂L/∂y · (1 - tanh(x)²) = ∂L/∂y · 4e / (1 + e)²,   e = e^(-2|x|)

Stable evaluation: with e = e^(-2|x|) ≤ 1, tanh(|x|) = (1 - e) / (1 + e) never overflows, and
tanh is odd, so the sign of x is put back at the end. Near 0 the subtraction 1 - e cancels
(for |x| = 1e-4 about three of float32's seven digits would be lost), so for |x| < 0.1 the
kernel uses the Taylor series x - x³/3 + 2x⁵/15 - 17x⁷/315, whose first omitted term,
62x⁹/2835, is below 3e-10 relative there.

The backward kernel recomputes tanh' from the saved input x: 1 - y² cancels where |y| is close
to 1 (at x = 5 it keeps only three of seven digits), while 4e / (1 + e)², the same number
written with e = e^(-2|x|), involves no subtraction. The fused activation of the linear
kernel, which keeps only y, uses ``tl_tanh_grad_from_output``.

NumPy reference: ``bigmodel_lab.formulas.tanh`` and ``tanh_grad``; torch: ``torch.tanh``.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import check_same_shape, check_tensor, launch_elementwise


@triton.jit
def tl_tanh(x):
    """tanh(x) in float32 (device function, also used by the linear kernel)."""
    a = tl.abs(x)
    e = tl.exp(-2.0 * a)
    far = (1.0 - e) / (1.0 + e)
    x2 = x * x
    near = a * (
        1.0 + x2 * (-0.3333333333333333 + x2 * (0.13333333333333333 + x2 * -0.05396825396825397))
    )
    t = tl.where(a < 0.1, near, far)
    return tl.where(x < 0, -t, t)  # NaN fails both tests above and stays NaN


@triton.jit
def tl_tanh_grad_from_output(y):
    """tanh'(x) written with y = tanh(x): 1 - y²."""
    return 1.0 - y * y


@triton.jit
def _tanh_grad(x):
    """tanh'(x) = 4e / (1 + e)² with e = e^(-2|x|): no cancellation for any x."""
    e = tl.exp(-2.0 * tl.abs(x))
    d = 1.0 + e
    return 4.0 * e / (d * d)


@triton.jit
def _tanh_forward_kernel(
    x_ptr,  # input x, shape (n,) (any shape, flattened), float32/float16/bfloat16
    y_ptr,  # output y = tanh(x), shape (n,), dtype of x
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    tl.store(y_ptr + offs, tl_tanh(x).to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _tanh_backward_kernel(
    x_ptr,  # saved input x, shape (n,)
    grad_y_ptr,  # upstream gradient ∂L/∂y, shape (n,)
    grad_x_ptr,  # result ∂L/∂x, shape (n,), dtype of y
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    g = tl.load(grad_y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    tl.store(grad_x_ptr + offs, (g * _tanh_grad(x)).to(grad_x_ptr.dtype.element_ty), mask=mask)


def tanh_forward(x: torch.Tensor) -> torch.Tensor:
    """y = tanh(x) for a contiguous tensor x of any shape."""
    y = torch.empty_like(x)
    launch_elementwise(_tanh_forward_kernel, x.numel(), x, y)
    return y


def tanh_backward(x: torch.Tensor, grad_y: torch.Tensor) -> torch.Tensor:
    """∂L/∂x = ∂L/∂y · tanh'(x) from the saved input x."""
    grad_x = torch.empty_like(x)
    launch_elementwise(_tanh_backward_kernel, x.numel(), x, grad_y.to(x.dtype).contiguous(), grad_x)
    return grad_x


class TanhFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return tanh_forward(x)

    @staticmethod
    def backward(ctx, grad_y):
        (x,) = ctx.saved_tensors
        check_same_shape("grad_y", grad_y, "x", x)
        if torch.is_grad_enabled():
            # create_graph=True: tanh' = 1 - tanh² from differentiable ops (tanh by this
            # kernel), so that the gradient has a graph of its own for second derivatives
            y = TanhFunction.apply(x)
            return grad_y.to(y.dtype) * (1.0 - y * y)
        return tanh_backward(x, grad_y)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh(x) element-wise, differentiable. x: float tensor of any shape."""
    return TanhFunction.apply(check_tensor("x", x))
