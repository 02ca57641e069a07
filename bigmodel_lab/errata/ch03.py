"""Errata demonstrated in chapter 3 (the worked numeric examples).

*Large models: from data to business value* §4.3 (the 2-2-1 sigmoid network and its one
gradient step), *Entrepreneurs chase the commercialisation of large models* §4.2–4.3 (the
recommendation score and the diagnosis softmax) and *Evaluating the business value of large
models* §4.5 (the gradient formulas of the 3-10-5-2 MLP). Every computed value comes from
``bigmodel_lab.worked``; what the chapters printed, and their formulas evaluated as printed,
from the ``*_as_printed`` modules beside this one.
"""

from __future__ import annotations

import numpy as np

from ..display import fmt, fmt_vector
from ..formulas import sigmoid
from ..worked import (
    diagnosis as dx,
    mlp_3_10_5_2 as mlp,
    recommendation as rec,
    sigmoid_2layer as s2,
)
from . import (
    Kind,
    diagnosis_as_printed as dx_printed,
    erratum,
    mlp_3_10_5_2_as_printed as mlp_printed,
    sigmoid_2layer_as_printed as s2_printed,
)

NB = "notebooks/03_worked_examples"


# -- 001 §4.3: the 2-2-1 sigmoid network -----------------------------------------------------------

W_S2 = f"{NB}#ch03-sigmoid-network"

#: each printed line of 001 §4.3, verbatim (its LaTeX source), for the records' "printed" field
QUOTES_001 = {
    "z1": r"z_1 = 0.5 \cdot w_{11} + 0.7 \cdot w_{21} + b_1 = 0.5 \cdot 0.5 + 0.7 \cdot 0.8 + 0.1 = 1.12",
    "a1": r"a_1 = \sigma(1.12) \approx 0.868",
    "z2": r"z_2 = 0.5 \cdot w_{12} + 0.7 \cdot w_{22} + b_2 = 0.5 \cdot 0.6 + 0.7 \cdot 0.9 + 0.2 = 1.16",
    "a2": r"a_2 = \sigma(1.16) \approx 0.875",
    "z3": (
        r"z_3 = 0.868 \cdot w_{31} + 0.875 \cdot w_{32} + b_3 = "
        r"0.868 \cdot 0.3 + 0.875 \cdot 0.4 + 0.1 = 0.518"
    ),
    "y_hat": r"\hat{y} = \sigma(0.518) \approx 0.611",
    "L": r"= -1 \cdot \log(0.611) - 0 \cdot \log(0.389) \approx 0.504",
    "delta3": r"\delta_3 = \hat{y} - y = 0.611 - 1 = -0.389",
    "delta2": r"\delta_2 = \delta_3 \cdot w_{32} \cdot \sigma'(z_2) = -0.389 \cdot 0.4 \cdot 0.125 = -0.020",
    "delta1": r"\delta_1 = \delta_3 \cdot w_{31} \cdot \sigma'(z_1) = -0.389 \cdot 0.3 \cdot 0.868 = -0.091",
    "w31": (
        r"w_{31} \leftarrow w_{31} - \alpha \cdot \delta_3 \cdot a_1 = "
        r"0.3 - 0.1 \cdot -0.389 \cdot 0.868 = 0.3 + 0.030 = 0.33"
    ),
    "w32": (
        r"w_{32} \leftarrow w_{32} - \alpha \cdot \delta_3 \cdot a_2 = "
        r"0.4 - 0.1 \cdot -0.389 \cdot 0.875 = 0.4 + 0.031 = 0.41"
    ),
    "w11": (
        r"w_{11} \leftarrow w_{11} - \alpha \cdot \delta_1 \cdot a_1 = "
        r"0.5 - 0.1 \cdot -0.091 \cdot 0.868 = 0.5 + 0.008 = 0.508"
    ),
    "w21": (
        r"w_{21} \leftarrow w_{21} - \alpha \cdot \delta_1 \cdot a_2 = "
        r"0.8 - 0.1 \cdot -0.091 \cdot 0.875 = 0.8 + 0.008 = 0.808"
    ),
    "b1": r"b_1 \leftarrow b_1 - \alpha \cdot \delta_1 = 0.1 - 0.1 \cdot -0.091 = 0.1 + 0.009 = 0.109",
    "b2": r"b_2 \leftarrow b_2 - \alpha \cdot \delta_2 = 0.2 - 0.1 \cdot -0.020 = 0.2 + 0.002 = 0.202",
    "b3": r"b_3 \leftarrow b_3 - \alpha \cdot \delta_3 = 0.1 - 0.1 \cdot -0.389 = 0.1 + 0.039 = 0.139",
}


