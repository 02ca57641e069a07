"""The diagnosis softmax of *Entrepreneurs chase the commercialisation of large models* §4.3.2.

The chapter's model (§4.2.2) is D̂ = softmax(θ · Embedding(x)) with θ and Embedding(x) both
5-vectors. Their dot product is one number, and the softmax of a single number is the
one-element distribution [1.0]: the formula as written cannot rank diseases. A distribution
over K diseases needs K scores, i.e. a parameter matrix Θ of shape (K, d):

    D̂ = softmax(Θ e),   e = Embedding(x),   D̂_k = exp((Θe)_k) / Σ_j exp((Θe)_j)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import as_float_array, check_shape
from ..display import fmt, fmt_vector
from ..formulas import softmax

X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # the patient's history; no step of the example uses it
THETA = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
EMBEDDING_X = np.array([0.6, 0.7, 0.8, 0.9, 1.0])

PRINTED_LOGITS = np.array([0.36, 0.42, 0.48, 0.54, 0.6])
PRINTED_PROBABILITIES = np.array([0.1, 0.1, 0.1, 0.1, 0.5])


def literal(theta, embedding) -> np.ndarray:
    """softmax(θ · e) exactly as written, θ a vector: the softmax of one number, always [1.0]."""
    theta = as_float_array("theta", theta, ndim=1)
    embedding = as_float_array("embedding", embedding, ndim=1)
    check_shape("theta", theta, embedding.shape)
    return softmax(np.array([theta @ embedding]))


def disease_probabilities(Theta, embedding) -> np.ndarray:
    """D̂ = softmax(Θ e) for Θ of shape (K, d), K ≥ 2 diseases, e of shape (d,)."""
    embedding = as_float_array("embedding", embedding, ndim=1)
    Theta = as_float_array("Theta", Theta)
    if Theta.ndim != 2 or Theta.shape[0] < 2:
        raise ValueError(
            f"Theta: expected a matrix of shape (K, {embedding.size}) with one row of weights per "
            f"disease, K >= 2, got shape {Theta.shape}. A single weight vector gives one score, "
            "and the softmax of one score is always [1.0]."
        )
    check_shape("Theta", Theta, (None, embedding.size))
    return softmax(Theta @ embedding)


def readings() -> pd.DataFrame:
    """The chapter's numbers through softmax under each reading of "θ · Embedding(x)"."""
    dot = float(THETA @ EMBEDDING_X)
    elementwise = THETA * EMBEDDING_X
    rows = [
        ("dot product (the formula)", fmt(dot), fmt_vector(literal(THETA, EMBEDDING_X))),
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
