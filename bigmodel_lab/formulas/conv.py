"""Convolution (卷积) and max-pooling (最大池化) as readable NumPy formulas, with gradients.

NCHW layout: a batch of N images with C channels of H x W pixels. Stride 1 and no padding for
the convolution; window k x k with stride k and no padding for the pooling.

Convolution, weights w of shape (F, C, KH, KW), bias b of shape (F,), output (N, F, OH, OW)
with OH = H - KH + 1 and OW = W - KW + 1 (what deep-learning libraries call convolution is,
strictly, cross-correlation: the kernel is not flipped):

    y[n,f,i,j] = b[f] + Σ_c Σ_p Σ_q x[n,c,i+p,j+q] w[f,c,p,q]

    ∂L/∂w[f,c,p,q] = Σ_n Σ_i Σ_j g[n,f,i,j] x[n,c,i+p,j+q]          (g = ∂L/∂y)
    ∂L/∂b[f]       = Σ_n Σ_i Σ_j g[n,f,i,j]
    ∂L/∂x[n,c,h,v] = Σ_f Σ_p Σ_q g[n,f,h-p,v-q] w[f,c,p,q]      (only terms with 0 ≤ h-p < OH,
                                                                    0 ≤ v-q < OW)

Max-pooling, output (N, C, ⌊H/k⌋, ⌊W/k⌋):

    y[n,c,i,j] = max_{0≤p,q<k} x[n,c,k i+p,k j+q]
    ∂L/∂x[n,c,k i+p,k j+q] = g[n,c,i,j] at the window's maximum, 0 elsewhere

A maximum is differentiable only where it is unique. With ties (all-zero windows after a ReLU
are common) we send the gradient to the first maximum in row-major order inside the window, as
torch does; any convex combination of the tied positions would be a valid subgradient.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..checks import as_float_array


def _check_conv(x, w, b=None):
    x = as_float_array("x", x, ndim=4)
    w = as_float_array("w", w, ndim=4)
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"x and w do not fit: x has {x.shape[1]} channels (shape {x.shape}) but "
            f"w of shape {w.shape} expects {w.shape[1]}."
        )
    if not (1 <= w.shape[2] <= x.shape[2] and 1 <= w.shape[3] <= x.shape[3]):
        raise ValueError(
            f"w: a {w.shape[2]}x{w.shape[3]} kernel does not fit a "
            f"{x.shape[2]}x{x.shape[3]} input without padding."
        )
    if b is not None:
        b = as_float_array("b", b, ndim=1)
        if b.shape != (w.shape[0],):
            raise ValueError(f"b: expected shape ({w.shape[0]},), got {b.shape}.")
    return x, w, b


def _windows(x, kh, kw):
    """patches[n, c, i, j, p, q] = x[n, c, i+p, j+q], a view (no copy)."""
    return sliding_window_view(x, (kh, kw), axis=(2, 3))


def conv2d(x, w, b=None):
    """y[n,f,i,j] = b[f] + Σ_c Σ_p Σ_q x[n,c,i+p,j+q] w[f,c,p,q] (stride 1, no padding)."""
    x, w, b = _check_conv(x, w, b)
    y = np.einsum("ncijpq,fcpq->nfij", _windows(x, w.shape[2], w.shape[3]), w)
    if b is not None:
        y = y + b[None, :, None, None]
    return y


def conv2d_grad(x, w, g):
    """(∂L/∂x, ∂L/∂w, ∂L/∂b) given g = ∂L/∂y of shape (N, F, OH, OW)."""
    x, w, _ = _check_conv(x, w)
    F, _, KH, KW = w.shape
    N, C, H, W = x.shape
    g = as_float_array("g", g, ndim=4)
    expected = (N, F, H - KH + 1, W - KW + 1)
    if g.shape != expected:
        raise ValueError(f"g: expected the output's shape {expected}, got {g.shape}.")
    OH, OW = expected[2], expected[3]
    dw = np.einsum("nfij,ncijpq->fcpq", g, _windows(x, KH, KW))
    db = g.sum(axis=(0, 2, 3))
    dx = np.zeros_like(x, dtype=np.result_type(x, g, w))
    for p in range(KH):
        for q in range(KW):
            # weight position (p, q) connects y[., ., i, j] with x[., ., i+p, j+q]
            dx[:, :, p : p + OH, q : q + OW] += np.einsum("nfij,fc->ncij", g, w[:, :, p, q])
    return dx, dw, db


def _check_pool(x, k):
    x = as_float_array("x", x, ndim=4)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k: expected a positive integer window size, got {k!r}.")
    H, W = x.shape[2:]
    if H < k or W < k:
        raise ValueError(
            f"x: an image of {H}x{W} pixels holds no whole {k}x{k} window, so the output "
            "would be empty. Use a window size k of at most min(H, W)."
        )
    return x, int(k)


def _pool_windows(x, k):
    """windows[n, c, i, j, p*k + q] = x[n, c, k i + p, k j + q] (cropped to whole windows)."""
    N, C, H, W = x.shape
    OH, OW = H // k, W // k
    cropped = x[:, :, : OH * k, : OW * k]
    return (
        cropped.reshape(N, C, OH, k, OW, k).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, OH, OW, k * k)
    )


def max_pool2d(x, k=2):
    """y[n,c,i,j] = max over the k x k window at (k i, k j); stride k, no padding."""
    x, k = _check_pool(x, k)
    return _pool_windows(x, k).max(axis=-1)


def max_pool2d_grad(x, g, k=2):
    """∂L/∂x: each window's g goes to its first maximum (row-major), zeros elsewhere."""
    x, k = _check_pool(x, k)
    N, C, H, W = x.shape
    OH, OW = H // k, W // k
    g = as_float_array("g", g, ndim=4)
    if g.shape != (N, C, OH, OW):
        raise ValueError(f"g: expected the output's shape {(N, C, OH, OW)}, got {g.shape}.")
    first = _pool_windows(x, k).argmax(axis=-1)  # np.argmax returns the first maximum
    routed = np.zeros((N, C, OH, OW, k * k), dtype=np.result_type(x, g))
    np.put_along_axis(routed, first[..., None], g[..., None], axis=-1)
    dx = np.zeros_like(x, dtype=routed.dtype)
    dx[:, :, : OH * k, : OW * k] = (
        routed.reshape(N, C, OH, OW, k, k).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, OH * k, OW * k)
    )
    return dx
