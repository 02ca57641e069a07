"""The small sigmoid network of *Large models: from data to business value* §4.3, recomputed.

The set-up is the chapter's: input x = [0.5, 0.7], learning rate 0.1, sigmoid units, and the
weights and biases it prints, which define 2 inputs, 2 hidden units and 1 output. The chapter
states the label 0 but computes its loss with the label 1, so every function here takes the
label y (0 or 1) and the notebook works the example for both. What the chapter printed, line
by line, is reproduced in :mod:`bigmodel_lab.errata.sigmoid_2layer_as_printed`.

In the chapter's notation w_ij joins input i to hidden unit j and w_3j joins hidden unit j to
the output, so in the book's layout (W of shape (n_out, n_in), z = W a + b)

    W^(1) = [[w11, w21],     b^(1) = [b1, b2]      W^(2) = [[w31, w32]]     b^(2) = [b3]
             [w12, w22]]

The loss is binary cross-entropy L = -y log ŷ - (1 - y) log(1 - ŷ), for which the output error
is δ3 = ∂L/∂z3 = ŷ - y; the hidden errors are δj = δ3 w3j σ'(zj) with σ'(z) = σ(z)(1 - σ(z)),
and the gradients are ∂L/∂w3j = δ3 aj, ∂L/∂wij = δj xi, ∂L/∂bj = δj. One step of gradient
descent moves each parameter θ by -α ∂L/∂θ. The gradients are refereed by finite differences,
torch.autograd (float64) and the Triton kernels (float32).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..display import compare, comparison_table, fmt
from ..formulas import DenseNetwork, sigmoid_grad
from ..verification import kernel_dense_gradients, numerical_gradient, torch_dense_gradients

X = np.array([0.5, 0.7])
LEARNING_RATE = 0.1
#: the two labels the example is worked for: 0 as the chapter states it, 1 as its loss uses it
LABELS = (0.0, 1.0)

W1 = np.array([[0.5, 0.8], [0.6, 0.9]])
B1 = np.array([0.1, 0.2])
W2 = np.array([[0.3, 0.4]])
B2 = np.array([0.1])

#: the chapter's parameter names -> (layer index, row, column) for weights, (layer, row) for biases
WEIGHT_NAMES = {
    "w11": (0, 0, 0),
    "w21": (0, 0, 1),
    "w12": (0, 1, 0),
    "w22": (0, 1, 1),
    "w31": (1, 0, 0),
    "w32": (1, 0, 1),
}
BIAS_NAMES = {"b1": (0, 0), "b2": (0, 1), "b3": (1, 0)}
PARAMETER_NAMES = ["w11", "w21", "w12", "w22", "b1", "b2", "w31", "w32", "b3"]


def network() -> DenseNetwork:
    """The network the chapter actually computes: 2 inputs, 2 sigmoid hidden units, 1 output."""
    return DenseNetwork([W1, W2], [B1, B2], ["sigmoid", "sigmoid"])


def _label(y) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(y))
    if arr.dtype.kind not in "iuf" or arr.shape != (1,) or arr[0] not in (0, 1):
        raise ValueError(
            f"y: expected the label of the single output, 0 or 1, got {y!r}. "
            "Pass one of LABELS (0.0 or 1.0)."
        )
    return arr.astype(np.float64)


def parameter(net: DenseNetwork, name: str) -> float:
    """Read a parameter of ``net`` by the chapter's name (w11 ... w32, b1, b2, b3)."""
    if name in WEIGHT_NAMES:
        layer, r, c = WEIGHT_NAMES[name]
        return float(net.weights[layer][r, c])
    if name in BIAS_NAMES:
        layer, r = BIAS_NAMES[name]
        return float(net.biases[layer][r])
    raise ValueError(f"name: expected one of {PARAMETER_NAMES}, got {name!r}.")


def _gradient(grads, name: str) -> float:
    if name in WEIGHT_NAMES:
        layer, r, c = WEIGHT_NAMES[name]
        return float(grads.dW[layer][r, c])
    layer, r = BIAS_NAMES[name]
    return float(grads.db[layer][r])


