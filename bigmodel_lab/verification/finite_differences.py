"""Finite differences, the referee that needs no derivative at all.

Central difference, for each element θ_j of a parameter array:

    ∂L/∂θ_j ≈ (L(θ + h e_j) - L(θ - h e_j)) / (2h)

whose error shrinks like h^2 (plus a rounding error of about ε·|L|/h, hence float64 only).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..checks import as_float_array


def numerical_gradient(f: Callable[[], float], theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar f() with respect to the array ``theta``.

    ``theta`` is perturbed in place one element at a time and always restored, so ``f`` reads
    the current value through a closure (as the network's parameters are read).
    """
    theta = as_float_array("theta", theta)
    if theta.dtype != np.float64:
        raise ValueError(
            f"theta: finite differences need float64 (got {theta.dtype}); with h={h} float32 "
            "rounding error would swamp the derivative."
        )
    if not h > 0:
        raise ValueError(f"h: the step must be positive, got {h}.")
    grad = np.zeros_like(theta)
    flat, gflat = theta.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        saved = flat[j]
        flat[j] = saved + h
        up = f()
        flat[j] = saved - h
        down = f()
        flat[j] = saved
        gflat[j] = (up - down) / (2.0 * h)
    return grad
