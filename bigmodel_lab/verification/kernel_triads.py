"""Run a kernel, its formula and torch on the same inputs (a triad) and measure the gaps.

:func:`run_case` feeds the three implementations of a :class:`~.kernel_cases.Case` the same
inputs (rounded to the kernel's dtype first, so the formula and torch see exactly the numbers
the kernel sees) and the same random upstream gradient, and returns the output and every
input gradient from each. Torch runs in float64 by default, as in micrograd's test; running
it in the kernel's dtype instead (``torch_dtype=torch.float32``) shows torch's own rounding
error next to the kernel's. :func:`triad_rows` and :func:`triad_table` turn a run into
pairwise relative errors, printed as machine-independent bounds. :func:`optimizer_rows` puts
the in-place optimizer kernels beside ``torch.optim``.

Agreement is judged as in Liger-Kernel's tests (see :func:`bigmodel_lab.display.mismatch_report`),
element by element, with ``atol = rtol · max|expected|`` and ``rtol`` from :data:`RTOL`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..display import bound_frame, relative_error
from ..kernels import DEVICE, adam_step_, sgd_step_
from .kernel_cases import CASES, Case, Inputs

#: dtype -> rtol for comparisons with the float64 formula. float32 keeps about 7 digits, and
#: the kernels round once or twice per value, so 1e-5 leaves a margin of ten to a hundred
#: without letting a wrong formula through. float16 (11-bit mantissa, spacing 2^-11 ≈ 4.9e-4)
#: and bfloat16 (8 bits, spacing 3.9e-3) are checked on GPUs only, at about four ulps.
RTOL = {torch.float32: 1e-5, torch.float16: 2e-3, torch.bfloat16: 1.6e-2}


@dataclass
class TriadResult:
    """For each quantity ("output", "grad x", ...): the kernel's, torch's and the formula's."""

    case: str
    dtype: torch.dtype  # the kernel's
    kernel: dict[str, torch.Tensor]
    torch: dict[str, torch.Tensor]
    formula: dict[str, np.ndarray]

    @property
    def quantities(self) -> list[str]:
        return list(self.formula)


def prepare(case: Case, inputs: Inputs, dtype: torch.dtype, device) -> tuple[Inputs, dict]:
    """Cast the master inputs to dtype/device, and the same (rounded) numbers as float64 arrays."""
    cast, exact = {}, {}
    for k, v in inputs.items():
        if isinstance(v, torch.Tensor) and v.is_floating_point():
            cast[k] = v.to(dtype).to(device)
            exact[k] = cast[k].detach().to("cpu", torch.float64).numpy()
        elif isinstance(v, torch.Tensor):
            cast[k] = v.to(device)
            exact[k] = v.numpy()
        else:
            cast[k] = exact[k] = v
    return cast, exact


def _forward_backward(fn, inputs: Inputs, grads, upstream: torch.Tensor):
    leaves = {
        k: (
            v.detach().clone().requires_grad_(k in grads)
            if isinstance(v, torch.Tensor) and v.is_floating_point()
            else v
        )
        for k, v in inputs.items()
    }
    out = fn(**leaves)
    out.backward(upstream.to(out.dtype))
    result = {"output": out.detach()}
    for k in grads:
        result[f"grad {k}"] = leaves[k].grad
    return result


def run_case(
    case: Case,
    shape=None,
    *,
    dtype=torch.float32,
    device=None,
    seed: int = 0,
    inputs: Inputs | None = None,
    torch_dtype=torch.float64,
) -> TriadResult:
    """Run kernel, torch and formula on the same inputs and upstream gradient.

    shape: one of ``case.shapes`` (or any size ``case.make`` accepts); or pass ``inputs``
    (master float64 tensors) directly, e.g. extreme values. The kernel runs in ``dtype``,
    torch in ``torch_dtype`` (None: the kernel's dtype), the formula in float64.
    """
    device = device or DEVICE
    gen = torch.Generator().manual_seed(seed)
    if inputs is None:
        inputs = case.make(tuple(shape), gen)
    cast, exact = prepare(case, inputs, dtype, device)
    # the upstream gradient ∂L/∂output: random, so that a missing factor cannot hide; rounded
    # to dtype so that all three use the same numbers
    with torch.no_grad():
        probe = case.torch_fn(**{k: v for k, v in cast.items()})
    if probe.dim() == 0:
        upstream = 0.5 + torch.rand((), generator=gen, dtype=torch.float64)
    else:
        upstream = torch.randn(probe.shape, generator=gen, dtype=torch.float64)
    upstream = upstream.to(dtype)
    g = upstream.to(torch.float64).numpy()
    kernel = _forward_backward(case.kernel, cast, case.grads, upstream.to(device))
    torch_dtype = torch_dtype or dtype
    as_torch = {
        k: (v.to(torch_dtype) if isinstance(v, torch.Tensor) and v.is_floating_point() else v)
        for k, v in cast.items()
    }
    reference = _forward_backward(
        case.torch_fn, as_torch, case.grads, upstream.to(device, torch_dtype)
    )
    out, grads = case.formula(exact, g)
    formula = {"output": np.asarray(out)} | {f"grad {k}": grads[k] for k in case.grads}
    return TriadResult(case.name, dtype, kernel, reference, formula)


