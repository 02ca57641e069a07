"""The reference triad for every kernel: Triton kernel, NumPy formula and torch, in one place.

For each operation a :class:`Case` names three implementations of the same mathematics:

- ``kernel``: this package's Triton kernel (through its autograd.Function);
- ``formula``: the book's NumPy formula from ``bigmodel_lab.formulas``, in float64, with its
  hand-derived gradient (the ground truth);
- ``torch_fn``: torch's own operation with torch.autograd, the independent referee; as in
  micrograd's test it runs in float64 by default (``torch_dtype``), on the kernel's device.

:func:`run_case` feeds all three the same inputs (rounded to the kernel's dtype first, so the
formula and torch see exactly the numbers the kernel sees) and the same upstream gradient, and
returns the output and every input gradient from each. Running torch in the kernel's dtype
instead (``torch_dtype=torch.float32``) shows torch's own rounding error next to the kernel's. The tests (``tests/kernels``), the chapter's
parity tables (``notebooks/06_gpu_kernels``) and the benchmark
(``benchmarks/bench_kernels.py``) all take their cases from here, so they cannot drift apart.

Agreement is judged as in Liger-Kernel's tests, element by element,
``|actual - expected| <= atol + rtol · |expected|``, with ``atol = rtol · max|expected|``:
an error is measured against the element and against the size of the tensor it sits in
(a sum of many products near zero can only be as exact as its largest terms).
:func:`mismatch_report` explains a failure: how many elements differ, where, and which are
NaN or infinite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from .. import formulas
from ..bounds import format_bound
from ..formulas import conv as conv_formulas
from .binary_cross_entropy_with_logits import binary_cross_entropy_with_logits
from .conv2d import conv2d
from .cross_entropy import cross_entropy
from .linear import linear
from .max_pool2d import max_pool2d
from .mse_loss import mse_loss
from .relu import relu
from .sigmoid import sigmoid
from .softmax import softmax
from .tanh import tanh

#: dtype -> rtol for comparisons with the float64 formula. float32 keeps about 7 digits, and
#: the kernels round once or twice per value, so 1e-5 leaves a margin of ten to a hundred
#: without letting a wrong formula through. float16 (11-bit mantissa, spacing 2^-11 ≈ 4.9e-4)
#: and bfloat16 (8 bits, spacing 3.9e-3) are checked on GPUs only, at about four ulps.
RTOL = {torch.float32: 1e-5, torch.float16: 2e-3, torch.bfloat16: 1.6e-2}


# -- comparison ---------------------------------------------------------------------------------


def _as_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().to("cpu", torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def tolerance(expected, rtol: float) -> tuple[float, float]:
    """(rtol, atol) for a comparison with ``expected``: atol = rtol · max|expected| (finite)."""
    e = _as_numpy(expected)
    finite = np.abs(e[np.isfinite(e)])
    return rtol, rtol * (float(finite.max()) if finite.size else 0.0)


def mismatch_report(
    name: str, actual, expected, rtol: float, atol: float = 0.0, show: int = 5
) -> str | None:
    """None if ``actual`` matches ``expected``, else a description of every kind of mismatch.

    NaN matches NaN and an infinity matches the same infinity; anything else non-finite on one
    side only is a mismatch and is reported separately, with its first positions.
    """
    a, e = _as_numpy(actual), _as_numpy(expected)
    if a.shape != e.shape:
        return f"{name}: shape {a.shape} differs from the reference's {e.shape}"
    both_nan = np.isnan(a) & np.isnan(e)
    same_inf = np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e))
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
        close = np.isfinite(a) & np.isfinite(e) & (diff <= atol + rtol * np.abs(e))
    ok = close | both_nan | same_inf
    if ok.all():
        return None
    bad = ~ok
    lines = [
        f"{name}: {int(bad.sum())} of {a.size} elements differ (rtol={rtol:.1e}, atol={atol:.1e})"
    ]

    def where(mask) -> str:
        idx = [tuple(int(i) for i in p) for p in np.argwhere(mask)[:show]]
        return ", ".join(str(i[0] if len(i) == 1 else i) for i in idx)

    for label, mask in (
        ("NaN in the result", np.isnan(a) & ~np.isnan(e)),
        ("NaN in the reference", np.isnan(e) & ~np.isnan(a)),
        ("infinite in the result", np.isinf(a) & ~same_inf),
        ("infinite in the reference", np.isinf(e) & ~same_inf),
    ):
        if mask.any():
            lines.append(f"  {label}: {int(mask.sum())}, first at {where(mask)}")
    finite_bad = bad & np.isfinite(a) & np.isfinite(e)
    if finite_bad.any():
        worst = np.unravel_index(np.argmax(np.where(finite_bad, diff, -1.0)), a.shape)
        lines.append(
            f"  largest |difference| {diff[worst]:.3e} at {tuple(int(i) for i in worst)}:"
            f" result {a[worst]:.6e}, reference {e[worst]:.6e}"
        )
        lines.append(f"  first finite mismatches at {where(finite_bad)}")
    return "\n".join(lines)


def relative_error(actual, expected) -> float:
    """max|actual - expected| / max|expected| (0 when both are all zeros)."""
    a, e = _as_numpy(actual), _as_numpy(expected)
    scale = float(np.abs(e).max()) if e.size else 0.0
    diff = float(np.abs(a - e).max()) if e.size else 0.0
    if scale == 0.0:
        return 0.0 if diff == 0.0 else float("inf")
    return diff / scale


# -- the cases ------------------------------------------------------------------------------------

Inputs = dict[str, object]


@dataclass(frozen=True)
class Case:
    """One operation in three implementations, with the inputs and sizes to try it on.

    make(shape, gen) -> master inputs: float64 CPU tensors (and int64 targets);
    kernel / torch_fn(**inputs) -> output tensor;
    formula(inputs as float64 arrays, upstream gradient) -> (output, {input: gradient});
    grads: the inputs that receive gradients; shapes: sizes the CPU tests use;
    work(inputs) -> (bytes read and written by the forward pass, floating-point operations).
    """

    name: str
    make: Callable[[tuple, torch.Generator], Inputs]
    kernel: Callable[..., torch.Tensor]
    torch_fn: Callable[..., torch.Tensor]
    formula: Callable[[dict, np.ndarray], tuple[np.ndarray, dict]]
    grads: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    work: Callable[[Inputs], tuple[float, float]]
    bound: str = "memory"  # what limits its speed on a GPU: "memory" or "compute"
    formula_name: str = ""  # what the notebook shows as the reference formula
    extra: dict = field(default_factory=dict)


def _randn(gen, *shape, scale=1.0):
    return torch.randn(*shape, generator=gen, dtype=torch.float64) * scale


def _bytes(inputs, out_numel, itemsize=4):
    n_in = sum(t.numel() for t in inputs.values() if isinstance(t, torch.Tensor))
    return float((n_in + out_numel) * itemsize)


# element-wise activations ---------------------------------------------------------------------

_ELEMENTWISE_SHAPES = ((1,), (3, 7), (17, 33), (127, 257))


def _activation_case(name, kernel, torch_fn, f, f_grad, scale):
    def make(shape, gen):
        return {"x": _randn(gen, *shape, scale=scale)}

    def formula(a, g):
        return f(a["x"]), {"x": g * f_grad(a["x"])}

    return Case(
        name=name,
        make=make,
        kernel=kernel,
        torch_fn=torch_fn,
        formula=formula,
        grads=("x",),
        shapes=_ELEMENTWISE_SHAPES,
        work=lambda i: (_bytes(i, i["x"].numel(), i["x"].element_size()), 0.0),
        formula_name=f"formulas.{f.__name__}, {f_grad.__name__}",
    )


SIGMOID = _activation_case(
    "sigmoid", sigmoid, torch.sigmoid, formulas.sigmoid, formulas.sigmoid_grad, 4.0
)
RELU = _activation_case("relu", relu, torch.relu, formulas.relu, formulas.relu_grad, 1.0)
TANH = _activation_case("tanh", tanh, torch.tanh, formulas.tanh, formulas.tanh_grad, 2.0)


# linear -----------------------------------------------------------------------------------------

_TORCH_ACT = {None: lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def _linear_case(activation):
    f, f_grad = formulas.get_activation(activation or "identity")

    def make(shape, gen):
        n, n_in, n_out = shape
        # weights scaled by 1/sqrt(n_in), as in a trained layer: z stays of order 1 and the
        # comparison measures the kernel, not the conditioning of a saturated activation
        return {
            "x": _randn(gen, n, n_in),
            "weight": _randn(gen, n_out, n_in, scale=1.0 / np.sqrt(max(n_in, 1))),
            "bias": _randn(gen, n_out, scale=0.1),
        }

    def formula(a, g):
        z = formulas.linear(a["weight"], a["x"], a["bias"])
        delta = g * f_grad(z)
        return f(z), {
            "x": delta @ a["weight"],
            "weight": delta.T @ a["x"],
            "bias": delta.sum(axis=0),
        }

    def work(i):
        n, n_in = i["x"].shape
        n_out = i["weight"].shape[0]
        return _bytes(i, n * n_out, i["x"].element_size()), 2.0 * n * n_in * n_out

    suffix = f"_{activation}" if activation else ""
    return Case(
        name=f"linear{suffix}",
        make=make,
        kernel=lambda x, weight, bias: linear(x, weight, bias, activation),
        torch_fn=lambda x, weight, bias: _TORCH_ACT[activation](F.linear(x, weight, bias)),
        formula=formula,
        grads=("x", "weight", "bias"),
        shapes=((1, 1, 1), (3, 7, 5), (17, 33, 19), (127, 257, 65)),
        work=work,
        bound="compute",
        formula_name=f"formulas.linear + {activation or 'identity'}",
        extra={"activation": activation},
    )


LINEAR = _linear_case(None)
LINEAR_RELU = _linear_case("relu")
LINEAR_SIGMOID = _linear_case("sigmoid")
LINEAR_TANH = _linear_case("tanh")


# softmax and the losses --------------------------------------------------------------------------

_ROW_SHAPES = ((1, 1), (3, 7), (17, 33), (127, 257))


def _softmax_formula(a, g):
    y = formulas.softmax(a["x"])
    return y, {"x": y * (g - np.sum(g * y, axis=-1, keepdims=True))}


SOFTMAX = Case(
    name="softmax",
    make=lambda shape, gen: {"x": _randn(gen, *shape, scale=3.0)},
    kernel=softmax,
    torch_fn=lambda x: torch.softmax(x, dim=-1),
    formula=_softmax_formula,
    grads=("x",),
    shapes=_ROW_SHAPES,
    work=lambda i: (_bytes(i, i["x"].numel(), i["x"].element_size()), 0.0),
    formula_name="formulas.softmax",
)


def _cross_entropy_make(shape, gen):
    n, c = shape
    return {
        "logits": _randn(gen, n, c, scale=3.0),
        "target": torch.randint(0, c, (n,), generator=gen),
    }


def _cross_entropy_formula(a, g):
    Y = formulas.one_hot(a["target"], a["logits"].shape[1])
    return (
        np.asarray(formulas.softmax_cross_entropy(a["logits"], Y)),
        {"logits": g * formulas.softmax_cross_entropy_grad(a["logits"], Y)},
    )


CROSS_ENTROPY = Case(
    name="cross_entropy",
    make=_cross_entropy_make,
    kernel=cross_entropy,
    torch_fn=lambda logits, target: F.cross_entropy(logits, target),
    formula=_cross_entropy_formula,
    grads=("logits",),
    shapes=_ROW_SHAPES,
    work=lambda i: (
        float(i["logits"].numel() * i["logits"].element_size() + i["target"].numel() * 8),
        0.0,
    ),
    formula_name="formulas.softmax_cross_entropy(Z, one_hot(t))",
)


def _mse_formula(a, g):
    grad = g * formulas.mse_grad(a["pred"], a["target"])
    return np.asarray(formulas.mse(a["pred"], a["target"])), {"pred": grad, "target": -grad}


MSE_LOSS = Case(
    name="mse_loss",
    make=lambda shape, gen: {"pred": _randn(gen, *shape), "target": _randn(gen, *shape)},
    kernel=mse_loss,
    torch_fn=lambda pred, target: F.mse_loss(pred, target),
    formula=_mse_formula,
    grads=("pred", "target"),
    shapes=_ELEMENTWISE_SHAPES,
    work=lambda i: (_bytes(i, 0, i["pred"].element_size()), 0.0),
    formula_name="formulas.mse, mse_grad",
)


def _bce_make(shape, gen):
    return {
        "logits": _randn(gen, *shape, scale=4.0),
        "target": torch.rand(*shape, generator=gen, dtype=torch.float64),
    }


def _bce_formula(a, g):
    z, y = a["logits"], a["target"]
    return (
        np.asarray(formulas.binary_cross_entropy_with_logits(z, y)),
        {
            "logits": g * formulas.binary_cross_entropy_with_logits_grad(z, y),
            "target": -g * z / z.size,
        },
    )  # ∂L/∂y = -z/n, from the same formula


BCE_WITH_LOGITS = Case(
    name="binary_cross_entropy_with_logits",
    make=_bce_make,
    kernel=binary_cross_entropy_with_logits,
    torch_fn=lambda logits, target: F.binary_cross_entropy_with_logits(logits, target),
    formula=_bce_formula,
    grads=("logits", "target"),
    shapes=_ELEMENTWISE_SHAPES,
    work=lambda i: (_bytes(i, 0, i["logits"].element_size()), 0.0),
    formula_name="formulas.binary_cross_entropy_with_logits",
)


# convolution and pooling -------------------------------------------------------------------------


def _conv_make(shape, gen):
    n, c, h, w, f, kh, kw = shape
    return {
        "x": _randn(gen, n, c, h, w),
        "weight": _randn(gen, f, c, kh, kw, scale=1.0 / np.sqrt(c * kh * kw)),
        "bias": _randn(gen, f, scale=0.1),
    }


def _conv_formula(a, g):
    dx, dw, db = conv_formulas.conv2d_grad(a["x"], a["weight"], g)
    return conv_formulas.conv2d(a["x"], a["weight"], a["bias"]), {"x": dx, "weight": dw, "bias": db}


def _conv_work(i):
    n, c, h, w = i["x"].shape
    f, _, kh, kw = i["weight"].shape
    out = n * f * (h - kh + 1) * (w - kw + 1)
    return _bytes(i, out, i["x"].element_size()), 2.0 * out * c * kh * kw


CONV2D = Case(
    name="conv2d",
    make=_conv_make,
    kernel=conv2d,
    torch_fn=lambda x, weight, bias: F.conv2d(x, weight, bias),
    formula=_conv_formula,
    grads=("x", "weight", "bias"),
    # (N, C, H, W, F, KH, KW): a 1x1 image, odd sizes and channel counts, the MNIST layer
    shapes=(
        (1, 1, 1, 1, 1, 1, 1),
        (2, 3, 7, 5, 4, 3, 2),
        (3, 2, 17, 13, 5, 3, 3),
        (2, 1, 28, 28, 32, 3, 3),
    ),
    work=_conv_work,
    bound="compute",
    formula_name="formulas.conv.conv2d, conv2d_grad",
)


def _pool_make(shape, gen):
    # after a ReLU, as in the CNN: many windows hold ties at 0, which tests the tie rule
    return {"x": torch.relu(_randn(gen, *shape))}


def _pool_formula(a, g):
    return conv_formulas.max_pool2d(a["x"], 2), {"x": conv_formulas.max_pool2d_grad(a["x"], g, 2)}


MAX_POOL2D = Case(
    name="max_pool2d",
    make=_pool_make,
    kernel=max_pool2d,
    torch_fn=lambda x: F.max_pool2d(x, 2),
    formula=_pool_formula,
    grads=("x",),
    shapes=((1, 1, 2, 2), (2, 3, 7, 5), (3, 4, 17, 13), (2, 32, 26, 26)),
    work=lambda i: (_bytes(i, i["x"].numel() // 4, i["x"].element_size()), 0.0),
    formula_name="formulas.conv.max_pool2d, max_pool2d_grad",
)


CASES: dict[str, Case] = {
    c.name: c
    for c in (
        SIGMOID,
        RELU,
        TANH,
        LINEAR,
        LINEAR_RELU,
        LINEAR_SIGMOID,
        LINEAR_TANH,
        SOFTMAX,
        CROSS_ENTROPY,
        MSE_LOSS,
        BCE_WITH_LOGITS,
        CONV2D,
        MAX_POOL2D,
    )
}


# -- running a case --------------------------------------------------------------------------------


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
    from ._common import DEVICE

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


def parity_table(
    names=None,
    shape_index: int = -1,
    *,
    dtype=torch.float32,
    floor: float = 1e-5,
    seed: int = 0,
    torch_dtype=torch.float64,
):
    """A DataFrame of triad rows for the named cases at one of their test shapes, printed as
    bounds (see :func:`format_bound`) so that it reads the same on every machine."""
    import pandas as pd

    rows = []
    for name in names or CASES:
        case = CASES[name]
        shape = case.shapes[shape_index]
        result = run_case(case, shape, dtype=dtype, seed=seed, torch_dtype=torch_dtype)
        for row in triad_rows(result):
            row["shape"] = "x".join(map(str, shape))
            rows.append(row)
    frame = pd.DataFrame(rows)[
        ["op", "shape", "quantity", "kernel vs formula", "torch vs formula", "kernel vs torch"]
    ]
    for col in ("kernel vs formula", "torch vs formula", "kernel vs torch"):
        frame[col] = [format_bound(v, floor) for v in frame[col]]
    return frame


# -- optimisers and the whole CNN -----------------------------------------------------------------

#: The optimiser settings the chapter and the tests compare with torch.optim.
OPTIMISER_CONFIGS = {
    "SGD": dict(lr=0.1),
    "SGD, momentum 0.9": dict(lr=0.05, momentum=0.9),
    "SGD, Nesterov": dict(lr=0.05, momentum=0.9, nesterov=True),
    "SGD, momentum, weight decay": dict(lr=0.05, momentum=0.8, weight_decay=1e-2),
    "Adam": dict(lr=1e-3),
    "Adam, weight decay": dict(lr=1e-2, weight_decay=1e-2),
    "Adam, betas (0.8, 0.99), eps 1e-6": dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6),
}


def optimiser_rows(shape=(127, 257), steps: int = 10, *, device=None, seed: int = 0):
    """For each setting: max|θ_kernel - θ_torch.optim| / max|θ| after ``steps`` steps from the
    same start with the same gradients."""
    from ._common import DEVICE
    from .adam import adam_step_
    from .sgd import sgd_step_

    device = device or DEVICE
    rows = []
    for label, config in OPTIMISER_CONFIGS.items():
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
                "optimiser": label,
                "steps": steps,
                "kernel vs torch.optim": relative_error(ours, ref.detach()),
            }
        )
    return rows


def mnist_cnn_rows(batch: int = 4, *, train: bool = False, device=None, seed: int = 0):
    """The CNN on kernels against its plain-PyTorch twin in float64, with the same weights and
    inputs: relative error of the loss, the logits and every parameter's gradient."""
    from ._common import DEVICE
    from .cross_entropy import cross_entropy as kernel_cross_entropy
    from .modules import MnistCNN, MnistCNNTorch

    device = device or DEVICE
    torch.manual_seed(seed)
    twin = MnistCNNTorch().to(device)
    ours = MnistCNN().to(device)
    ours.load_state_dict(twin.state_dict())
    twin = twin.double()
    ours.train(train)
    twin.train(train)
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(batch, 1, 28, 28, generator=gen).to(device)
    target = torch.randint(0, 10, (batch,), generator=gen).to(device)
    torch.manual_seed(seed + 1)  # the same dropout mask for both in training mode
    logits = ours(x)
    loss = kernel_cross_entropy(logits, target)
    loss.backward()
    torch.manual_seed(seed + 1)
    ref_logits = twin(x.double())
    ref_loss = F.cross_entropy(ref_logits, target)
    ref_loss.backward()
    rows = [
        {"quantity": "loss", "kernel vs torch (float64)": relative_error(loss, ref_loss)},
        {"quantity": "logits", "kernel vs torch (float64)": relative_error(logits, ref_logits)},
    ]
    for (name, p), (_, q) in zip(ours.named_parameters(), twin.named_parameters(), strict=True):
        rows.append(
            {
                "quantity": f"grad {name}",
                "kernel vs torch (float64)": relative_error(p.grad, q.grad),
            }
        )
    return rows


