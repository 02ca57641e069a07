"""Every kernel beside its NumPy formula and torch's own operation: one :class:`Case` each.

A case names three implementations of the same mathematics:

- ``kernel``: this package's Triton kernel (through its autograd.Function);
- ``formula``: the book's NumPy formula from :mod:`bigmodel_lab.formulas`, in float64, with
  its hand-derived gradient (the ground truth);
- ``torch_fn``: torch's own operation with torch.autograd, the independent referee;

with a generator of inputs, the sizes the CPU tests use (odd, prime and one-element sizes
among them) and the work one forward pass does, for the roofline. :data:`CASES` holds them
all by name; :mod:`.kernel_triads` runs them. The tests (``tests/kernels``), chapter 6's
tables and the benchmark (``benchmarks/bench_kernels.py``) take their cases from here, so
they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .. import formulas, kernels

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
    )


SIGMOID = _activation_case(
    "sigmoid", kernels.sigmoid, torch.sigmoid, formulas.sigmoid, formulas.sigmoid_grad, 4.0
)
RELU = _activation_case("relu", kernels.relu, torch.relu, formulas.relu, formulas.relu_grad, 1.0)
TANH = _activation_case("tanh", kernels.tanh, torch.tanh, formulas.tanh, formulas.tanh_grad, 2.0)


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
        dx, dw, db = formulas.linear_grad(a["weight"], a["x"], g * f_grad(z))
        return f(z), {"x": dx, "weight": dw, "bias": db}

    def work(i):
        n, n_in = i["x"].shape
        n_out = i["weight"].shape[0]
        return _bytes(i, n * n_out, i["x"].element_size()), 2.0 * n * n_in * n_out

    suffix = f"_{activation}" if activation else ""
    return Case(
        name=f"linear{suffix}",
        make=make,
        kernel=lambda x, weight, bias: kernels.linear(x, weight, bias, activation),
        torch_fn=lambda x, weight, bias: _TORCH_ACT[activation](F.linear(x, weight, bias)),
        formula=formula,
        grads=("x", "weight", "bias"),
        shapes=((1, 1, 1), (3, 7, 5), (17, 33, 19), (127, 257, 65)),
        work=work,
        bound="compute",
    )


LINEAR = _linear_case(None)
LINEAR_RELU = _linear_case("relu")
LINEAR_SIGMOID = _linear_case("sigmoid")
LINEAR_TANH = _linear_case("tanh")


# softmax and the losses --------------------------------------------------------------------------

_ROW_SHAPES = ((1, 1), (3, 7), (17, 33), (127, 257))


def _softmax_formula(a, g):
    return formulas.softmax(a["x"]), {"x": formulas.softmax_vjp(a["x"], g)}


SOFTMAX = Case(
    name="softmax",
    make=lambda shape, gen: {"x": _randn(gen, *shape, scale=3.0)},
    kernel=kernels.softmax,
    torch_fn=lambda x: torch.softmax(x, dim=-1),
    formula=_softmax_formula,
    grads=("x",),
    shapes=_ROW_SHAPES,
    work=lambda i: (_bytes(i, i["x"].numel(), i["x"].element_size()), 0.0),
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
    kernel=kernels.cross_entropy,
    torch_fn=lambda logits, target: F.cross_entropy(logits, target),
    formula=_cross_entropy_formula,
    grads=("logits",),
    shapes=_ROW_SHAPES,
    work=lambda i: (
        float(i["logits"].numel() * i["logits"].element_size() + i["target"].numel() * 8),
        0.0,
    ),
)


def _mse_formula(a, g):
    grad = g * formulas.mse_grad(a["pred"], a["target"])
    return np.asarray(formulas.mse(a["pred"], a["target"])), {"pred": grad, "target": -grad}


MSE_LOSS = Case(
    name="mse_loss",
    make=lambda shape, gen: {"pred": _randn(gen, *shape), "target": _randn(gen, *shape)},
    kernel=kernels.mse_loss,
    torch_fn=lambda pred, target: F.mse_loss(pred, target),
    formula=_mse_formula,
    grads=("pred", "target"),
    shapes=_ELEMENTWISE_SHAPES,
    work=lambda i: (_bytes(i, 0, i["pred"].element_size()), 0.0),
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
            "target": g * formulas.binary_cross_entropy_with_logits_target_grad(z, y),
        },
    )


BCE_WITH_LOGITS = Case(
    name="binary_cross_entropy_with_logits",
    make=_bce_make,
    kernel=kernels.binary_cross_entropy_with_logits,
    torch_fn=lambda logits, target: F.binary_cross_entropy_with_logits(logits, target),
    formula=_bce_formula,
    grads=("logits", "target"),
    shapes=_ELEMENTWISE_SHAPES,
    work=lambda i: (_bytes(i, 0, i["logits"].element_size()), 0.0),
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
    dx, dw, db = formulas.conv2d_grad(a["x"], a["weight"], g)
    return formulas.conv2d(a["x"], a["weight"], a["bias"]), {"x": dx, "weight": dw, "bias": db}


def _conv_work(i):
    n, c, h, w = i["x"].shape
    f, _, kh, kw = i["weight"].shape
    out = n * f * (h - kh + 1) * (w - kw + 1)
    return _bytes(i, out, i["x"].element_size()), 2.0 * out * c * kh * kw


CONV2D = Case(
    name="conv2d",
    make=_conv_make,
    kernel=kernels.conv2d,
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
)


def _pool_make(shape, gen):
    # after a ReLU, as in the CNN: many windows hold ties at 0, which tests the tie rule
    return {"x": torch.relu(_randn(gen, *shape))}


def _pool_formula(a, g):
    return formulas.max_pool2d(a["x"], 2), {"x": formulas.max_pool2d_grad(a["x"], g, 2)}


MAX_POOL2D = Case(
    name="max_pool2d",
    make=_pool_make,
    kernel=kernels.max_pool2d,
    torch_fn=lambda x: F.max_pool2d(x, 2),
    formula=_pool_formula,
    grads=("x",),
    shapes=((1, 1, 2, 2), (2, 3, 7, 5), (3, 4, 17, 13), (2, 32, 26, 26)),
    work=lambda i: (_bytes(i, i["x"].numel() // 4, i["x"].element_size()), 0.0),
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
