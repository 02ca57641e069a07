"""ReLU (线性整流函数), element-wise: forward and backward kernels.

    forward:   y = ReLU(x) = max(0, x)
    backward:  ∂L/∂x = ∂L/∂y · [x > 0]      (0 at x = 0, the convention torch uses)

The kernel writes max(0, x) as ``where(x < 0, 0, x)`` so that a NaN input stays NaN, as in
torch, instead of being hidden as 0; the backward kernel likewise follows torch and lets the
gradient through at a NaN. The backward kernel reads the saved output y: y > 0
exactly when x > 0.

NumPy reference: ``bigmodel_lab.formulas.relu`` and ``relu_grad``; torch: ``torch.relu``.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ._common import check_same_shape, check_tensor, launch_elementwise


@triton.jit
def tl_relu(x):
    """max(0, x), NaN-propagating (device function, also used by the linear kernel)."""
    return tl.where(x < 0, 0.0, x)


@triton.jit
def tl_relu_grad_from_output(y):
    """ReLU'(x) written with y = ReLU(x): 0 where y <= 0, else 1 (a NaN passes the gradient
    through, as in torch)."""
    return tl.where(y <= 0, 0.0, 1.0)


@triton.jit
def _relu_forward_kernel(
    x_ptr,  # input x, shape (n,) (any shape, flattened), float32/float16/bfloat16
    y_ptr,  # output y = max(0, x), shape (n,), dtype of x
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    tl.store(y_ptr + offs, tl_relu(x).to(y_ptr.dtype.element_ty), mask=mask)


@triton.jit
def _relu_backward_kernel(
    y_ptr,  # saved output y = max(0, x), shape (n,)
    grad_y_ptr,  # upstream gradient ∂L/∂y, shape (n,)
    grad_x_ptr,  # result ∂L/∂x, shape (n,), dtype of y
    n,  # number of elements
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    y = tl.load(y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    g = tl.load(grad_y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    tl.store(
        grad_x_ptr + offs,
        (g * tl_relu_grad_from_output(y)).to(grad_x_ptr.dtype.element_ty),
        mask=mask,
    )


def relu_forward(x: torch.Tensor) -> torch.Tensor:
    """y = max(0, x) for a contiguous tensor x of any shape."""
    y = torch.empty_like(x)
    launch_elementwise(_relu_forward_kernel, x.numel(), x, y)
    return y


def relu_backward(y: torch.Tensor, grad_y: torch.Tensor) -> torch.Tensor:
    """∂L/∂x = ∂L/∂y · [y > 0] from the saved output y."""
    grad_x = torch.empty_like(y)
    launch_elementwise(_relu_backward_kernel, y.numel(), y, grad_y.to(y.dtype).contiguous(), grad_x)
    return grad_x


class ReluFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = relu_forward(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_y):
        (y,) = ctx.saved_tensors
        check_same_shape("grad_y", grad_y, "y", y)
        if torch.is_grad_enabled():
            # create_graph=True: ReLU'' = 0, so the gradient's graph runs through ∂L/∂y only
            return grad_y.to(y.dtype) * (y > 0).to(y.dtype)
        return relu_backward(y, grad_y)


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x) element-wise, differentiable. x: float tensor of any shape."""
    return ReluFunction.apply(check_tensor("x", x))
