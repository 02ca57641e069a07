"""Errata demonstrated in chapter 3 (the worked numeric examples).

*Large models: from data to business value* §4.3 (the 2-2-1 sigmoid network and its one
gradient step), *Entrepreneurs chase the commercialisation of large models* §4.2–4.3 (the
recommendation score and the diagnosis softmax) and *Evaluating the business value of large
models* §4.5 (the gradient formulas of the 3-10-5-2 MLP). Every computed value comes from
``bigmodel_lab.worked``.
"""

from __future__ import annotations

import numpy as np

from ..formulas import sigmoid
from ..worked import (
    diagnosis as dx,
    mlp_3_10_5_2 as mlp,
    recommendation as rec,
    sigmoid_2layer as s2,
)
from ..worked._display import fmt, fmt_vector
from . import Kind, erratum

NB = "notebooks/03_worked_examples"


# -- 001 §4.3: the 2-2-1 sigmoid network -----------------------------------------------------------

W_S2 = f"{NB}#ch03-sigmoid-network"


@erratum(
    source="001",
    section="§4.3",
    quantity="number of hidden units",
    printed="3 hidden neurons (隐藏层有3个神经元)",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_S2,
)
def _hidden_units():
    n = s2.network().sizes[1]
    return f"{n}: the printed weights define {n} hidden units; z3 is the output"


@erratum(
    source="001",
    section="§4.3",
    quantity="label of the example",
    printed="label 0 stated; the loss and δ3 use 1",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_S2,
)
def _label():
    return (
        f"L = {fmt(s2.exact(s2.LABEL_STATED)['L'])} for y = 0, "
        f"{fmt(s2.exact(s2.LABEL_USED)['L'])} for y = 1"
    )


def _both(key: str) -> str:
    a, b = s2.exact(s2.LABEL_STATED)[key], s2.exact(s2.LABEL_USED)[key]
    if fmt(a) == fmt(b):
        return fmt(a)
    return f"{fmt(a)} (y = 0); {fmt(b)} (y = 1)"


_LINES = {line.key: line for line in s2.LINES}
_KINDS = {
    "arithmetic": Kind.ARITHMETIC,
    "inherited": Kind.ARITHMETIC,
    "wrong derivative": Kind.WRONG_FORMULA,
    "wrong input": Kind.WRONG_FORMULA,
}


def _register_value(key: str, extra: str = "") -> None:
    line = _LINES[key]
    quantity = line.quantity + (
        " (error carried from earlier lines)" if line.slip == "inherited" else ""
    )
    erratum(
        source="001",
        section="§4.3",
        quantity=quantity,
        printed=line.printed + extra,
        kind=_KINDS[line.slip],
        where=W_S2,
    )(lambda: _both(key))


for _key in ["z1", "a1", "z2", "a2", "z3", "y_hat", "L", "delta3"]:
    _register_value(_key)


@erratum(
    source="001",
    section="§4.3",
    quantity="δ2 = δ3 w32 σ'(z2)",
    printed="-0.389 · 0.4 · 0.125 = -0.020, with σ'(z2) = 0.125 = 1 - a2",
    kind=Kind.WRONG_FORMULA,
    where=W_S2,
)
def _delta2():
    return f"σ'(z2) = a2(1 - a2) = {fmt(s2.exact(0)['dsig2'])}; δ2 = {_both('delta2')}"


@erratum(
    source="001",
    section="§4.3",
    quantity="δ1 = δ3 w31 σ'(z1)",
    printed="-0.389 · 0.3 · 0.868 = -0.091, with σ'(z1) = 0.868 = a1",
    kind=Kind.WRONG_FORMULA,
    where=W_S2,
)
def _delta1():
    return f"σ'(z1) = a1(1 - a1) = {fmt(s2.exact(0)['dsig1'])}; δ1 = {_both('delta1')}"