@erratum(
    source="001",
    section="§4.3",
    quantity="number of hidden units",
    printed="隐藏层有3个神经元",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_S2,
)
def _hidden_units():
    n = s2.network().sizes[1]
    return f"{n}: the printed weights define {n} hidden units; z3 is the output"


@erratum(
    source="001",
    section="§4.3",
    quantity="label of the example (0 stated; the loss and δ3 use 1)",
    printed=r"实际标签为0 … -1 \cdot \log(0.611) … \delta_3 = \hat{y} - y = 0.611 - 1 = -0.389",
    kind=Kind.INCONSISTENT_SETUP,
    where=W_S2,
)
def _label():
    return (
        f"L = {fmt(s2.exact(s2_printed.LABEL_STATED)['L'])} for y = 0, "
        f"{fmt(s2.exact(s2_printed.LABEL_USED)['L'])} for y = 1"
    )


def _both(key: str) -> str:
    a, b = s2.exact(s2_printed.LABEL_STATED)[key], s2.exact(s2_printed.LABEL_USED)[key]
    if fmt(a) == fmt(b):
        return fmt(a)
    return f"{fmt(a)} (y = 0); {fmt(b)} (y = 1)"


_LINES = {line.key: line for line in s2_printed.LINES}
_KINDS = {
    "arithmetic": Kind.ARITHMETIC,
    "inherited": Kind.ARITHMETIC,
    "wrong derivative": Kind.WRONG_FORMULA,
    "wrong input": Kind.WRONG_FORMULA,
}


def _register_value(key: str) -> None:
    line = _LINES[key]
    quantity = line.quantity + (
        " (error carried from earlier lines)" if line.slip == "inherited" else ""
    )
    erratum(
        source="001",
        section="§4.3",
        quantity=quantity,
        printed=QUOTES_001[key],
        kind=_KINDS[line.slip],
        where=W_S2,
    )(lambda: _both(key))


for _key in ["z1", "a1", "z2", "a2", "z3", "y_hat", "L", "delta3"]:
    _register_value(_key)


@erratum(
    source="001",
    section="§4.3",
    quantity="δ2 = δ3 w32 σ'(z2) (σ'(z2) taken as 1 - a2 = 0.125)",
    printed=QUOTES_001["delta2"],
    kind=Kind.WRONG_FORMULA,
    where=W_S2,
)
def _delta2():
    return f"σ'(z2) = a2(1 - a2) = {fmt(s2.exact(0)['dsig2'])}; δ2 = {_both('delta2')}"


@erratum(
    source="001",
    section="§4.3",
    quantity="δ1 = δ3 w31 σ'(z1) (σ'(z1) taken as a1 = 0.868)",
    printed=QUOTES_001["delta1"],
    kind=Kind.WRONG_FORMULA,
    where=W_S2,
)
def _delta1():
    return f"σ'(z1) = a1(1 - a1) = {fmt(s2.exact(0)['dsig1'])}; δ1 = {_both('delta1')}"


def _update(name: str, old: str) -> str:
    """The correct update written like the chapter's line, "old + step = new", for both labels."""
    parts = []
    for y in (s2_printed.LABEL_STATED, s2_printed.LABEL_USED):
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
        printed=QUOTES_001[_name],
        kind=_KINDS[_slip],
        where=W_S2,
    )(lambda _name=_name, _old=_old: _update(_name, _old))


@erratum(
    source="001",
    section="§4.3",
    quantity="parameters left out of the update (its 权重和偏置更新 has 7 lines, none for w12, w22)",
    printed="权重和偏置更新",
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
    printed=r"\( \text{Embedding}(i) \) 和 \( \text{Embedding}(u) \) 分别是商品和用户的嵌入矩阵",
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
    printed=r"= \sigma([0.27, 0.34, 0.41])",
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
    printed=r"\sigma([0.27, 0.34, 0.41]) \approx 0.8",
    kind=Kind.ARITHMETIC,
    where=W_REC,
)
def _rec_score():
    return fmt(rec.example_parts()["r̂_ui = σ(s)"])


