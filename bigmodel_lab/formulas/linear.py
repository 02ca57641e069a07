"""The linear map (线性变换) of one dense layer.

    z = W a + b

W has shape (n_out, n_in), b shape (n_out,), a shape (n_in,) for one example. For a batch,
the examples are the rows of A, shape (N, n_in), and the same map reads Z = A Wᵀ + b with
Z of shape (N, n_out): row i of Z is W a_i + b.

Its backward pass, from δ = ∂L/∂Z of shape (N, n_out):

    ∂L/∂A = δ W,    ∂L/∂W = δᵀ A,    ∂L/∂b = Σ_i δ_i
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_shape


def linear(W, a, b=None):
    """z = W a + b for one example (a 1-D) or a batch (a 2-D, examples as rows)."""
    W = as_float_array("W", W, ndim=2)
    a = as_float_array("a", a, ndim=(1, 2))
    n_out, n_in = W.shape
    if a.shape[-1] != n_in:
        raise ValueError(
            f"a: expected last dimension {n_in} to match W of shape {W.shape}, got shape {a.shape}."
        )
    z = a @ W.T
    if b is not None:
        b = as_float_array("b", b, ndim=1)
        check_shape("b", b, (n_out,))
        z = z + b
    return z


def linear_grad(W, a, delta):
    """(∂L/∂a, ∂L/∂W, ∂L/∂b) = (δ W, δᵀ a, Σ_i δ_i) for z = W a + b and δ = ∂L/∂z.

    ``a`` and ``delta`` are one example (1-D) or a batch (2-D, examples as rows), as in
    :func:`linear`; ∂L/∂a has the shape of ``a``.
    """
    W = as_float_array("W", W, ndim=2)
    a = as_float_array("a", a, ndim=(1, 2))
    delta = as_float_array("delta", delta, ndim=a.ndim)
    A, D = np.atleast_2d(a), np.atleast_2d(delta)
    check_shape("a", A, (None, W.shape[1]))
    check_shape("delta", D, (A.shape[0], W.shape[0]))
    dA = D @ W
    return (dA if a.ndim == 2 else dA[0]), D.T @ A, D.sum(axis=0)
