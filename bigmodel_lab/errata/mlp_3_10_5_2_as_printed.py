"""*Evaluating the business value of large models* §4.5 as printed: the 3-10-5-2 MLP's formulas.

The chapter writes a cross-entropy loss whose minus sign misses its second term and gradient
formulas that drop the layer's input, the weights and ReLU derivatives the error passes
through, and (for the first layer) index the wrong weight matrix. This module transcribes them
(:data:`CHAPTER_FORMULAS`), evaluates them as printed on an example of
:mod:`bigmodel_lab.worked.mlp_3_10_5_2` (:func:`chapter_literal`), and measures how far each is
from the correct pass (:func:`max_differences`, :func:`literal_versus_correct`):

    printed:  L = -Σ_k y_k log ŷ_k + (1 - y_k) log(1 - ŷ_k)
    correct:  L = -Σ_k [y_k log ŷ_k + (1 - y_k) log(1 - ŷ_k)]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..display import fmt
from ..formulas import relu_grad
from ..worked import mlp_3_10_5_2 as mlp


def chapter_literal(ex: mlp.Example) -> dict:
    """The chapter's §4.5 formulas evaluated exactly as printed.

    The factor ∂L/∂y_k · ∂y_k/∂z_k is taken as the correct δ^(3)_k = ŷ_k - y_k, so each row
    isolates the error of one formula. A formula that yields one number for a whole weight row
    (e.g. ∂L/∂W^(3)_k) is applied to every entry of that row. W^(2)_jk is read as the entry in
    row j, column k of W^(2) (shape 5 x 10), which exists because k < 2.
    """
    c = mlp.forward_backward(ex)  # checks ex
    y, p, d3 = ex.y, c["a3"], c["delta3"]
    W2 = ex.W[1]
    relu1 = relu_grad(c["z1"])
    s = d3.sum()
    through_w2 = sum(d3[k] * W2[j, k] for j in range(mlp.SIZES[2]) for k in range(mlp.SIZES[3]))
    return {
        # the minus sign reaches only the first term
        "L": float(-np.sum(y * np.log(p)) + np.sum((1 - y) * np.log1p(-p))),
        "delta3": -y * (1 - p) - (1 - y) * p,  # ∂L/∂z of that literal loss
        "dW3": np.repeat(d3[:, None], mlp.SIZES[2], axis=1),
        "db3": d3.copy(),
        "dW2": np.repeat((s * c["a2"])[:, None], mlp.SIZES[1], axis=1),
        "db2": np.full(mlp.SIZES[2], s),
        "dW1": np.repeat((through_w2 * relu1)[:, None], mlp.SIZES[0], axis=1),
        "db1": mlp.SIZES[2] * s * relu1,
    }


#: the chapter's formulas as printed (our transcription), for the comparison table
CHAPTER_FORMULAS = {
    "L": "-Σ_k y_k log ŷ_k + (1 - y_k) log(1 - ŷ_k)",
    "delta3": "∂/∂z^(3) of that L",
    "dW3": "∂L/∂W^(3)_k = ∂L/∂ŷ_k · ∂ŷ_k/∂z_k",
    "db3": "∂L/∂b^(3)_k = ∂L/∂ŷ_k · ∂ŷ_k/∂z_k",
    "dW2": "∂L/∂W^(2)_j = Σ_k δ^(3)_k a^(2)_j",
    "db2": "∂L/∂b^(2)_j = Σ_k δ^(3)_k",
    "dW1": "∂L/∂W^(1)_i = Σ_j Σ_k δ^(3)_k W^(2)_jk ReLU'(z^(1)_i)",
    "db1": "∂L/∂b^(1)_i = Σ_j Σ_k δ^(3)_k ReLU'(z^(1)_i)",
}


def max_differences(ex: mlp.Example) -> dict[str, float]:
    """max |chapter - correct| for each quantity of :data:`CHAPTER_FORMULAS`."""
    lit, cor = chapter_literal(ex), mlp.forward_backward(ex)
    return {
        k: float(np.max(np.abs(np.asarray(lit[k]) - np.asarray(cor[k])))) for k in CHAPTER_FORMULAS
    }


def literal_versus_correct(ex: mlp.Example) -> pd.DataFrame:
    """One row per formula: the chapter's, the correct one, and the largest numeric difference."""
    diff = max_differences(ex)
    return pd.DataFrame(
        [
            {
                "quantity": k,
                "chapter's formula": CHAPTER_FORMULAS[k],
                "correct formula": mlp.CORRECT_FORMULAS[k],
                "max |chapter - correct|": fmt(diff[k]),
            }
            for k in CHAPTER_FORMULAS
        ]
    )
