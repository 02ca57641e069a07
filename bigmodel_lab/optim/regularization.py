"""Regularisation (正则化): L1 and L2 penalties, the L1 proximal step, and dropout.

Conventions (λ ≥ 0 is the regularisation strength):

- L1: R(w) = λ Σ_i |w_i|,    ∂R/∂w = λ · sign(w)  (the subgradient 0 is used at w_i = 0).
- L2: R(w) = (λ/2) Σ_i w_i²,  ∂R/∂w = λ · w.  This λ is torch's ``weight_decay``: adding λw to
  the gradient is exactly what ``torch.optim.SGD(weight_decay=λ)`` does.

A plain (sub)gradient step on the L1 penalty makes weights jitter around 0 without ever
landing on it. The proximal step, soft-thresholding S_τ(w) = sign(w) · max(|w| − τ, 0) with
τ = ηλ after each gradient step on the data loss (the ISTA algorithm), sets them to exactly 0:
that is where the sparsity of L1 comes from.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_number


def _lam(lam) -> float:
    return check_number("lam", lam, low=0.0)


def l1_penalty(w, lam: float) -> float:
    """R(w) = λ Σ |w_i|."""
    return _lam(lam) * float(np.sum(np.abs(as_float_array("w", w))))


def l1_grad(w, lam: float) -> np.ndarray:
    """∂R/∂w = λ sign(w), with 0 at w_i = 0."""
    return _lam(lam) * np.sign(as_float_array("w", w))


def l2_penalty(w, lam: float) -> float:
    """R(w) = (λ/2) Σ w_i²."""
    w = as_float_array("w", w)
    return 0.5 * _lam(lam) * float(np.sum(w * w))


def l2_grad(w, lam: float) -> np.ndarray:
    """∂R/∂w = λ w (torch's weight_decay = λ)."""
    return _lam(lam) * as_float_array("w", w)


def soft_threshold(w, tau: float) -> np.ndarray:
    """S_τ(w) = sign(w) · max(|w| − τ, 0), the proximal step of τ‖w‖₁."""
    w = as_float_array("w", w)
    tau = check_number("tau", tau, low=0.0)
    return np.sign(w) * np.maximum(np.abs(w) - tau, 0.0)


def dropout(a, p: float, rng: np.random.Generator, *, training: bool = True):
    """Inverted dropout (随机失活): zero each unit with probability p, scale survivors by 1/(1−p).

    Returns (output, mask). In training, E[output] = a, so nothing has to change at test
    time, when (``training=False``) the input passes unchanged and the mask is all ones.
    Same convention as ``torch.nn.Dropout``.
    """
    a = as_float_array("a", a)
    p = check_number("p", p, low=0.0, high=1.0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng: expected a numpy.random.Generator, got {type(rng).__name__}; "
            "create one with np.random.default_rng(seed)."
        )
    if not training or p == 0.0:
        return a.copy(), np.ones_like(a)
    mask = (rng.random(a.shape) >= p).astype(a.dtype)
    return a * mask / (1.0 - p), mask
