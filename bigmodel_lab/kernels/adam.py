"""Adam (自适应矩估计), one in-place step, with torch.optim.Adam's semantics.

With parameter θ, gradient g, step number t (1 on the first step), learning rate η, decay
rates β₁ and β₂, ε, and weight decay λ (L2, added to the gradient as torch.optim.Adam does;
AdamW's decoupled decay is a different algorithm), one step is

    g = g + λ θ                                   (only if λ ≠ 0)
    m = β₁ m + (1 - β₁) g                          first moment  (exp_avg)
    v = β₂ v + (1 - β₂) g²                         second moment (exp_avg_sq)
    θ = θ - (η / (1 - β₁^t)) · m / (√v / √(1 - β₂^t) + ε)

The bias corrections 1 - β^t depend only on t, so the host computes them once in double
precision (as torch does) and the kernel receives two scalars. Like torch, the first-moment
update is written as m + (1 - β₁)(g - m), the same number up to rounding.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from ..checks import check_nonnegative, check_positive_int
from ._common import (
    check_same_device,
    check_same_dtype,
    check_same_shape,
    check_tensor,
    launch_elementwise,
    write_back,
)


@triton.jit
def _adam_step_kernel(
    param_ptr,  # parameter θ, shape (n,) (any shape, flattened), updated in place
    grad_ptr,  # gradient g, shape (n,)
    exp_avg_ptr,  # first moment m, shape (n,), updated in place
    exp_avg_sq_ptr,  # second moment v, shape (n,), updated in place
    one_minus_beta1,  # 1 - β₁
    beta2,  # β₂
    one_minus_beta2,  # 1 - β₂
    step_size,  # η / (1 - β₁^t)
    bias_correction2_sqrt,  # √(1 - β₂^t)
    eps,  # ε
    weight_decay,  # λ
    n,  # number of elements
    HAS_WEIGHT_DECAY: tl.constexpr,  # λ ≠ 0
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    p = tl.load(param_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    g = tl.load(grad_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    m = tl.load(exp_avg_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    v = tl.load(exp_avg_sq_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    if HAS_WEIGHT_DECAY:
        g = g + weight_decay * p
    m = m + one_minus_beta1 * (g - m)
    v = v * beta2 + one_minus_beta2 * (g * g)
    denom = tl.sqrt_rn(v) / bias_correction2_sqrt + eps  # IEEE square root, as torch
    p = p - step_size * (m / denom)
    tl.store(exp_avg_ptr + offs, m.to(exp_avg_ptr.dtype.element_ty), mask=mask)
    tl.store(exp_avg_sq_ptr + offs, v.to(exp_avg_sq_ptr.dtype.element_ty), mask=mask)
    tl.store(param_ptr + offs, p.to(param_ptr.dtype.element_ty), mask=mask)


def adam_step_(
    param: torch.Tensor,
    grad: torch.Tensor,
    exp_avg: torch.Tensor,
    exp_avg_sq: torch.Tensor,
    step: int,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> None:
    """One Adam step on ``param``, ``exp_avg`` and ``exp_avg_sq`` in place (torch.optim.Adam).

    step: the number of this step, 1 on the first call (torch's ``state["step"]`` after its
    increment). Start ``exp_avg`` and ``exp_avg_sq`` as zeros shaped like ``param``.
    """
    for name, t in (
        ("param", param),
        ("grad", grad),
        ("exp_avg", exp_avg),
        ("exp_avg_sq", exp_avg_sq),
    ):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name}: expected a torch.Tensor, got {type(t).__name__}.")
    step = check_positive_int("step", step)
    lr = check_nonnegative("lr", lr)
    eps = check_nonnegative("eps", eps)
    weight_decay = check_nonnegative("weight_decay", weight_decay)
    try:
        beta1, beta2 = (float(b) for b in betas)
    except (TypeError, ValueError):
        raise ValueError(f"betas: expected a pair of numbers, got {betas!r}.") from None
    for name, b in (("betas[0]", beta1), ("betas[1]", beta2)):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"{name}: expected a value in [0, 1), got {b!r}.")
    p = check_tensor("param", param.detach())
    tensors = {"grad": grad, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    checked = {}
    for name, t in tensors.items():
        checked[name] = check_tensor(name, t.detach())
        check_same_shape("param", param, name, t)
    check_same_device(param=param, **tensors)
    # the kernel stores the moments in their own dtype: float16 moments would round them
    check_same_dtype(param=param, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
    m, v = checked["exp_avg"], checked["exp_avg_sq"]
    bias_correction1 = 1.0 - beta1**step
    bias_correction2 = 1.0 - beta2**step
    launch_elementwise(
        _adam_step_kernel,
        p.numel(),
        p,
        checked["grad"].to(p.dtype),
        m,
        v,
        1.0 - beta1,
        beta2,
        1.0 - beta2,
        lr / bias_correction1,
        math.sqrt(bias_correction2),
        eps,
        weight_decay,
        HAS_WEIGHT_DECAY=weight_decay != 0,
        # autotuning on a GPU runs the step several times: each trial starts from the same state
        restore=("param_ptr", "exp_avg_ptr", "exp_avg_sq_ptr"),
    )
    write_back(param, p)
    write_back(exp_avg, m)
    write_back(exp_avg_sq, v)
