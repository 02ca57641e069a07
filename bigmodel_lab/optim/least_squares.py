"""Least squares as a test bench: mini-batches, gradient noise, the stable rate, penalties.

Linear regression with the mean squared error (均方误差),

    L(w) = (1/N) Σ_i (x_iᵀ w − y_i)²,      ∇L(w) = (2/N) Xᵀ (X w − y),

is small enough to solve exactly and rich enough to show what the chapter is about: its
Hessian H = (2/N) XᵀX is constant, so gradient descent converges exactly when η < 2 / λ_max(H)
and diverges beyond; and a mini-batch gradient is an unbiased but noisy estimate of ∇L whose
variance falls like 1/B. :func:`penalised_fit` adds an L1 or L2 penalty R(w) and descends on
L(w) + R(w), by (sub)gradient steps or, for L1, by proximal ones.

:func:`diabetes_least_squares` makes the chapter's diabetes regression (an
:class:`~bigmodel_lab.optim.splits.ArraySplit`) such a problem, with a standardised target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..checks import as_float_array, check_positive_int, check_shape
from .optimizers import SGD
from .regularization import l1_grad, l2_grad, soft_threshold

if TYPE_CHECKING:
    from .splits import ArraySplit


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Index arrays of one epoch: a fresh permutation of range(n) cut into batches of B.

    B = n gives full-batch gradient descent, B = 1 classic SGD, anything between mini-batch
    SGD. The last batch is smaller when B does not divide n (as torch's DataLoader does).
    """
    n = check_positive_int("n", n)
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"batch_size: expected at most n = {n} examples, got {batch_size}.")
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


