"""*Large models: from data to business value* §4.3 as printed: the 2-2-1 sigmoid network's lines.

The chapter announces 3 hidden units (its weights define 2), states the label 0 and computes its
loss and output error with the label 1, and prints one value per line of its forward pass, its
backward pass and its update. This module holds those printed values (:data:`P`), each line
with what went wrong in it (:data:`LINES`), and three ways of redoing the page:

- :func:`from_own_inputs`: each line redone with the correct formula on the chapter's own
  printed inputs, so a line that agrees only inherits earlier errors;
- :func:`as_written`: the chapter's own expression of a line, evaluated exactly as written;
- :func:`implied_gradients`: the gradient each printed update implies, (θ_old - θ_new) / α.

The correct example, computed for either label, is :mod:`bigmodel_lab.worked.sigmoid_2layer`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..display import fmt
from ..formulas import sigmoid
from ..worked.sigmoid_2layer import (
    LEARNING_RATE,
    PARAMETER_NAMES,
    X,
    exact,
    finite_difference_gradients,
    network,
    parameter,
)

HIDDEN_ANNOUNCED = 3  # "隐藏层有3个神经元"
LABEL_STATED = 0.0  # "实际标签为0"
LABEL_USED = 1.0  # the loss line and δ3 = 0.611 - 1
#: the parameters the chapter updates, in its order; it prints no update for w12 and w22
UPDATED = ["w31", "w32", "w11", "w21", "b1", "b2", "b3"]


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
class PrintedLine:
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
    PrintedLine("z1", "z1 = 0.5 w11 + 0.7 w21 + b1", "1.12", "arithmetic", "the sum is misadded"),
    PrintedLine("a1", "a1 = σ(z1)", "0.868", "arithmetic", "σ(1.12) misevaluated"),
    PrintedLine("z2", "z2 = 0.5 w12 + 0.7 w22 + b2", "1.16", "arithmetic", "the sum is misadded"),
    PrintedLine("a2", "a2 = σ(z2)", "0.875", "arithmetic", "σ(1.16) misevaluated"),
    PrintedLine(
        "z3",
        "z3 = a1 w31 + a2 w32 + b3",
        "0.518",
        "arithmetic",
        "misadded, even from its own a1, a2",
    ),
    PrintedLine("y_hat", "ŷ = σ(z3)", "0.611", "arithmetic", "σ(0.518) misevaluated"),
    PrintedLine(
        "L",
        "L (binary cross-entropy)",
        "0.504",
        "arithmetic",
        "-ln 0.611 misevaluated; label 1, not 0",
    ),
    PrintedLine(
        "delta3", "δ3 = ŷ - y", "-0.389", "inherited", "right for label 1, not the stated 0"
    ),
    PrintedLine(
        "dsig2", "σ'(z2) in δ2", "0.125", "wrong derivative", "1 - a2 instead of a2(1 - a2)"
    ),
    PrintedLine(
        "delta2",
        "δ2 = δ3 w32 σ'(z2)",
        "-0.020",
        "wrong derivative",
        "uses σ'(z2) = 0.125; as written {w}",
    ),
    PrintedLine("dsig1", "σ'(z1) in δ1", "0.868", "wrong derivative", "a1 instead of a1(1 - a1)"),
    PrintedLine(
        "delta1",
        "δ1 = δ3 w31 σ'(z1)",
        "-0.091",
        "wrong derivative",
        "uses σ'(z1) = 0.868; as written {w}",
    ),
    PrintedLine(
        "step w31", "-α δ3 a1 (added to w31)", "0.030", "arithmetic", "0.1·0.389·0.868 = {w}"
    ),
    PrintedLine("new w31", "updated w31", "0.33", "inherited", "right, rounded, from 0.3 + step"),
    PrintedLine(
        "step w32", "-α δ3 a2 (added to w32)", "0.031", "arithmetic", "0.1·0.389·0.875 = {w}"
    ),
    PrintedLine("new w32", "updated w32", "0.41", "arithmetic", "0.4 + 0.031 = {w}"),
    PrintedLine(
        "step w11",
        "-α δ1 x1 (added to w11)",
        "0.008",
        "wrong input",
        "uses a1 for x1: 0.1·0.091·0.868 = {w}",
    ),
    PrintedLine("new w11", "updated w11", "0.508", "wrong input", "uses a1 for x1"),
    PrintedLine(
        "step w21",
        "-α δ1 x2 (added to w21)",
        "0.008",
        "wrong input",
        "uses a2 for x2: 0.1·0.091·0.875 = {w}",
    ),
    PrintedLine("new w21", "updated w21", "0.808", "wrong input", "uses a2 for x2"),
    PrintedLine("step b1", "-α δ1 (added to b1)", "0.009", "inherited", "from δ1"),
    PrintedLine("new b1", "updated b1", "0.109", "inherited", "from δ1"),
    PrintedLine("step b2", "-α δ2 (added to b2)", "0.002", "inherited", "from δ2"),
    PrintedLine("new b2", "updated b2", "0.202", "inherited", "from δ2"),
    PrintedLine("step b3", "-α δ3 (added to b3)", "0.039", "inherited", "from δ3"),
    PrintedLine("new b3", "updated b3", "0.139", "inherited", "from δ3"),
    PrintedLine("new w12", "updated w12", "—", "not updated", "skipped"),
    PrintedLine("new w22", "updated w22", "—", "not updated", "skipped"),
]


def decimals(printed: str) -> int:
    """Number of decimals the chapter printed, e.g. 3 for "-0.389"."""
    return len(printed.split(".")[1]) if "." in printed else 0


def own_step_ok(line: PrintedLine, own: dict[str, float] | None = None) -> bool | None:
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
