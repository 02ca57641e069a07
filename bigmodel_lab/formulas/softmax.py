"""Softmax (归一化指数函数) and log-softmax over the last axis.

    softmax(z)_k = e^(z_k) / Σ_j e^(z_j)
    log_softmax(z)_k = z_k - log Σ_j e^(z_j)

and the backward pass of softmax, a vector-Jacobian product: with y = softmax(z) and an
upstream gradient g = ∂L/∂y, the Jacobian ∂y_k/∂z_j = y_k (δ_kj - y_j) gives

    ∂L/∂z = y ⊙ (g - Σ_k g_k y_k)

Both subtract m = max_j z_j first. That changes nothing mathematically (the factor e^(-m)
cancels) but keeps every exponent ≤ 0, so nothing overflows even for logits like 1e4.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array


def _scores(z):
    z = as_float_array("z", z, ndim=(1, 2))
    if z.shape[-1] == 0:
        raise ValueError(
            f"z: the last axis is empty (shape {z.shape}); softmax needs at least one score per "
            "row to normalise over. Check the number of classes."
        )
    return z


def logsumexp(z):
    """log Σ_j e^(z_j) over the last axis, stable: m + log Σ_j e^(z_j - m)."""
    z = _scores(z)
    m = z.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


def softmax(z):
    """softmax(z)_k = e^(z_k - m) / Σ_j e^(z_j - m), m = max_j z_j."""
    z = _scores(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    """log_softmax(z)_k = z_k - logsumexp(z)."""
    z = _scores(z)
    return z - logsumexp(z)[..., None]


def softmax_vjp(z, g):
    """∂L/∂z = y ⊙ (g - Σ_k g_k y_k) for y = softmax(z) and g = ∂L/∂y (same shape as z)."""
    y = softmax(z)
    g = as_float_array("g", g)
    if g.shape != y.shape:
        raise ValueError(f"g: expected the shape of z, {y.shape}, got {g.shape}.")
    return y * (g - np.sum(g * y, axis=-1, keepdims=True))