@dataclass
class LeastSquares:
    """L(w) = (1/N) Σ_i (x_iᵀ w − y_i)² for X of shape (N, d), y of shape (N,)."""

    X: np.ndarray
    y: np.ndarray

    def __post_init__(self):
        self.X = as_float_array("X", self.X, ndim=2)
        self.y = as_float_array("y", self.y, ndim=1)
        check_shape("y", self.y, (self.X.shape[0],))
        if self.X.shape[0] == 0:
            raise ValueError("X: has no rows; least squares needs at least one example.")

    @property
    def n(self) -> int:
        return self.X.shape[0]

    def _w(self, w) -> np.ndarray:
        w = as_float_array("w", w, ndim=1)
        check_shape("w", w, (self.X.shape[1],))
        return w

    def _rows(self, idx):
        if idx is None:
            return self.X, self.y
        idx = np.asarray(idx)
        if idx.size == 0:
            raise ValueError("idx: an empty batch has no mean gradient; pass at least one index.")
        return self.X[idx], self.y[idx]

    def loss(self, w, idx=None) -> float:
        """Mean squared error over all examples, or over the rows ``idx``."""
        X, y = self._rows(idx)
        r = X @ self._w(w) - y
        return float(np.mean(r * r))

    def grad(self, w, idx=None) -> np.ndarray:
        """(2/B) X_Bᵀ (X_B w − y_B) over the rows ``idx`` (all rows when None)."""
        X, y = self._rows(idx)
        return 2.0 * X.T @ (X @ self._w(w) - y) / X.shape[0]

    def per_example_grads(self, w) -> np.ndarray:
        """Row i is ∇ of (x_iᵀ w − y_i)², shape (N, d); their mean is ``grad(w)``."""
        r = self.X @ self._w(w) - self.y
        return 2.0 * r[:, None] * self.X

    def hessian(self) -> np.ndarray:
        return 2.0 * self.X.T @ self.X / self.n

    def max_stable_lr(self) -> float:
        """2 / λ_max(H): gradient descent converges for η below it and diverges above it."""
        return 2.0 / float(np.linalg.eigvalsh(self.hessian())[-1])

    def solution(self) -> np.ndarray:
        """The exact minimiser w* (least-squares solution)."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]


def diabetes_least_squares(split: ArraySplit) -> tuple[LeastSquares, LeastSquares]:
    """(fit, validation) least-squares problems on the diabetes split, in float64.

    Features get a column of ones for the intercept; the target is standardised with the
    fitting rows' mean and standard deviation, so a loss of 1 means "no better than the mean".
    """
    mean, std = float(split.y_fit.mean()), float(split.y_fit.std())

    def make(X, y):
        A = np.column_stack([X.astype(np.float64), np.ones(len(y))])
        return LeastSquares(A, (y.astype(np.float64) - mean) / std)

    return make(split.X_fit, split.y_fit), make(split.X_val, split.y_val)


def minibatch_gradient_variance(per_example_grads, batch_size: int) -> float:
    """E‖ĝ_B − g‖² for a batch of B rows drawn without replacement from N.

    With g the mean of the N per-example gradients g_i and σ² = (1/N) Σ_i ‖g_i − g‖² their
    spread, the exact value is (σ² / B) · (N − B) / (N − 1): it falls like 1/B and is zero
    for the full batch B = N.
    """
    G = as_float_array("per_example_grads", per_example_grads, ndim=2)
    n = G.shape[0]
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"batch_size: expected at most N = {n} examples, got {batch_size}.")
    if n == 1:
        return 0.0
    sigma2 = float(np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1)))
    return sigma2 / batch_size * (n - batch_size) / (n - 1)


def train(
    problem: LeastSquares,
    make_optimizer: Callable,
    *,
    batch_size: int,
    epochs: int,
    seed: int = 0,
    w0=None,
    schedule=None,
    limit: float = 1e12,
) -> dict:
    """Mini-batch training of w on ``problem``; returns the per-update and per-epoch losses.

    Result keys: ``w`` (final weights), ``step_loss`` (full training loss after every
    update), ``epoch_loss`` (after every epoch), ``steps`` (number of updates) and
    ``diverged_at`` (the update at which the loss exceeded ``limit``, else None; training
    stops there). ``schedule(t)`` (optional) sets the learning rate of update t.
    """
    epochs = check_positive_int("epochs", epochs)
    rng = np.random.default_rng(seed)
    w = np.zeros(problem.X.shape[1]) if w0 is None else as_float_array("w0", w0).copy()
    opt = make_optimizer([w])
    step_loss, epoch_loss = [problem.loss(w)], [problem.loss(w)]
    t, diverged_at = 0, None
    for _ in range(epochs):
        for idx in minibatches(problem.n, batch_size, rng):
            if schedule is not None:
                opt.lr = schedule(t)
            opt.step([problem.grad(w, idx)])
            t += 1
            with np.errstate(over="ignore", invalid="ignore"):
                loss = float(np.mean((problem.X @ w - problem.y) ** 2))
            if not np.isfinite(loss) or loss > limit:
                diverged_at = t
                break
            step_loss.append(loss)
        if diverged_at is not None:
            break
        epoch_loss.append(step_loss[-1])
    return {
        "w": w,
        "step_loss": np.array(step_loss),
        "epoch_loss": np.array(epoch_loss),
        "steps": t,
        "diverged_at": diverged_at,
    }


def penalised_fit(
    problem: LeastSquares,
    lam: float,
    *,
    penalty: str,
    lr: float,
    steps: int,
    method: str = "gradient",
) -> np.ndarray:
    """Full-batch gradient descent on L(w) + R(w) with an L1 or L2 penalty; returns w.

    ``method="gradient"`` steps along ∇L + ∂R (for L1 the subgradient λ sign(w));
    ``method="proximal"`` (L1 only, the ISTA algorithm) steps along ∇L and then applies
    soft-thresholding with τ = ηλ, which puts weights exactly at 0.
    """
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty: expected 'l1' or 'l2', got {penalty!r}.")
    if method not in ("gradient", "proximal"):
        raise ValueError(f"method: expected 'gradient' or 'proximal', got {method!r}.")
    if method == "proximal" and penalty != "l1":
        raise ValueError(
            "method: the proximal step here is L1's soft-thresholding; use "
            "method='gradient' for the L2 penalty."
        )
    steps = check_positive_int("steps", steps)
    w = np.zeros(problem.X.shape[1])
    opt = SGD([w], lr=lr)
    for _ in range(steps):
        g = problem.grad(w)
        if method == "proximal":
            opt.step([g])
            w[...] = soft_threshold(w, lr * lam)
        else:
            opt.step([g + (l1_grad(w, lam) if penalty == "l1" else l2_grad(w, lam))])
    return w