def _update(name: str, old: str) -> str:
    """The correct update written like the chapter's line, "old + step = new", for both labels."""
    parts = []
    for y in (s2.LABEL_STATED, s2.LABEL_USED):
        e = s2.exact(y)
        step = e[f"step {name}"]
        sign = "-" if step < 0 else "+"
        parts.append(f"{old} {sign} {fmt(abs(step))} = {fmt(e[f'new {name}'])} (y = {y:g})")
    return "; ".join(parts)


_OLD = {
    "w31": "0.3",
    "w32": "0.4",
    "w11": "0.5",
    "w21": "0.8",
    "b1": "0.1",
    "b2": "0.2",
    "b3": "0.1",
}
_WRONG_INPUT = {"w11": ("a1", "x1"), "w21": ("a2", "x2")}  # (what it used, what it needs)
for _name, _old in _OLD.items():
    _step, _new = _LINES[f"step {_name}"], _LINES[f"new {_name}"]
    if _name in _WRONG_INPUT:
        _slip = "wrong input"
        _what = " (δ1 times {}, not the input {})".format(*_WRONG_INPUT[_name])
    elif "arithmetic" in (_step.slip, _new.slip):
        _slip, _what = "arithmetic", ""
    else:
        _slip, _what = "inherited", " (error carried from earlier lines)"
    erratum(
        source="001",
        section="§4.3",
        quantity=f"updated {_name}{_what}",
        printed=f"{_old} + {_step.printed} = {_new.printed}",
        kind=_KINDS[_slip],
        where=W_S2,
    )(lambda _name=_name, _old=_old: _update(_name, _old))


@erratum(
    source="001",
    section="§4.3",
    quantity="parameters left out of the update",
    printed="no update line for w12, w22 (权重和偏置更新 updates w31, w32, w11, w21, b1, b2, b3)",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_S2,
)
def _skipped():
    return "; ".join(f"{n}' = {_both(f'new {n}')}" for n in ["w12", "w22"])


# -- 003 §4.2-4.3: recommendation score and diagnosis softmax --------------------------------------

W_REC = f"{NB}#ch03-recommendation"
W_DX = f"{NB}#ch03-diagnosis"


@erratum(
    source="003",
    section="§4.2.1",
    quantity="shapes of Embedding(i), Embedding(u)",
    printed="embedding matrices (嵌入矩阵)",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_REC,
)
def _embedding_shapes():
    return (
        f"§4.3.1 gives vectors of shape {rec.EMBEDDING_I.shape} and {rec.EMBEDDING_U.shape}, "
        f"like θ_u {rec.THETA_U.shape} and θ_i {rec.THETA_I.shape}"
    )


@erratum(
    source="003",
    section="§4.3.1",
    quantity="θ_u · Embedding(i) + Embedding(u) · θ_i (two dot products)",
    printed=fmt_vector(rec.PRINTED_ARGUMENT, 2),
    kind=Kind.WRONG_FORMULA,
    where=W_REC,
)
def _rec_argument():
    p = rec.example_parts()
    return (
        f"{fmt(p['s (their sum)'])}, one number "
        f"({fmt(p['θ_u · Embedding(i)'])} + {fmt(p['Embedding(u) · θ_i'])})"
    )


@erratum(
    source="003",
    section="§4.3.1",
    quantity="predicted score r̂_ui",
    printed="≈ 0.8",
    kind=Kind.ARITHMETIC,
    where=W_REC,
)
def _rec_score():
    return fmt(rec.example_parts()["r̂_ui = σ(s)"])


@erratum(
    source="003",
    section="§4.3.1",
    quantity="r̂_ui as a prediction of a 1-5 rating",
    printed="σ(·) predicts r_ui (ratings 2 to 5)",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=W_REC,
)
def _rec_range():
    r = rec.example_parts()["r̂_ui = σ(s)"]
    top = float(sigmoid(np.array([20.0]))[0])
    return (
        f"σ lies in (0, 1) (σ(20) = {top:.9f}); the example gives {fmt(r)}, "
        f"so the known rating r_ui = {rec.RATINGS['i']} is out of reach"
    )


