"""The diagnosis softmax of *Entrepreneurs chase the commercialisation of large models* §4.3.2.

The chapter's model (§4.2.2) is D̂ = softmax(θ · Embedding(x)) with θ and Embedding(x) both
5-vectors. Their dot product is one number, and the softmax of a single number is the
one-element distribution [1.0]: the formula as written cannot rank diseases (it, and the
scores and probabilities the chapter printed, are in
:mod:`bigmodel_lab.errata.diagnosis_as_printed`). A distribution over K diseases needs K
scores, i.e. a parameter matrix Θ of shape (K, d):

    D̂ = softmax(Θ e),   e = Embedding(x),   D̂_k = exp((Θe)_k) / Σ_j exp((Θe)_j)
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_shape
from ..formulas import softmax

X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # the patient's history; no step of the example uses it
THETA = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
EMBEDDING_X = np.array([0.6, 0.7, 0.8, 0.9, 1.0])


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
