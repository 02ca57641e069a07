"""The two referees of every hand-derived gradient: finite differences and torch.autograd.

Central difference, for each element θ_j of a parameter array:

    ∂L/∂θ_j ≈ (L(θ + h e_j) - L(θ - h e_j)) / (2h)

whose error shrinks like h^2. The comparison table follows micrograd's ``cmp``: for each named
gradient it says whether the hand value equals the reference exactly, whether it is close
(``np.allclose`` with the given tolerances), and the largest absolute difference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .checks import as_float_array


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


def compare(name: str, mine, reference, *, rtol: float = 1e-6, atol: float = 1e-8) -> dict:
    """One row of the comparison table: name, exact, close, max |mine - reference|."""
    mine = np.asarray(mine, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if mine.shape != reference.shape:
        raise ValueError(
            f"{name}: the hand value has shape {mine.shape} but the reference has shape "
            f"{reference.shape}; they cannot be compared."
        )
    diff = np.abs(mine - reference)
    return {
        "name": name,
        "exact": bool(np.array_equal(mine, reference)),
        "close": bool(np.allclose(mine, reference, rtol=rtol, atol=atol)),
        "max_abs_diff": float(diff.max()) if diff.size else 0.0,
    }


def comparison_table(rows: Sequence[dict]) -> pd.DataFrame:
    """A DataFrame of ``compare`` rows, indexed by name; the book prints it with fixed precision."""
    return pd.DataFrame(list(rows)).set_index("name")


def format_table(df: pd.DataFrame, floor: float = 1e-12) -> str:
    """Render a comparison table as text, printing differences below ``floor`` as "< floor".

    Whether two float computations agree bit for bit (the "exact" column) and how small their
    difference is below about 1e-15 depend on the CPU's vector instructions, the BLAS kernel
    and the thread count, which decide the order of the partial sums. So the printed table
    leaves "exact" out and shows a zero difference as "< floor", like any other difference
    below the floor: it reads the same on every IEEE-754 machine and still exposes a real
    mismatch.
    """
    out = df.drop(columns=["exact"], errors="ignore")
    if "max_abs_diff" in out:
        out["max_abs_diff"] = [
            f"< {floor:.0e}" if v < floor else f"{v:.2e}" for v in out["max_abs_diff"]
        ]
    return out.to_string()


def torch_dense_gradients(net, X, Y, loss: str):
    """The same network, loss and data in torch float64; returns (loss, [dW], [db]) from autograd.

    This is the referee for :class:`bigmodel_lab.formulas.DenseNetwork`: the forward pass is
    written with torch's own ops, not ours, so agreement is evidence, not tautology.
    """
    import torch

    acts = {
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "tanh": torch.tanh,
        "identity": lambda t: t,
        "softmax": lambda t: torch.softmax(t, dim=1),
    }
    X = torch.as_tensor(np.atleast_2d(X), dtype=torch.float64)
    Y = torch.as_tensor(np.atleast_2d(Y), dtype=torch.float64)
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    a = X
    for W, b, name in zip(Ws, bs, net.activations, strict=True):
        a = acts[name](a @ W.T + b)
    if loss == "mse":
        value = torch.nn.functional.mse_loss(a, Y)
    elif loss == "bce":
        value = torch.nn.functional.binary_cross_entropy(a, Y)
    elif loss == "cce":
        value = -(Y * torch.log(a)).sum() / a.shape[0]
    else:
        raise ValueError(f"loss: unknown name {loss!r}; choose 'mse', 'bce' or 'cce'.")
    value.backward()
    return (
        value.item(),
        [W.grad.numpy() for W in Ws],
        [b.grad.numpy() for b in bs],
    )
