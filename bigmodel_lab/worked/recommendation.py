"""The recommendation score of *Entrepreneurs chase the commercialisation of large models* §4.3.1.

The chapter's model (§4.2.1) scores user u on item i as

    r̂_ui = σ(θ_u · Embedding(i) + Embedding(u) · θ_i)

with θ_u, θ_i, Embedding(i), Embedding(u) all vectors of the same length d. Each "·" between
two vectors is a dot product (点积), a single number, so the argument of σ is one number and
r̂_ui is one number in (0, 1). The chapter instead writes the argument as a 3-vector and then
reads one value off it; those printed values, and the readings of the formula that do not
give them, are in :mod:`bigmodel_lab.errata.recommendation_as_printed`.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array
from ..formulas import sigmoid

THETA_U = np.array([0.1, 0.2, 0.3])
THETA_I = np.array([0.4, 0.5, 0.6])
EMBEDDING_I = np.array([0.7, 0.8, 0.9])
EMBEDDING_U = np.array([0.1, 0.2, 0.3])
#: the user's past ratings on the chapter's 1-5 scale (items i, j, k, l); no step uses them
RATINGS = {"i": 5, "j": 4, "k": 3, "l": 2}


def _vectors(**named) -> list[np.ndarray]:
    arrays = [as_float_array(name, v, ndim=1) for name, v in named.items()]
    sizes = {name: a.size for name, a in zip(named, arrays, strict=True)}
    if len(set(sizes.values())) != 1:
        raise ValueError(
            f"the four vectors must have one common length d, got lengths {sizes}; every "
            "embedding of this model lives in the same d-dimensional space."
        )
    return arrays


def score_argument(theta_u, embedding_i, embedding_u, theta_i) -> float:
    """s = θ_u · Embedding(i) + Embedding(u) · θ_i: a sum of two dot products, one number."""
    tu, ei, eu, ti = _vectors(
        theta_u=theta_u, embedding_i=embedding_i, embedding_u=embedding_u, theta_i=theta_i
    )
    return float(tu @ ei + eu @ ti)


def score(theta_u, embedding_i, embedding_u, theta_i) -> float:
    """r̂_ui = σ(s), a single number strictly between 0 and 1."""
    s = score_argument(theta_u, embedding_i, embedding_u, theta_i)
    return float(sigmoid(np.array([s]))[0])


def rating_scale(s: float, low: float = 1.0, high: float = 5.0) -> float:
    """One way to predict a rating on [low, high]: low + (high - low) σ(s), strictly inside."""
    if not high > low:
        raise ValueError(f"high: must exceed low ({low}), got {high}.")
    return float(low + (high - low) * sigmoid(np.array([float(s)]))[0])


def example_parts() -> dict[str, float]:
    """The two dot products of the chapter's example, their sum s and σ(s)."""
    return {
        "θ_u · Embedding(i)": float(THETA_U @ EMBEDDING_I),
        "Embedding(u) · θ_i": float(EMBEDDING_U @ THETA_I),
        "s (their sum)": score_argument(THETA_U, EMBEDDING_I, EMBEDDING_U, THETA_I),
        "r̂_ui = σ(s)": score(THETA_U, EMBEDDING_I, EMBEDDING_U, THETA_I),
    }