def train_side_by_side(
    optimiser: str = "sgd", steps: int = 5, batch: int = 16, *, lr=None, device=None, seed: int = 0
) -> dict:
    """Train MnistCNN with the kernels (and ``sgd_step_`` or ``adam_step_``) and its plain-PyTorch
    twin (with torch.optim) from the same weights on one fixed random batch.

    Returns the two loss curves and max|θ_kernels - θ_torch| / max|θ| over the parameters
    after the last step. Dropout is off so that both runs see the same network.
    """
    from ._common import DEVICE
    from .adam import adam_step_
    from .cross_entropy import cross_entropy as kernel_cross_entropy
    from .modules import MnistCNN, MnistCNNTorch
    from .sgd import sgd_step_

    if optimiser not in ("sgd", "adam"):
        raise ValueError(f"optimiser: expected 'sgd' or 'adam', got {optimiser!r}.")
    device = device or DEVICE
    lr = lr if lr is not None else (0.05 if optimiser == "sgd" else 1e-3)
    torch.manual_seed(seed)
    twin = MnistCNNTorch(dropout=0.0).to(device)
    model = MnistCNN(dropout=0.0).to(device)
    model.load_state_dict(twin.state_dict())
    gen = torch.Generator().manual_seed(seed + 2)
    images = torch.rand(batch, 1, 28, 28, generator=gen).to(device)
    labels = (torch.arange(batch) % 10).to(device)
    if optimiser == "sgd":
        reference = torch.optim.SGD(twin.parameters(), lr=lr, momentum=0.9)
        state = {name: None for name, _ in model.named_parameters()}
    else:
        reference = torch.optim.Adam(twin.parameters(), lr=lr)
        state = {
            name: (torch.zeros_like(p), torch.zeros_like(p)) for name, p in model.named_parameters()
        }
    ours, theirs = [], []
    for step in range(1, steps + 1):
        model.zero_grad()
        loss = kernel_cross_entropy(model(images), labels)
        loss.backward()
        for name, p in model.named_parameters():
            if optimiser == "sgd":
                state[name] = sgd_step_(
                    p.data, p.grad, lr, momentum=0.9, momentum_buffer=state[name]
                )
            else:
                adam_step_(p.data, p.grad, *state[name], step, lr=lr)
        reference.zero_grad()
        ref = F.cross_entropy(twin(images), labels)
        ref.backward()
        reference.step()
        ours.append(loss.item())
        theirs.append(ref.item())
    drift = {
        name: relative_error(p, q)
        for (name, p), q in zip(model.named_parameters(), twin.parameters(), strict=True)
    }
    return {"loss (kernels)": ours, "loss (torch)": theirs, "parameter drift": drift}
