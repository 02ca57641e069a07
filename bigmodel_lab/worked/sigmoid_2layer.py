"""The small sigmoid network of *Large models: from data to business value* §4.3, recomputed.

The chapter announces 2 inputs, 3 hidden units and 1 output, all sigmoid, input x = [0.5, 0.7],
label 0 and learning rate 0.1. The weights it prints define only two hidden units; the third
"neuron" it computes, z3, is the output. Its loss and output error use the label 1.

In the chapter's notation w_ij joins input i to hidden unit j and w_3j joins hidden unit j to
the output, so in the book's layout (W of shape (n_out, n_in), z = W a + b)

    W^(1) = [[w11, w21],     b^(1) = [b1, b2]      W^(2) = [[w31, w32]]     b^(2) = [b3]
             [w12, w22]]

The loss is binary cross-entropy L = -y log ŷ - (1 - y) log(1 - ŷ), for which the output error
is δ3 = ∂L/∂z3 = ŷ - y; the hidden errors are δj = δ3 w3j σ'(zj) with σ'(z) = σ(z)(1 - σ(z)),
and the gradients are ∂L/∂w3j = δ3 aj, ∂L/∂wij = δj xi, ∂L/∂bj = δj.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..display import compare, comparison_table, fmt
from ..formulas import DenseNetwork, sigmoid, sigmoid_grad
from ..verification import numerical_gradient, torch_dense_gradients

X = np.array([0.5, 0.7])
LEARNING_RATE = 0.1
LABEL_STATED = 0.0  # "实际标签为0"
LABEL_USED = 1.0  # the loss line and δ3 = 0.611 - 1
HIDDEN_ANNOUNCED = 3

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
#: the parameters the chapter updates, in its order; it prints no update for w12 and w22
UPDATED = ["w31", "w32", "w11", "w21", "b1", "b2", "b3"]


def network() -> DenseNetwork:
    """The network the chapter actually computes: 2 inputs, 2 sigmoid hidden units, 1 output."""
    return DenseNetwork([W1, W2], [B1, B2], ["sigmoid", "sigmoid"])


def _label(y) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(y))
    if arr.dtype.kind not in "iuf" or arr.shape != (1,) or arr[0] not in (0, 1):
        raise ValueError(
            f"y: expected the label of the single output, 0 or 1, got {y!r}. "
            "Pass LABEL_STATED (0) or LABEL_USED (1)."
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


# -- what the chapter printed, line by line -------------------------------------------------------

#: The values as printed. Each is checked against the correct formula applied to the chapter's
#: own printed inputs of that line (:func:`from_own_inputs`).
P = {
    "z1": 1.12,
    "a1": 0.868,
    "z2": 1.16,
    "a2": 0.875,
    "z3": 0.518,
    "y_hat": 0.611,
    "L": 0.504,
    "delta3": -0.389,
    "dsig2": 0.125,
    "delta2": -0.020,
    "dsig1": 0.868,
    "delta1": -0.091,
    "step w31": 0.030,
    "new w31": 0.33,
    "step w32": 0.031,
    "new w32": 0.41,
    "step w11": 0.008,
    "new w11": 0.508,
    "step w21": 0.008,
    "new w21": 0.808,
    "step b1": 0.009,
    "new b1": 0.109,
    "step b2": 0.002,
    "new b2": 0.202,
    "step b3": 0.039,
    "new b3": 0.139,
}


def from_own_inputs() -> dict[str, float]:
    """Each printed line redone with the correct formula, fed the chapter's own printed inputs.

    Where this agrees with the printed value (at its printed precision) the line itself is right
    and its error is inherited from earlier lines; where it disagrees, the line adds a new slip.
    σ'(z) is taken as a(1 - a) from the printed a, as the chapter does (0.125 = 1 - 0.875).
    The updates use the chapter's printed δ's and its label 1.
    """
    w = {name: parameter(network(), name) for name in PARAMETER_NAMES}
    x1, x2 = X
    lr = LEARNING_RATE
    s = lambda v: float(sigmoid(np.array([v]))[0])  # noqa: E731
    out = {
        "z1": x1 * w["w11"] + x2 * w["w21"] + w["b1"],
        "a1": s(P["z1"]),
        "z2": x1 * w["w12"] + x2 * w["w22"] + w["b2"],
        "a2": s(P["z2"]),
        "z3": P["a1"] * w["w31"] + P["a2"] * w["w32"] + w["b3"],
        "y_hat": s(P["z3"]),
        "L": -LABEL_USED * np.log(P["y_hat"]) - (1 - LABEL_USED) * np.log(1 - P["y_hat"]),
        "delta3": P["y_hat"] - LABEL_USED,
        "dsig2": P["a2"] * (1 - P["a2"]),
        "dsig1": P["a1"] * (1 - P["a1"]),
    }
    out["delta2"] = P["delta3"] * w["w32"] * out["dsig2"]
    out["delta1"] = P["delta3"] * w["w31"] * out["dsig1"]
    steps = {
        "w31": -lr * P["delta3"] * P["a1"],
        "w32": -lr * P["delta3"] * P["a2"],
        "w11": -lr * P["delta1"] * x1,
        "w21": -lr * P["delta1"] * x2,
        "b1": -lr * P["delta1"],
        "b2": -lr * P["delta2"],
        "b3": -lr * P["delta3"],
    }
    for name, step in steps.items():
        out[f"step {name}"] = step
        out[f"new {name}"] = w[name] + step
    return {k: float(v) for k, v in out.items()}


@dataclass(frozen=True)
class Line:
    """One printed quantity: key, what it is, how the chapter wrote it, and what went wrong.

    ``note`` may contain "{w}", replaced by the chapter's own expression of that line evaluated
    exactly as written (:func:`as_written`).
    """

    key: str
    quantity: str
    printed: str
    slip: str
    note: str


def as_written() -> dict[str, float]:
    """The chapter's arithmetic, evaluated exactly as it wrote it (its numbers, its formula)."""
    return {
        "delta2": P["delta3"] * 0.4 * P["dsig2"],
        "delta1": P["delta3"] * 0.3 * P["dsig1"],
        "step w31": LEARNING_RATE * -P["delta3"] * P["a1"],
        "step w32": LEARNING_RATE * -P["delta3"] * P["a2"],
        "new w32": 0.4 + P["step w32"],
        "step w11": LEARNING_RATE * -P["delta1"] * P["a1"],
        "step w21": LEARNING_RATE * -P["delta1"] * P["a2"],
    }


