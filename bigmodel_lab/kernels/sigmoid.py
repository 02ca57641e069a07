"""Sigmoid (S 型函数), element-wise: forward and backward kernels.

    forward:   y = σ(x) = 1 / (1 + e^(-x))
    backward:  ∂L/∂x = ∂L/∂y · σ'(x),   σ'(x) = σ(x)(1 - σ(x)) = e / (1 + e)²,  e = e^(-|x|)

Written as 1 / (1 + e^(-x)) the exponential overflows to inf for x << 0 (the result is still 0,
but only by luck of IEEE arithmetic). The kernel uses the stable split with e = e^(-|x|) ≤ 1:
σ(x) = 1 / (1 + e) for x ≥ 0 and e / (1 + e) for x < 0.

The backward kernel recomputes σ' from the saved input x rather than from the output y. The
two are equal in exact arithmetic, but y(1 - y) loses digits where σ saturates: at x = 8,
y = 0.99966 is stored with an error of about 6e-8, which is 2e-4 of 1 - y = 3.4e-4. The form
e / (1 + e)² has no subtraction and keeps float32's seven digits for every x. (torch computes
y(1 - y); the tests show the difference.) The fused activation of the linear kernel, which
keeps only y, uses ``tl_sigmoid_grad_from_output``.

NumPy reference: ``bigmodel_lab.formulas.sigmoid`` and ``sigmoid_grad``; torch: ``torch.sigmoid``.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import check_same_shape, check_tensor, launch_elementwise


@triton.jit
def tl_sigmoid(x):
    """σ(x) in float32, without overflow (device function, also used by the linear kernel)."""
    e = tl.exp(-tl.abs(x))
    s = 1.0 / (1.0 + e)
    return tl.where(x >= 0, s, e * s)


@triton.jit
def tl_sigmoid_grad_from_output(y):
    """σ'(x) written with y = σ(x): y (1 - y)."""
    return y * (1.0 - y)


@triton.jit
def _sigmoid_grad(x):
    """σ'(x) = e / (1 + e)² with e = e^(-|x|): no cancellation for any x."""
    e = tl.exp(-tl.abs(x))
    d = 1.0 + e
    return e / (d * d)


@triton.jit
def _sigmoid_forward_kernel(
    x_ptr,  # input x, shape (n,) (any shape, flattened), float32/float16/bfloat16
    y_ptr,  # output y = σ(x), shape (n,), dtype of x
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    # int64 offsets: pid * BLOCK overflows int32 for tensors beyond 2^31 elements
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n  # the last block may run past the end
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)  # compute in float32
    tl.store(y_ptr + offs, tl_sigmoid(x).to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _sigmoid_backward_kernel(
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
    tl.store(grad_x_ptr + offs, (g * _sigmoid_grad(x)).to(grad_x_ptr.dtype.element_ty), mask=mask)


def sigmoid_forward(x: torch.Tensor) -> torch.Tensor:
    """y = σ(x) for a contiguous tensor x of any shape."""
    y = torch.empty_like(x)
    launch_elementwise(_sigmoid_forward_kernel, x.numel(), x, y)
    return y


def sigmoid_backward(x: torch.Tensor, grad_y: torch.Tensor) -> torch.Tensor:
    """∂L/∂x = ∂L/∂y · σ'(x) from the saved input x."""
    grad_x = torch.empty_like(x)
    launch_elementwise(
        _sigmoid_backward_kernel, x.numel(), x, grad_y.to(x.dtype).contiguous(), grad_x
    )
    return grad_x


class SigmoidFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sigmoid_forward(x)

    @staticmethod
    def backward(ctx, grad_y):
        (x,) = ctx.saved_tensors
        check_same_shape("grad_y", grad_y, "x", x)
        if torch.is_grad_enabled():
            # create_graph=True: σ' = σ(1 - σ) from differentiable ops (σ by this kernel), so
            # that the gradient has a graph of its own for second derivatives
            y = SigmoidFunction.apply(x)
            return grad_y.to(y.dtype) * y * (1.0 - y)
        return sigmoid_backward(x, grad_y)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """σ(x) element-wise, differentiable. x: float tensor of any shape."""
    return SigmoidFunction.apply(check_tensor("x", x))
