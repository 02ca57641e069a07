"""Test scores: predictions, accuracy with a confidence interval (置信区间), window votes.

A test accuracy measured on n texts is an estimate; the Wilson score interval says which true
accuracies are compatible with it. With p = k/n correct and z the normal quantile of the
confidence level,

    centre = (p + z²/2n) / (1 + z²/n),   half width = z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n).

It behaves well near 0 and 1 and for small n, where the textbook "p ± z sqrt(p(1-p)/n)"
interval is too narrow or leaves [0, 1]. The bootstrap interval resamples the test set instead
and needs no formula. :class:`Score` holds one model's accuracy with its interval and
:func:`results_table` lays several side by side. A text cut into windows is classified by
:func:`vote_windows`: the class with the largest sum of its windows' log-probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from scipy.stats import norm

from ..training import predict as _predict


def wilson_interval(correct: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``correct / n``.

    centre = (p + z^2/2n) / (1 + z^2/n), half width = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n: expected a positive number of trials, got {n!r}.")
    if not isinstance(correct, (int, np.integer)) or not 0 <= correct <= n:
        raise ValueError(f"correct: expected an int in [0, n={n}], got {correct!r}.")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence: expected a level in (0, 1), got {confidence}.")
    z = float(norm.ppf(0.5 + confidence / 2))
    p = correct / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the ends are exactly 0 and 1 when every trial failed or succeeded; rounding would not say so
    low = 0.0 if correct == 0 else max(0.0, centre - half)
    high = 1.0 if correct == n else min(1.0, centre + half)
    return low, high


def bootstrap_interval(
    hits, *, n_boot: int = 2000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of the 0/1 array ``hits``."""
    hits = np.asarray(hits)
    if hits.ndim != 1 or hits.size == 0 or not np.isin(hits, (0, 1)).all():
        raise ValueError("hits: expected a non-empty 1-D array of 0/1 (or bool) outcomes.")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence: expected a level in (0, 1), got {confidence}.")
    rng = np.random.default_rng(seed)
    means = rng.choice(hits.astype(np.float64), size=(n_boot, hits.size), replace=True).mean(axis=1)
    alpha = (1 - confidence) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


@dataclass(frozen=True)
class Score:
    """Accuracy of ``name`` on ``n`` test texts with its 95% Wilson interval."""

    name: str
    correct: int
    n: int
    low: float
    high: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.n

    def row(self) -> dict:
        return {
            "model": self.name,
            "test texts": self.n,
            "accuracy": f"{self.accuracy:.3f}",
            "95% interval": f"[{self.low:.3f}, {self.high:.3f}]",
        }


def score(name: str, y_true, y_pred) -> Score:
    """The :class:`Score` of predictions ``y_pred`` against ``y_true`` (1-D, same shape)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and y_pred: expected equal 1-D shapes, got {y_true.shape} and {y_pred.shape}."
        )
    correct = int(np.sum(y_true == y_pred))
    low, high = wilson_interval(correct, int(y_true.size))
    return Score(name, correct, int(y_true.size), low, high)


def results_table(scores) -> pd.DataFrame:
    """One row per :class:`Score` (its :meth:`Score.row`), indexed by model name."""
    scores = list(scores)
    if not scores or not all(isinstance(s, Score) for s in scores):
        raise TypeError("scores: expected a non-empty sequence of Score (from score()).")
    return pd.DataFrame([s.row() for s in scores]).set_index("model")


def predict_labels(model, loader) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(predicted labels, true labels, probability of class 1) over ``loader``, in its order."""
    outputs, targets = _predict(model, loader)
    if outputs.ndim == 1:
        prob = torch.sigmoid(outputs)
        pred = (outputs > 0).long()
    else:
        prob = outputs.exp()[:, 1] if outputs.shape[1] == 2 else outputs.exp().max(dim=1).values
        pred = outputs.argmax(dim=1)
    return pred.numpy(), targets.long().numpy(), prob.numpy()


def vote_windows(scores, owner, n_texts: int) -> np.ndarray:
    """Class of each text from its windows: argmax of the summed per-window log-probabilities.

    ``scores`` is ``(n_windows, n_classes)`` log-probabilities (or ``(n_windows,)`` logits for a
    binary model, summed likewise); ``owner[i]`` is the text that window ``i`` came from.
    """
    scores = np.asarray(scores, dtype=np.float64)
    owner = np.asarray(owner)
    if owner.shape != scores.shape[:1]:
        raise ValueError(
            f"owner: expected one entry per window ({scores.shape[0]}), got {owner.shape}."
        )
    if owner.size and (owner.min() < 0 or owner.max() >= n_texts):
        raise ValueError(
            f"owner: entries must lie in [0, {n_texts - 1}], got {owner.min()}..{owner.max()}."
        )
    missing = np.setdiff1d(np.arange(n_texts), owner)
    if missing.size:
        raise ValueError(
            f"owner: texts {missing[:5].tolist()} have no window; every text needs one."
        )
    total = np.zeros((n_texts,) + scores.shape[1:])
    np.add.at(total, owner, scores)
    return (total > 0).astype(np.int64) if total.ndim == 1 else total.argmax(axis=1)


def window_vote_accuracy(model, loader, owner, y_true) -> float:
    """Accuracy per text when each text's windows (in ``loader``) vote with their log-probabilities."""
    y_true = np.asarray(y_true)
    outputs, _ = _predict(model, loader)
    return float(np.mean(vote_windows(outputs.numpy(), owner, len(y_true)) == y_true))
