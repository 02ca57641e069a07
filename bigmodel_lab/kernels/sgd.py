"""Stochastic gradient descent (随机梯度下降) with momentum, one in-place step, as torch.optim.SGD.

With parameter θ, gradient g, learning rate η, momentum μ, weight decay λ and momentum buffer
v (torch.optim.SGD with dampening 0, maximize False), one step is

    d = g + λ θ                                  (only if λ ≠ 0)
    v = d              on the first step,  v = μ v + d   afterwards      (only if μ ≠ 0)
    d = d + μ v        with Nesterov,       d = v         without          (only if μ ≠ 0)
    θ = θ - η d

An optimiser step has no backward pass, so this file has one kernel, ``_sgd_step_kernel``,
that reads θ, g and v once and writes θ and v back in place: one trip through memory instead of
the four or five separate tensor operations an eager implementation makes.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from ..checks import check_nonnegative
from ._common import (
    check_same_device,
    check_same_dtype,
    check_same_shape,
    check_tensor,
    launch_elementwise,
    write_back,
)


@triton.jit
def _sgd_step_kernel(
    param_ptr,  # parameter θ, shape (n,) (any shape, flattened), updated in place
    grad_ptr,  # gradient g, shape (n,)
    buf_ptr,  # momentum buffer v, shape (n,), updated in place; unused without momentum
    lr,  # learning rate η
    momentum,  # μ
    weight_decay,  # λ
    n,  # number of elements
    HAS_WEIGHT_DECAY: tl.constexpr,  # λ ≠ 0
    HAS_MOMENTUM: tl.constexpr,  # μ ≠ 0
    FIRST_STEP: tl.constexpr,  # no buffer yet: v = d
    NESTEROV: tl.constexpr,  # use d + μ v instead of v
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    p = tl.load(param_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    d = tl.load(grad_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    if HAS_WEIGHT_DECAY:
        d = d + weight_decay * p
    if HAS_MOMENTUM:
        if FIRST_STEP:
            v = d
        else:
            v = momentum * tl.load(buf_ptr + offs, mask=mask, other=0.0).to(tl.float32) + d
        tl.store(buf_ptr + offs, v.to(buf_ptr.dtype.element_ty), mask=mask)
        if NESTEROV:
            d = d + momentum * v
        else:
            d = v
    tl.store(param_ptr + offs, (p - lr * d).to(param_ptr.dtype.element_ty), mask=mask)


def sgd_step_(
    param: torch.Tensor,
    grad: torch.Tensor,
    lr: float,
    momentum: float = 0.0,
    momentum_buffer: torch.Tensor | None = None,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> torch.Tensor | None:
    """One SGD step on ``param`` in place, with torch.optim.SGD's semantics (dampening 0).

    Returns the momentum buffer to pass back in on the next step: a new tensor on the first
    step with momentum (``momentum_buffer=None``), the same tensor updated in place after that,
    and None without momentum.
    """
    if not isinstance(param, torch.Tensor) or not isinstance(grad, torch.Tensor):
        raise TypeError(
            "param and grad: expected torch.Tensors, got "
            f"{type(param).__name__} and {type(grad).__name__}."
        )
    lr = check_nonnegative("lr", lr)
    momentum = check_nonnegative("momentum", momentum)
    weight_decay = check_nonnegative("weight_decay", weight_decay)
    if nesterov and momentum == 0:
        raise ValueError("nesterov: Nesterov momentum needs momentum > 0, got momentum=0.")
    p = check_tensor("param", param.detach())
    g = check_tensor("grad", grad.detach())
    check_same_shape("param", param, "grad", grad)
    check_same_device(param=param, grad=grad)
    first = momentum_buffer is None
    if momentum != 0:
        if first:
            momentum_buffer = torch.empty_like(p)
        else:
            check_tensor("momentum_buffer", momentum_buffer)
            check_same_shape("param", param, "momentum_buffer", momentum_buffer)
            check_same_device(param=param, momentum_buffer=momentum_buffer)
            # the kernel stores v in the buffer's dtype: a float16 buffer would round it
            check_same_dtype(param=param, momentum_buffer=momentum_buffer)
        buf = momentum_buffer.detach().contiguous()
    else:
        buf = p
    launch_elementwise(
        _sgd_step_kernel,
        p.numel(),
        p,
        g.to(p.dtype),
        buf,
        lr,
        momentum,
        weight_decay,
        HAS_WEIGHT_DECAY=weight_decay != 0,
        HAS_MOMENTUM=momentum != 0,
        FIRST_STEP=first,
        NESTEROV=bool(nesterov),
        restore=("param_ptr", "buf_ptr"),  # autotuning on a GPU runs the step several times
    )
    write_back(param, p)
    if momentum == 0:
        return None
    write_back(momentum_buffer, buf)
    return momentum_buffer