@erratum(
    source="003",
    section="§4.3.1",
    quantity="r̂_ui as a prediction of a 1-5 rating",
    printed=r"我们可以利用大模型进行用户 \( u \) 对商品 \( i \) 的评分预测 … r_{ui} &= 5",
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
    section="§4.3.2",
    quantity="softmax(θ · Embedding(x)) with a vector θ (θ is first a vector here)",
    printed=(
        r"\theta &= [0.1, 0.2, 0.3, 0.4, 0.5] … "
        r"\hat{D} = \text{softmax}(\theta \cdot \text{Embedding}(x))"
    ),
    kind=Kind.WRONG_FORMULA,
    where=W_DX,
)
def _dx_one_score():
    probs = dx_printed.literal(dx.THETA, dx.EMBEDDING_X)
    return (
        f"θ · e is one number; its softmax is {fmt_vector(probs, 1)} whatever the input; "
        "K diseases need a (K, d) matrix Θ"
    )


@erratum(
    source="003",
    section="§4.3.2",
    quantity="θ · Embedding(x)",
    printed=r"= \text{softmax}([0.36, 0.42, 0.48, 0.54, 0.6])",
    kind=Kind.WRONG_FORMULA,
    where=W_DX,
)
def _dx_scores():
    return f"{fmt(float(dx.THETA @ dx.EMBEDDING_X))}, one number"


@erratum(
    source="003",
    section="§4.3.2",
    quantity="softmax of the printed scores",
    printed=(r"\text{softmax}([0.36, 0.42, 0.48, 0.54, 0.6]) \approx [0.1, 0.1, 0.1, 0.1, 0.5]"),
    kind=Kind.ARITHMETIC,
    where=W_DX,
)
def _dx_softmax():
    from ..formulas import softmax

    return fmt_vector(softmax(dx_printed.PRINTED_LOGITS))


@erratum(
    source="003",
    section="§4.3.2",
    quantity="sum of the printed probabilities",
    printed=r"\approx [0.1, 0.1, 0.1, 0.1, 0.5] … 其中，\( \hat{D} \) 是疾病的概率分布",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=W_DX,
)
def _dx_sum():
    return f"they sum to {dx_printed.printed_sum():.1f}; a softmax output sums to 1"


# -- 000 §4.5: the gradient formulas of the 3-10-5-2 MLP -------------------------------------------

W_MLP = f"{NB}#ch03-mlp"

_D = r"\frac{\partial \mathcal{L}}{\partial y_k^{(k)}} \cdot \frac{\partial y_k^{(k)}}{\partial z^{(3)}_k}"
#: the formulas of 000 §4.5 as printed (LaTeX source); mlp_printed.CHAPTER_FORMULAS transcribes them
QUOTES_000 = {
    "L": r"\mathcal{L} = -\sum_{k} y_k \log(y_k^{(k)}) + (1 - y_k) \log(1 - y_k^{(k)})",
    "dW3": r"\frac{\partial \mathcal{L}}{\partial \mathbf{W}^{(3)}_k} = " + _D,
    "dW2": r"\frac{\partial \mathcal{L}}{\partial \mathbf{W}^{(2)}_j} = \sum_{k} "
    + _D
    + r" \cdot \mathbf{a}^{(2)}_j",
    "db2": r"\frac{\partial \mathcal{L}}{\partial b^{(2)}_j} = \sum_{k} " + _D,
    "dW1": r"\frac{\partial \mathcal{L}}{\partial \mathbf{W}^{(1)}_i} = \sum_{j} \sum_{k} "
    + _D
    + r" \cdot \mathbf{W}^{(2)}_{jk} \cdot \text{ReLU}'(z^{(1)}_i)",
    "db1": r"\frac{\partial \mathcal{L}}{\partial b^{(1)}_i} = \sum_{j} \sum_{k} "
    + _D
    + r" \cdot \text{ReLU}'(z^{(1)}_i)",
}


def _mlp_diff(key: str) -> str:
    ex = mlp.make_example()
    d = mlp_printed.max_differences(ex)[key]
    return f"{mlp.CORRECT_FORMULAS[key]}; max |error| {fmt(d)} on the seeded example"


@erratum(
    source="000",
    section="§4.5",
    quantity="cross-entropy loss (bracket missing)",
    printed=QUOTES_000["L"],
    kind=Kind.WRONG_FORMULA,
    where=W_MLP,
)
def _mlp_loss():
    ex = mlp.make_example()
    return (
        f"L = {fmt(mlp.forward_backward(ex)['L'])}; as printed "
        f"{fmt(mlp_printed.chapter_literal(ex)['L'])} (the minus misses the second term)"
    )


@erratum(
    source="000",
    section="§4.5",
    quantity="one symbol y for the target and the output",
    printed=r"\mathbf{y} = \text{Sigmoid}(z^{(3)}) … y_k \log(y_k^{(k)})",
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
        printed=QUOTES_000[_key],
        kind=Kind.WRONG_FORMULA,
        where=W_MLP,
    )(lambda _key=_key: _mlp_diff(_key))