def exact(y) -> dict[str, float]:
    """Every quantity of the example, computed with DenseNetwork for the label ``y`` (0 or 1).

    Keys: z1, a1, z2, a2 (hidden units), z3, y_hat (output), L, delta3, dsig2 = σ'(z2), delta2,
    dsig1 = σ'(z1), delta1, then for each parameter p: "dL/dp", "step p" (= -lr ∂L/∂p, what is
    added to p) and "new p".
    """
    y = _label(y)
    net = network()
    trace = net.forward(X)
    grads = net.backward(trace, y, "bce")
    z_h, a_h = trace.z[0][0], trace.a[1][0]
    out = {
        "z1": z_h[0],
        "a1": a_h[0],
        "z2": z_h[1],
        "a2": a_h[1],
        "z3": trace.z[1][0, 0],
        "y_hat": trace.output[0, 0],
        "L": grads.loss,
        "delta3": grads.delta[1][0, 0],
        "dsig2": sigmoid_grad(z_h)[1],
        "delta2": grads.delta[0][0, 1],
        "dsig1": sigmoid_grad(z_h)[0],
        "delta1": grads.delta[0][0, 0],
    }
    new = net.step(grads, LEARNING_RATE)
    for name in PARAMETER_NAMES:
        out[f"dL/d{name}"] = _gradient(grads, name)
        out[f"step {name}"] = -LEARNING_RATE * _gradient(grads, name)
        out[f"new {name}"] = parameter(new, name)
    return {k: float(v) for k, v in out.items()}


def finite_difference_gradients(y) -> dict[str, float]:
    """∂L/∂p for every parameter by central differences of the loss alone (no formulas)."""
    y = _label(y)
    net = network()
    loss = lambda: net.loss(X, y, "bce")  # noqa: E731
    dW = [numerical_gradient(loss, W) for W in net.weights]
    db = [numerical_gradient(loss, b) for b in net.biases]
    out = {}
    for name, (layer, r, c) in WEIGHT_NAMES.items():
        out[name] = float(dW[layer][r, c])
    for name, (layer, r) in BIAS_NAMES.items():
        out[name] = float(db[layer][r])
    return out


# -- the one gradient step, checked three ways ----------------------------------------------------


def verify_step(y, *, with_kernels: bool = False) -> pd.DataFrame:
    """The gradients of DenseNetwork against torch.autograd (float64) and, optionally, the kernels
    (:func:`bigmodel_lab.verification.kernel_dense_gradients`, float32).

    Returns the comparison rows (close, max_abs_diff) plus the bound each referee must meet and
    whether it does: float64 autograd within 1e-12 (rtol 1e-12 for "close"), the float32 kernels
    within 1e-6 (rtol 1e-5). "bound met" and "close" print the same on every machine.
    """
    y = _label(y)
    net = network()
    grads = net.backward(net.forward(X), y, "bce")
    names = ["loss", "dW1", "db1", "dW2", "db2"]
    mine = [grads.loss, grads.dW[0], grads.db[0], grads.dW[1], grads.db[1]]
    referees = [("torch.autograd float64", torch_dense_gradients, 1e-12, 1e-12)]
    if with_kernels:
        referees.append(("bigmodel_lab.kernels float32", kernel_dense_gradients, 1e-5, 1e-6))
    rows, bounds = [], []
    for referee, fn, rtol, bound in referees:
        r_loss, r_dW, r_db = fn(net, X, y, "bce")
        ref = [r_loss, r_dW[0], r_db[0], r_dW[1], r_db[1]]
        for n, m, r in zip(names, mine, ref, strict=True):
            rows.append(compare(f"{n} vs {referee}", m, r, rtol=rtol, atol=bound / 10))
            bounds.append(bound)
    table = comparison_table(rows)
    table["bound"] = [f"{b:.0e}" for b in bounds]
    table["bound met"] = table["max_abs_diff"] < np.array(bounds)
    return table


def loss_before_after(y) -> tuple[float, float]:
    """The loss before and after the one gradient step with learning rate 0.1."""
    y = _label(y)
    net = network()
    grads = net.backward(net.forward(X), y, "bce")
    return grads.loss, net.step(grads, LEARNING_RATE).loss(X, y, "bce")


# -- the arithmetic on the page -------------------------------------------------------------------


def _signed(v: float) -> str:
    """A factor in a product, bracketed when negative: 0.1·(-0.3891)."""
    text = fmt(v)
    return f"({text})" if text.startswith("-") else text


