"""*Entrepreneurs chase the commercialisation of large models* §4.3.2 as printed: the diagnosis.

The chapter writes D̂ = softmax(θ · Embedding(x)) with θ a 5-vector, prints five scores for
θ · Embedding(x) and a five-entry "distribution" for their softmax. This module holds the
formula as written (:func:`literal`: the softmax of the one number θ · e, always [1.0]), the
printed numbers, and the table of readings that shows no reading of the formula gives them.
The formula that can rank K diseases, softmax(Θ e) with Θ of shape (K, d), is
:func:`bigmodel_lab.worked.diagnosis.disease_probabilities`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import as_float_array, check_shape
from ..display import fmt, fmt_vector
from ..formulas import softmax
from ..worked import diagnosis as dx

#: "softmax([0.36, 0.42, 0.48, 0.54, 0.6]) ≈ [0.1, 0.1, 0.1, 0.1, 0.5]"
PRINTED_LOGITS = np.array([0.36, 0.42, 0.48, 0.54, 0.6])
PRINTED_PROBABILITIES = np.array([0.1, 0.1, 0.1, 0.1, 0.5])


def literal(theta, embedding) -> np.ndarray:
    """softmax(θ · e) exactly as written, θ a vector: the softmax of one number, always [1.0]."""
    theta = as_float_array("theta", theta, ndim=1)
    embedding = as_float_array("embedding", embedding, ndim=1)
    check_shape("theta", theta, embedding.shape)
    return softmax(np.array([theta @ embedding]))


def readings() -> pd.DataFrame:
    """The chapter's numbers through softmax under each reading of "θ · Embedding(x)"."""
    dot = float(dx.THETA @ dx.EMBEDDING_X)
    elementwise = dx.THETA * dx.EMBEDDING_X
    rows = [
        ("dot product (the formula)", fmt(dot), fmt_vector(literal(dx.THETA, dx.EMBEDDING_X))),
        ("element-wise product", fmt_vector(elementwise, 2), fmt_vector(softmax(elementwise))),
        (
            "the chapter's printed scores",
            fmt_vector(PRINTED_LOGITS, 2),
            fmt_vector(softmax(PRINTED_LOGITS)),
        ),
        ("the chapter's printed result", "", fmt_vector(PRINTED_PROBABILITIES, 1)),
    ]
    return pd.DataFrame(rows, columns=["reading", "scores", "softmax(scores)"])


def printed_sum() -> float:
    """The sum of the chapter's printed "probabilities"; any softmax output sums to 1."""
    return float(PRINTED_PROBABILITIES.sum())