#: slip categories: "arithmetic" (the line's own sum or product is wrong), "wrong derivative",
#: "wrong input" (the update multiplies by the wrong activation), "inherited" (the line is right
#: given its inputs, which were wrong), "not updated" (the chapter skips the parameter)
LINES = [
    Line("z1", "z1 = 0.5 w11 + 0.7 w21 + b1", "1.12", "arithmetic", "the sum is misadded"),
    Line("a1", "a1 = σ(z1)", "0.868", "arithmetic", "σ(1.12) misevaluated"),
    Line("z2", "z2 = 0.5 w12 + 0.7 w22 + b2", "1.16", "arithmetic", "the sum is misadded"),
    Line("a2", "a2 = σ(z2)", "0.875", "arithmetic", "σ(1.16) misevaluated"),
    Line(
        "z3",
        "z3 = a1 w31 + a2 w32 + b3",
        "0.518",
        "arithmetic",
        "misadded, even from its own a1, a2",
    ),
    Line("y_hat", "ŷ = σ(z3)", "0.611", "arithmetic", "σ(0.518) misevaluated"),
    Line(
        "L",
        "L (binary cross-entropy)",
        "0.504",
        "arithmetic",
        "-ln 0.611 misevaluated; label 1, not 0",
    ),
    Line("delta3", "δ3 = ŷ - y", "-0.389", "inherited", "right for label 1, not the stated 0"),
    Line("dsig2", "σ'(z2) in δ2", "0.125", "wrong derivative", "1 - a2 instead of a2(1 - a2)"),
    Line(
        "delta2",
        "δ2 = δ3 w32 σ'(z2)",
        "-0.020",
        "wrong derivative",
        "uses σ'(z2) = 0.125; as written {w}",
    ),
    Line("dsig1", "σ'(z1) in δ1", "0.868", "wrong derivative", "a1 instead of a1(1 - a1)"),
    Line(
        "delta1",
        "δ1 = δ3 w31 σ'(z1)",
        "-0.091",
        "wrong derivative",
        "uses σ'(z1) = 0.868; as written {w}",
    ),
    Line("step w31", "-α δ3 a1 (added to w31)", "0.030", "arithmetic", "0.1·0.389·0.868 = {w}"),
    Line("new w31", "updated w31", "0.33", "inherited", "right, rounded, from 0.3 + step"),
    Line("step w32", "-α δ3 a2 (added to w32)", "0.031", "arithmetic", "0.1·0.389·0.875 = {w}"),
    Line("new w32", "updated w32", "0.41", "arithmetic", "0.4 + 0.031 = {w}"),
    Line(
        "step w11",
        "-α δ1 x1 (added to w11)",
        "0.008",
        "wrong input",
        "uses a1 for x1: 0.1·0.091·0.868 = {w}",
    ),
    Line("new w11", "updated w11", "0.508", "wrong input", "uses a1 for x1"),
    Line(
        "step w21",
        "-α δ1 x2 (added to w21)",
        "0.008",
        "wrong input",
        "uses a2 for x2: 0.1·0.091·0.875 = {w}",
    ),
    Line("new w21", "updated w21", "0.808", "wrong input", "uses a2 for x2"),
    Line("step b1", "-α δ1 (added to b1)", "0.009", "inherited", "from δ1"),
    Line("new b1", "updated b1", "0.109", "inherited", "from δ1"),
    Line("step b2", "-α δ2 (added to b2)", "0.002", "inherited", "from δ2"),
    Line("new b2", "updated b2", "0.202", "inherited", "from δ2"),
    Line("step b3", "-α δ3 (added to b3)", "0.039", "inherited", "from δ3"),
    Line("new b3", "updated b3", "0.139", "inherited", "from δ3"),
    Line("new w12", "updated w12", "—", "not updated", "skipped"),
    Line("new w22", "updated w22", "—", "not updated", "skipped"),
]