@erratum(
    source="003",
    section="§4.2.2",
    quantity="softmax(θ · Embedding(x)) with a vector θ",
    printed="a probability distribution over diseases",
    kind=Kind.WRONG_FORMULA,
    where=W_DX,
)
def _dx_one_score():
    probs = dx.literal(dx.THETA, dx.EMBEDDING_X)
    return (
        f"θ · e is one number; its softmax is {fmt_vector(probs, 1)} whatever the input; "
        "K diseases need a (K, d) matrix Θ"
    )


@erratum(
    source="003",
    section="§4.3.2",
    quantity="θ · Embedding(x)",
    printed=fmt_vector(dx.PRINTED_LOGITS, 2),
    kind=Kind.WRONG_FORMULA,
    where=W_DX,
)
def _dx_scores():
    return f"{fmt(float(dx.THETA @ dx.EMBEDDING_X))}, one number"


@erratum(
    source="003",
    section="§4.3.2",
    quantity="softmax of the printed scores",
    printed="≈ " + fmt_vector(dx.PRINTED_PROBABILITIES, 1),
    kind=Kind.ARITHMETIC,
    where=W_DX,
)
def _dx_softmax():
    from ..formulas import softmax

    return fmt_vector(softmax(dx.PRINTED_LOGITS))


@erratum(
    source="003",
    section="§4.3.2",
    quantity="sum of the printed probabilities",
    printed="[0.1, 0.1, 0.1, 0.1, 0.5] as a distribution",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=W_DX,
)
def _dx_sum():
    return f"they sum to {dx.printed_sum():.1f}; a softmax output sums to 1"


# -- 000 §4.5: the gradient formulas of the 3-10-5-2 MLP -------------------------------------------

W_MLP = f"{NB}#ch03-mlp"


def _mlp_diff(key: str) -> str:
    ex = mlp.make_example()
    d = mlp.max_differences(ex)[key]
    return f"{mlp.CORRECT_FORMULAS[key]}; max |error| {fmt(d)} on the seeded example"


@erratum(
    source="000",
    section="§4.5",
    quantity="cross-entropy loss (bracket missing)",
    printed=mlp.CHAPTER_FORMULAS["L"],
    kind=Kind.WRONG_FORMULA,
    where=W_MLP,
)
def _mlp_loss():
    ex = mlp.make_example()
    return (
        f"L = {fmt(mlp.forward_backward(ex)['L'])}; as printed "
        f"{fmt(mlp.chapter_literal(ex)['L'])} (the minus misses the second term)"
    )


@erratum(
    source="000",
    section="§4.5",
    quantity="one symbol y for the target and the output",
    printed="y = Sigmoid(z^(3)) and targets y_k, predictions y_k^(k)",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_MLP,
)
def _mlp_symbols():
    ex = mlp.make_example()
    return (
        f"target y = {fmt_vector(ex.y, 0)}, output ŷ = "
        f"{fmt_vector(mlp.forward_backward(ex)['a3'])}: two symbols are needed"
    )


for _key, _what in [
    ("dW3", "∂L/∂W^(3) (input a^(2) missing)"),
    ("dW2", "∂L/∂W^(2) (W^(3), ReLU' and the input a^(1) missing)"),
    ("db2", "∂L/∂b^(2) (W^(3) and ReLU' missing)"),
    ("dW1", "∂L/∂W^(1) (wrong weights, ReLU'(z^(2)) and input x missing)"),
    ("db1", "∂L/∂b^(1) (both weight matrices and ReLU'(z^(2)) missing)"),
]:
    erratum(
        source="000",
        section="§4.5",
        quantity=_what,
        printed=mlp.CHAPTER_FORMULAS[_key],
        kind=Kind.WRONG_FORMULA,
        where=W_MLP,
    )(lambda _key=_key: _mlp_diff(_key))
