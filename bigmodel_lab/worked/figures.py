"""Figures of chapter 3: the 2-2-1 sigmoid network of *Large models: from data to business value*
§4.3 drawn with its printed and correct values, and its implied against its true gradients.

Chapter-specific, so here rather than in :mod:`bigmodel_lab.plotting` (plots that several
chapters share). Every number drawn comes from :mod:`.sigmoid_2layer`.
"""

from __future__ import annotations

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


def draw_network(y=s2.LABEL_USED, ax=None):
    """The 2-2-1 network with, at each unit, the chapter's printed value beside the correct one.

    Edges carry the printed weights; the hidden units show z and a = σ(z), the output z3, ŷ and
    the loss for the label ``y`` (the chapter's own computation uses y = 1). Returns the figure.
    """
    e = s2.exact(y)
    P = s2.P
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

    def both(xn, yn, lines, dy):
        """Printed (red) and correct (green) lines of text below or above a node."""
        printed = "\n".join(f"{k} = {p}" for k, p, _ in lines)
        correct = "\n".join(f"{k} = {c}" for k, _, c in lines)
        ax.text(
            xn - 0.04,
            yn + dy,
            "printed\n" + printed,
            color=PRINTED_COLOUR,
            fontsize=8,
            ha="right",
            va="top" if dy < 0 else "bottom",
        )
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
            (f"z{j}", fmt(P[f"z{j}"], 3), fmt(e[f"z{j}"])),
            (f"a{j}", fmt(P[f"a{j}"], 3), fmt(e[f"a{j}"])),
            (f"δ{j}", fmt(P[f"delta{j}"], 3), fmt(e[f"delta{j}"])),
        ]
        both(xn, yn, lines, 0.18 if j == 1 else -0.18)
    xn, yn = _NODES["out"]
    ax.text(xn, yn, "ŷ\nσ", ha="center", va="center", fontsize=9, zorder=4)
    lines = [
        ("z3", fmt(P["z3"], 3), fmt(e["z3"])),
        ("ŷ", fmt(P["y_hat"], 3), fmt(e["y_hat"])),
        ("L", fmt(P["L"], 3), fmt(e["L"])),
        ("δ3", fmt(P["delta3"], 3), fmt(e["delta3"])),
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
    ax.set_title(f"001 §4.3: printed (red) and correct (green) values, label y = {y:g}")
    fig.tight_layout()
    return fig


def plot_gradients(ax=None):
    """Bars: the gradient each printed update implies, and the true gradient for each label.

    The true gradients are central finite differences of the loss; w12 and w22, which the
    chapter never updates, have no implied gradient (drawn as a gap).
    """
    implied = s2.implied_gradients()
    true = {y: s2.finite_difference_gradients(y) for y in (s2.LABEL_STATED, s2.LABEL_USED)}
    names = s2.PARAMETER_NAMES
    pos = np.arange(len(names))
    if ax is None:
        fig, ax = plt.subplots(figsize=(9.5, 3.4))
    else:
        fig = ax.figure
    width = 0.27
    ax.bar(
        pos - width,
        [implied.get(n, np.nan) for n in names],
        width,
        color=PRINTED_COLOUR,
        label="implied by the printed update, (old - new)/α",
    )
    ax.bar(
        pos,
        [true[s2.LABEL_STATED][n] for n in names],
        width,
        color="tab:blue",
        label="true, y = 0 (stated)",
    )
    ax.bar(
        pos + width,
        [true[s2.LABEL_USED][n] for n in names],
        width,
        color=CORRECT_COLOUR,
        label="true, y = 1 (used)",
    )
    for n in ("w12", "w22"):
        ax.text(names.index(n) - width, 0.0, "not\nupdated", ha="center", va="bottom", fontsize=7)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(pos, names)
    ax.set_ylabel("∂L/∂θ")
    ax.set_title("001 §4.3: the gradients the printed updates imply, against the true ones")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
