"""Ensembles (模型融合): bagging and boosting.

- **Bagging** (bootstrap aggregating, Breiman 1996): fit M copies of one model, each on a
  bootstrap sample (n rows drawn with replacement from the n training rows), and average their
  predicted probabilities. Each copy over-fits its own sample in its own way; the average keeps
  what they share, so bagging lowers the *variance* of a flexible model.
- **Boosting** (AdaBoost, Freund and Schapire 1997, here with decision stumps): fit weak models
  one after another, each on the examples re-weighted towards those the previous ones got
  wrong, and let them vote with weights α_t = ½ ln((1 − ε_t)/ε_t), where ε_t is model t's
  weighted error. Boosting lowers the *bias* of a model too simple on its own. Its training
  error after T rounds is at most ∏_t 2√(ε_t(1 − ε_t)).

Labels are 0/1 at the interface; AdaBoost works with ±1 inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..checks import check_positive_int


def _xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"X, y: expected X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}."
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"y: expected labels 0 and 1, got the values {np.unique(y)[:5]}.")
    return X, y.astype(np.int64)


# -- bagging ------------------------------------------------------------------------------------


def bootstrap_indices(n: int, n_models: int, seed: int) -> np.ndarray:
    """(n_models, n) row indices, each row a sample of n drawn with replacement from range(n)."""
    n, n_models = check_positive_int("n", n), check_positive_int("n_models", n_models)
    return np.random.default_rng(seed).integers(0, n, size=(n_models, n))


def bagging_fit(make_model: Callable[[], object], X, y, n_models: int, *, seed: int = 0) -> list:
    """Fit ``make_model()`` (an object with ``fit`` and ``predict_proba``) on each bootstrap sample."""
    X, y = _xy(X, y)
    models = []
    for rows in bootstrap_indices(len(y), n_models, seed):
        models.append(make_model().fit(X[rows], y[rows]))
    return models


def bagging_proba(models: list, X) -> np.ndarray:
    """P(y = 1 | x) averaged over the models: the bagged prediction, shape (n,)."""
    if not models:
        raise ValueError("models: expected at least one fitted model, got none.")
    X = np.asarray(X, dtype=np.float64)
    return np.mean([m.predict_proba(X)[:, 1] for m in models], axis=0)


# -- boosting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stump:
    """h(x) = polarity if x[feature] > threshold else −polarity, with polarity ±1."""

    feature: int
    threshold: float
    polarity: int

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.where(X[:, self.feature] > self.threshold, self.polarity, -self.polarity)


def fit_stump(X: np.ndarray, y_pm: np.ndarray, w: np.ndarray) -> tuple[Stump, float]:
    """The stump of least weighted error Σ w_i [h(x_i) ≠ y_i] (labels ±1, weights summing to 1).

    Tries every feature, every threshold between two sorted values (and below the smallest),
    and both polarities: exhaustive, O(d · n log n).
    """
    best, best_err = None, np.inf
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        xs, ys, ws = X[order, j], y_pm[order], w[order]
        # error of "predict +1 above the threshold" with the threshold below index k:
        # the positives at or below it are wrong, the negatives above it are wrong
        pos_below = np.concatenate([[0.0], np.cumsum(ws * (ys == 1))])
        neg_above = np.sum(ws * (ys == -1)) - np.concatenate([[0.0], np.cumsum(ws * (ys == -1))])
        err_plus = pos_below + neg_above
        # only cut between distinct values
        valid = np.concatenate([[True], xs[1:] > xs[:-1], [True]])
        for polarity, errs in ((1, err_plus), (-1, 1.0 - err_plus)):
            errs = np.where(valid, errs, np.inf)
            k = int(np.argmin(errs))
            if errs[k] < best_err - 1e-15:
                if k == 0:
                    threshold = xs[0] - 1.0
                elif k == len(xs):
                    threshold = xs[-1] + 1.0
                else:
                    threshold = 0.5 * (xs[k - 1] + xs[k])
                best, best_err = Stump(j, float(threshold), polarity), float(errs[k])
    return best, best_err


@dataclass
class AdaBoost:
    """The fitted rounds: stumps, their vote weights α_t, weighted errors ε_t, training errors."""

    stumps: list[Stump] = field(default_factory=list)
    alphas: list[float] = field(default_factory=list)
    weighted_errors: list[float] = field(default_factory=list)
    train_errors: list[float] = field(default_factory=list)

    def decision(self, X, rounds: int | None = None) -> np.ndarray:
        """Σ_t α_t h_t(x) over the first ``rounds`` rounds (all by default)."""
        X = np.asarray(X, dtype=np.float64)
        rounds = len(self.stumps) if rounds is None else check_positive_int("rounds", rounds)
        if rounds > len(self.stumps):
            raise ValueError(f"rounds: expected at most {len(self.stumps)} (fitted), got {rounds}.")
        score = np.zeros(len(X))
        for stump, alpha in zip(self.stumps[:rounds], self.alphas[:rounds], strict=True):
            score += alpha * stump.predict(X)
        return score

    def predict(self, X, rounds: int | None = None) -> np.ndarray:
        """Labels 0/1."""
        return (self.decision(X, rounds) > 0).astype(np.int64)

    def error_bound(self) -> np.ndarray:
        """∏_{s ≤ t} 2√(ε_s(1 − ε_s)) for each t: the bound on the training error."""
        e = np.asarray(self.weighted_errors)
        return np.cumprod(2.0 * np.sqrt(e * (1.0 - e)))


def adaboost(X, y, rounds: int) -> AdaBoost:
    """Discrete AdaBoost with decision stumps for ``rounds`` rounds."""
    X, y = _xy(X, y)
    rounds = check_positive_int("rounds", rounds)
    y_pm = 2 * y - 1
    w = np.full(len(y), 1.0 / len(y))
    model = AdaBoost()
    score = np.zeros(len(y))
    for _ in range(rounds):
        stump, eps = fit_stump(X, y_pm, w)
        eps = min(max(eps, 1e-12), 1.0 - 1e-12)  # a perfect stump would get an infinite vote
        alpha = 0.5 * np.log((1.0 - eps) / eps)
        pred = stump.predict(X)
        w = w * np.exp(-alpha * y_pm * pred)
        w /= w.sum()
        score += alpha * pred
        model.stumps.append(stump)
        model.alphas.append(float(alpha))
        model.weighted_errors.append(float(eps))
        model.train_errors.append(float(np.mean((score > 0) != (y_pm > 0))))
    return model