def decimals(printed: str) -> int:
    """Number of decimals the chapter printed, e.g. 3 for "-0.389"."""
    return len(printed.split(".")[1]) if "." in printed else 0


def own_step_ok(line: Line, own: dict[str, float] | None = None) -> bool | None:
    """True when the correct formula on the chapter's printed inputs rounds to the printed value.

    None for parameters the chapter never updates.
    """
    if line.printed == "—":
        return None
    own = from_own_inputs() if own is None else own
    d = decimals(line.printed)
    return round(own[line.key], d) == round(float(line.printed), d)


def step_table() -> pd.DataFrame:
    """Each quantity: the chapter's value, its line redone on its own inputs, the correct values."""
    own, written = from_own_inputs(), as_written()
    stated, used = exact(LABEL_STATED), exact(LABEL_USED)
    rows = []
    for line in LINES:
        ok = own_step_ok(line, own)
        rows.append(
            {
                "quantity": line.quantity,
                "chapter": line.printed,
                "its line redone": "—" if ok is None else fmt(own[line.key]),
                "line right?": "—" if ok is None else ("yes" if ok else "no"),
                "correct, y = 0 (stated)": fmt(stated[line.key]),
                "correct, y = 1 (used)": fmt(used[line.key]),
                "slip": line.slip,
                "how": line.note.format(w=fmt(written[line.key]))
                if "{w}" in line.note
                else line.note,
            }
        )
    return pd.DataFrame(rows)


def implied_gradients() -> dict[str, float]:
    """The gradient each printed update implies: (old - new) / lr for the seven updated parameters."""
    w = {name: parameter(network(), name) for name in PARAMETER_NAMES}
    return {name: (w[name] - P[f"new {name}"]) / LEARNING_RATE for name in UPDATED}


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


def implied_versus_referee() -> pd.DataFrame:
    """The chapter's implied gradients beside finite differences for each label.

    The ratio is taken to the gradient for the label the chapter used (1).
    """
    implied = implied_gradients()
    stated = finite_difference_gradients(LABEL_STATED)
    used = finite_difference_gradients(LABEL_USED)
    return pd.DataFrame(
        [
            {
                "parameter": name,
                "chapter implies": fmt(g),
                "finite differences, y = 0 (stated)": fmt(stated[name]),
                "finite differences, y = 1 (used)": fmt(used[name]),
                "ratio to y = 1": fmt(g / used[name], 2),
            }
            for name, g in implied.items()
        ]
    )


# -- the one gradient step, checked three ways ----------------------------------------------------


def kernel_gradients(net: DenseNetwork, x, y):
    """(loss, [dW], [db]) from the Triton kernels of ``bigmodel_lab.kernels`` (float32).

    Forward: two fused linear+activation kernels and the stable binary cross-entropy on logits;
    backward: the kernels' own autograd. Raises ImportError when the kernels are unavailable.
    """
    import torch

    from .. import kernels

    if net.activations != ["sigmoid", "sigmoid"]:
        raise ValueError(f"net: expected a sigmoid-sigmoid network, got {net.activations}.")
    dev = kernels.DEVICE
    t = lambda a: torch.tensor(np.atleast_2d(a), dtype=torch.float32, device=dev)  # noqa: E731
    Ws = [torch.tensor(W, dtype=torch.float32, device=dev, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, dtype=torch.float32, device=dev, requires_grad=True) for b in net.biases]
    h = kernels.linear(t(x), Ws[0], bs[0], "sigmoid")
    logit = kernels.linear(h, Ws[1], bs[1], None)
    loss = kernels.binary_cross_entropy_with_logits(logit, t(y))
    loss.backward()
    as64 = lambda v: v.detach().cpu().double().numpy()  # noqa: E731
    return float(loss.item()), [as64(W.grad) for W in Ws], [as64(b.grad) for b in bs]


def verify_step(y, *, with_kernels: bool = False) -> pd.DataFrame:
    """The gradients of DenseNetwork against torch.autograd (float64) and, optionally, the kernels.

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
        referees.append(("bigmodel_lab.kernels float32", kernel_gradients, 1e-5, 1e-6))
    rows, bounds = [], []
    for referee, fn, rtol, bound in referees:
        r_loss, r_dW, r_db = fn(net, X, y) if fn is kernel_gradients else fn(net, X, y, "bce")
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