def triad_rows(result: TriadResult) -> list[dict]:
    """One row per quantity: the three pairwise relative errors (max|Δ| / max|reference|)."""
    rows = []
    for q in result.quantities:
        k, t, f = result.kernel[q], result.torch[q], result.formula[q]
        rows.append(
            {
                "op": result.case,
                "quantity": q,
                "kernel vs formula": relative_error(k, f),
                "torch vs formula": relative_error(t, f),
                "kernel vs torch": relative_error(k, t),
            }
        )
    return rows


def triad_table(
    names=None,
    shape_index: int = -1,
    *,
    dtype=torch.float32,
    floor: float = 1e-5,
    seed: int = 0,
    torch_dtype=torch.float64,
):
    """A DataFrame of triad rows for the named cases at one of their test shapes, printed as
    bounds (see :func:`~bigmodel_lab.display.bound_frame`), the same on every machine."""
    rows = []
    for name in names or CASES:
        case = CASES[name]
        shape = case.shapes[shape_index]
        result = run_case(case, shape, dtype=dtype, seed=seed, torch_dtype=torch_dtype)
        for row in triad_rows(result):
            row["shape"] = "x".join(map(str, shape))
            rows.append(row)
    columns = [
        "op",
        "shape",
        "quantity",
        "kernel vs formula",
        "torch vs formula",
        "kernel vs torch",
    ]
    return bound_frame(rows, floor)[columns]


# -- the optimizer kernels ----------------------------------------------------------------------------

#: The optimizer settings chapter 6 and the tests compare with torch.optim.
OPTIMIZER_CONFIGS = {
    "SGD": dict(lr=0.1),
    "SGD, momentum 0.9": dict(lr=0.05, momentum=0.9),
    "SGD, Nesterov": dict(lr=0.05, momentum=0.9, nesterov=True),
    "SGD, momentum, weight decay": dict(lr=0.05, momentum=0.8, weight_decay=1e-2),
    "Adam": dict(lr=1e-3),
    "Adam, weight decay": dict(lr=1e-2, weight_decay=1e-2),
    "Adam, betas (0.8, 0.99), eps 1e-6": dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6),
}


def optimizer_rows(shape=(127, 257), steps: int = 10, *, device=None, seed: int = 0):
    """For each setting: max|θ_kernel - θ_torch.optim| / max|θ| after ``steps`` steps from the
    same start with the same gradients."""
    device = device or DEVICE
    rows = []
    for label, config in OPTIMIZER_CONFIGS.items():
        gen = torch.Generator().manual_seed(seed)
        start = torch.randn(shape, generator=gen)
        grads = [torch.randn(shape, generator=gen) for _ in range(steps)]
        ours = start.clone().to(device)
        ref = start.clone().to(device).requires_grad_()
        if label.startswith("SGD"):
            opt = torch.optim.SGD([ref], **config)
            extra = {k: v for k, v in config.items() if k != "lr"}
            buf = None
        else:
            opt = torch.optim.Adam([ref], **config)
            m, v = torch.zeros_like(ours), torch.zeros_like(ours)
        for step, g in enumerate(grads, start=1):
            g = g.to(device)
            if label.startswith("SGD"):
                buf = sgd_step_(ours, g, config["lr"], momentum_buffer=buf, **extra)
            else:
                adam_step_(ours, g, m, v, step, **config)
            ref.grad = g
            opt.step()
        rows.append(
            {
                "optimizer": label,
                "steps": steps,
                "kernel vs torch.optim": relative_error(ours, ref.detach()),
            }
        )
    return rows
