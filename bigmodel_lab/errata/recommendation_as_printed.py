"""*Entrepreneurs chase the commercialisation of large models* §4.3.1 as printed: the score.

The chapter writes the argument of σ in r̂_ui = σ(θ_u · Embedding(i) + Embedding(u) · θ_i) as
the vector [0.27, 0.34, 0.41] and reads the score ≈ 0.8 off its sigmoid. With "·" a dot
product the argument is one number (:func:`bigmodel_lab.worked.recommendation.score_argument`);
this module holds the printed values and the table of readings that shows no reading of the
formula gives them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..display import fmt, fmt_vector
from ..formulas import sigmoid
from ..worked import recommendation as rec

#: "= σ([0.27, 0.34, 0.41]) ≈ 0.8"
PRINTED_ARGUMENT = np.array([0.27, 0.34, 0.41])
PRINTED_SCORE = "≈ 0.8"


def readings() -> pd.DataFrame:
    """Three readings of the formula: dot products (correct), element-wise products, printed."""
    elementwise = rec.THETA_U * rec.EMBEDDING_I + rec.EMBEDDING_U * rec.THETA_I
    s = rec.score_argument(rec.THETA_U, rec.EMBEDDING_I, rec.EMBEDDING_U, rec.THETA_I)
    rows = [
        (
            "dot products (the formula)",
            fmt(s),
            fmt(rec.score(rec.THETA_U, rec.EMBEDDING_I, rec.EMBEDDING_U, rec.THETA_I)),
        ),
        ("element-wise products", fmt_vector(elementwise), fmt_vector(sigmoid(elementwise))),
        (
            "the chapter's printed argument",
            fmt_vector(PRINTED_ARGUMENT, 2),
            fmt_vector(sigmoid(PRINTED_ARGUMENT)),
        ),
    ]
    return pd.DataFrame(rows, columns=["reading", "argument of σ", "σ(argument)"])
