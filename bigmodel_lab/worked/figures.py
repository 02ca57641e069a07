"""Figures of chapter 3: the 2-2-1 sigmoid network of *Large models: from data to business value*
§4.3 drawn with its values, and its true gradients for each label as bars.

Each figure can set other values beside the correct ones: the values the chapter printed
(``printed``) and the gradients its printed updates imply (``implied``). Those are passed in
by the caller (the notebook takes them from :mod:`bigmodel_lab.errata.sigmoid_2layer_as_printed`);
every correct number drawn comes from :mod:`.sigmoid_2layer`. Chapter-specific, so here rather
than in :mod:`bigmodel_lab.plotting` (plots that several chapters share).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from ..display import fmt
from . import sigmoid_2layer as s2

PRINTED_COLOUR, CORRECT_COLOUR = "tab:red", "tab:green"

#: node positions (x, y) of the drawing: inputs left, hidden units middle, output right
_NODES = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "h1": (1.0, 1.0), "h2": (1.0, 0.0), "out": (2.0, 0.5)}
#: edge -> (parameter name, label position along the edge from its start, 0..1)
_EDGES = {
    ("x1", "h1"): ("w11", 0.3),
    ("x2", "h1"): ("w21", 0.25),
    ("x1", "h2"): ("w12", 0.25),
    ("x2", "h2"): ("w22", 0.3),
    ("h1", "out"): ("w31", 0.5),
    ("h2", "out"): ("w32", 0.5),
}


def draw_network(y, printed: Mapping[str, float] | None = None, ax=None):
    """The 2-2-1 network with, at each unit, its correct values for the label ``y`` (green).

    Edges carry the weights; the hidden units show z, a = σ(z) and δ, the output z3, ŷ, the
    loss L and δ3. ``printed`` (values keyed like :func:`.sigmoid_2layer.exact`'s: z1, a1,
    delta1, ..., y_hat, L, delta3) adds another set of values in red beside the correct ones,
    to 3 decimals. Returns the figure.
    """
    e = s2.exact(y)
    net = s2.network()
    if ax is None:
        fig, ax = plt.subplots(figsize=(9.5, 4.6))
    else:
        fig = ax.figure
    for (a, b), (name, t) in _EDGES.items():
        (xa, ya), (xb, yb) = _NODES[a], _NODES[b]
        ax.plot([xa, xb], [ya, yb], color="grey", lw=1, zorder=1)
        xm, ym = xa + t * (xb - xa), ya + t * (yb - ya)
        ax.text(
            xm,
            ym,
            f"{name} = {s2.parameter(net, name):g}",
            fontsize=8,
            ha="center",
            va="center",
            bbox=dict(fc="white", ec="none", pad=0.5),
            zorder=2,
        )
    for xn, yn in _NODES.values():
        ax.scatter([xn], [yn], s=900, color="white", edgecolor="black", zorder=3)
    for i, node in enumerate(["x1", "x2"]):
        xn, yn = _NODES[node]
        ax.text(xn, yn, f"x{i + 1}\n{s2.X[i]:g}", ha="center", va="center", fontsize=9, zorder=4)

    def shown(key: str) -> tuple[str, str]:
        """(the printed value, the correct value) of one quantity, as text."""
        return ("" if printed is None else fmt(printed[key], 3)), fmt(e[key])

    def both(xn, yn, lines, dy):
        """Printed (red, when given) and correct (green) lines of text below or above a node."""
        if printed is not None:
            ax.text(
                xn - 0.04,
                yn + dy,
                "printed\n" + "\n".join(f"{k} = {p}" for k, p, _ in lines),
                color=PRINTED_COLOUR,
                fontsize=8,
                ha="right",
                va="top" if dy < 0 else "bottom",
            )
        correct = "\n".join(f"{k} = {c}" for k, _, c in lines)
        ax.text(
            xn + 0.04,
            yn + dy,
            "correct\n" + correct,
            color=CORRECT_COLOUR,
            fontsize=8,
            ha="left",
            va="top" if dy < 0 else "bottom",
        )

    for j, node in enumerate(["h1", "h2"], start=1):
        xn, yn = _NODES[node]
        ax.text(xn, yn, f"h{j}\nσ", ha="center", va="center", fontsize=9, zorder=4)
        lines = [
            (f"z{j}", *shown(f"z{j}")),
            (f"a{j}", *shown(f"a{j}")),
            (f"δ{j}", *shown(f"delta{j}")),
        ]
        both(xn, yn, lines, 0.18 if j == 1 else -0.18)
    xn, yn = _NODES["out"]
    ax.text(xn, yn, "ŷ\nσ", ha="center", va="center", fontsize=9, zorder=4)
    lines = [
        ("z3", *shown("z3")),
        ("ŷ", *shown("y_hat")),
        ("L", *shown("L")),
        ("δ3", *shown("delta3")),
    ]
    both(xn, yn, lines, -0.18)
    ax.text(xn, yn + 0.2, f"b3 = {s2.B2[0]:g}", ha="center", fontsize=8)
    for j, node in enumerate(["h1", "h2"]):
        hx, hy = _NODES[node]
        ax.text(
            hx,
            hy + (-0.24 if j == 0 else 0.2),
            f"b{j + 1} = {s2.B1[j]:g}",
            ha="center",
            fontsize=8,
        )
    ax.set_xlim(-0.5, 2.7)
    ax.set_ylim(-0.75, 1.5)
    ax.axis("off")
    if printed is None:
        ax.set_title(f"001 §4.3: the values for label y = {y:g}")
    else:
        ax.set_title(f"001 §4.3: printed (red) and correct (green) values, label y = {y:g}")
    fig.tight_layout()
    return fig


def plot_gradients(implied: Mapping[str, float] | None = None, ax=None):
    """Bars: the true gradient of every parameter for each label, and optionally other ones.

    The true gradients are central finite differences of the loss. ``implied`` (parameter name
    -> gradient, e.g. the gradients a source's printed updates imply) adds red bars before them;
    a parameter it leaves out is marked "not updated" (drawn as a gap). Returns the figure.
    """
    true = {y: s2.finite_difference_gradients(y) for y in s2.LABELS}
    names = s2.PARAMETER_NAMES
    pos = np.arange(len(names))
    if ax is None:
        fig, ax = plt.subplots(figsize=(9.5, 3.4))
    else:
        fig = ax.figure
    width = 0.27
    # with implied bars the three groups sit at -width, 0, +width; without, the two straddle 0
    offset = 0.0 if implied is not None else -width / 2
    if implied is not None:
        ax.bar(
            pos - width,
            [implied.get(n, np.nan) for n in names],
            width,
            color=PRINTED_COLOUR,
            label="implied by the printed update, (old - new)/α",
        )
        for n in names:
            if n not in implied:
                ax.text(names.index(n) - width, 0.0, "not\nupdated", ha="center", va="bottom",
                        fontsize=7)  # fmt: skip
    stated, used = s2.LABELS
    ax.bar(
        pos + offset,
        [true[stated][n] for n in names],
        width,
        color="tab:blue",
        label=f"true, y = {stated:g} (stated)",
    )
    ax.bar(
        pos + offset + width,
        [true[used][n] for n in names],
        width,
        color=CORRECT_COLOUR,
        label=f"true, y = {used:g} (used)",
    )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(pos, names)
    ax.set_ylabel("∂L/∂θ")
    if implied is None:
        ax.set_title("001 §4.3: the true gradients for each label")
    else:
        ax.set_title("001 §4.3: the gradients the printed updates imply, against the true ones")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