def arithmetic_table(y) -> pd.DataFrame:
    """Every line of the example for the label ``y``, with the numbers put into the formula.

    One row per quantity, in the order one computes them by hand: the formula, the formula with
    the numbers substituted (each shown to 4 decimals), and the result. Every result is computed
    at full precision from :func:`exact`, so the last digit of a product of displayed factors can
    differ by one from the result shown.
    """
    y = float(_label(y)[0])
    e = exact(y)
    w = {name: parameter(network(), name) for name in PARAMETER_NAMES}
    x1, x2 = X
    lr = LEARNING_RATE
    g = lambda n: fmt(w[n], 1)  # noqa: E731  (the printed weights have one decimal)
    rows = [
        ("z1", "w11·x1 + w21·x2 + b1", f"{g('w11')}·{x1:g} + {g('w21')}·{x2:g} + {g('b1')}"),
        ("a1", "σ(z1) = 1/(1 + e^(-z1))", f"1/(1 + e^(-{fmt(e['z1'])}))"),
        ("z2", "w12·x1 + w22·x2 + b2", f"{g('w12')}·{x1:g} + {g('w22')}·{x2:g} + {g('b2')}"),
        ("a2", "σ(z2)", f"1/(1 + e^(-{fmt(e['z2'])}))"),
        (
            "z3",
            "w31·a1 + w32·a2 + b3",
            f"{g('w31')}·{fmt(e['a1'])} + {g('w32')}·{fmt(e['a2'])} + {g('b3')}",
        ),
        ("ŷ", "σ(z3)", f"1/(1 + e^(-{fmt(e['z3'])}))"),
        (
            "L",
            "-y·ln ŷ - (1 - y)·ln(1 - ŷ)",
            f"-ln({fmt(e['y_hat'])})" if y == 1 else f"-ln(1 - {fmt(e['y_hat'])})",
        ),
        ("δ3", "ŷ - y", f"{fmt(e['y_hat'])} - {y:g}"),
        ("σ'(z1)", "a1·(1 - a1)", f"{fmt(e['a1'])}·(1 - {fmt(e['a1'])})"),
        ("σ'(z2)", "a2·(1 - a2)", f"{fmt(e['a2'])}·(1 - {fmt(e['a2'])})"),
        ("δ1", "δ3·w31·σ'(z1)", f"{_signed(e['delta3'])}·{g('w31')}·{fmt(e['dsig1'])}"),
        ("δ2", "δ3·w32·σ'(z2)", f"{_signed(e['delta3'])}·{g('w32')}·{fmt(e['dsig2'])}"),
    ]
    keys = {
        "ŷ": "y_hat",
        "δ3": "delta3",
        "σ'(z1)": "dsig1",
        "σ'(z2)": "dsig2",
        "δ1": "delta1",
        "δ2": "delta2",
    }
    out = [
        {"quantity": q, "formula": f, "with the numbers": n, "value": fmt(e[keys.get(q, q)])}
        for q, f, n in rows
    ]
    # the gradient of each parameter is (its δ) times (what it multiplies in the forward pass)
    inputs = {
        "w11": ("δ1", "x1", e["delta1"], x1),
        "w21": ("δ1", "x2", e["delta1"], x2),
        "w12": ("δ2", "x1", e["delta2"], x1),
        "w22": ("δ2", "x2", e["delta2"], x2),
        "b1": ("δ1", None, e["delta1"], None),
        "b2": ("δ2", None, e["delta2"], None),
        "w31": ("δ3", "a1", e["delta3"], e["a1"]),
        "w32": ("δ3", "a2", e["delta3"], e["a2"]),
        "b3": ("δ3", None, e["delta3"], None),
    }
    for name in PARAMETER_NAMES:
        d_name, in_name, d, v = inputs[name]
        grad = f"{d_name}·{in_name}" if in_name else d_name
        if in_name is None:  # a bias multiplies 1
            shown = _signed(d)
        else:  # the inputs x print as given, the activations a to 4 decimals
            shown = f"{_signed(d)}·{fmt(v) if in_name.startswith('a') else f'{v:g}'}"
        out.append(
            {
                "quantity": f"new {name}",
                "formula": f"{name} - α·{grad}",
                "with the numbers": f"{g(name)} - {lr:g}·{shown}",
                "value": fmt(e[f"new {name}"]),
            }
        )
    return pd.DataFrame(out)
