"""Hyper-parameter search (超参数搜索): grid search and random search.

Both call ``objective(**params) -> float`` (lower is better, e.g. a validation loss) once per
trial and return the trials sorted best first, each a dict of the parameters plus "score".

- Grid search tries every combination of the listed values: the number of trials is the
  product of the list lengths, and each parameter only ever takes its few listed values.
- Random search draws each parameter independently from a range, uniformly or uniformly in
  the logarithm ("log", the natural scale of learning rates and decays). With the same
  number of trials, every trial tries a new value of *every* parameter, which is why it
  covers the one that matters better when only a few do (Bergstra and Bengio, 2012).

Choose on a validation set and report the chosen setting's test score once: the best of many
validation scores is an optimistic estimate of that setting's error.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..checks import check_positive_int


def _score(objective: Callable[..., float], params: dict) -> float:
    value = float(objective(**params))
    if math.isnan(value):
        raise ValueError(
            f"objective: returned NaN for {params}; return a number, or inf for a failed run."
        )
    return value


def _ranked(trials: list[dict]) -> list[dict]:
    return sorted(trials, key=lambda t: t["score"])


def grid_search(objective: Callable[..., float], grid: Mapping[str, Sequence]) -> list[dict]:
    """Every combination of ``grid``'s values, e.g. {"lr": [1e-3, 1e-2], "wd": [0, 1e-4]}."""
    if not grid:
        raise ValueError("grid: expected at least one parameter with a list of values, got none.")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(
                f"grid[{name!r}]: expected a non-empty list of values, got {values!r}."
            )
    names = list(grid)
    trials = []
    for combo in itertools.product(*(grid[n] for n in names)):
        params = dict(zip(names, combo, strict=True))
        trials.append({**params, "score": _score(objective, params)})
    return _ranked(trials)


def sample_space(space: Mapping[str, tuple], n: int, seed: int) -> list[dict]:
    """``n`` parameter settings drawn from ``space``: {name: (low, high, "log" | "linear")}."""
    n = check_positive_int("n", n)
    if not space:
        raise ValueError("space: expected at least one parameter range, got none.")
    rng = np.random.default_rng(seed)
    columns = {}
    for name, spec in space.items():
        if not (isinstance(spec, tuple) and len(spec) == 3 and spec[2] in ("log", "linear")):
            raise ValueError(
                f"space[{name!r}]: expected (low, high, 'log' or 'linear'), got {spec!r}."
            )
        low, high, scale = float(spec[0]), float(spec[1]), spec[2]
        if not low < high or (scale == "log" and low <= 0):
            raise ValueError(
                f"space[{name!r}]: expected low < high (and low > 0 on a log scale), got {spec!r}."
            )
        if scale == "log":
            columns[name] = np.exp(rng.uniform(math.log(low), math.log(high), n))
        else:
            columns[name] = rng.uniform(low, high, n)
    return [{name: float(columns[name][i]) for name in space} for i in range(n)]


def random_search(
    objective: Callable[..., float], space: Mapping[str, tuple], n_trials: int, *, seed: int = 0
) -> list[dict]:
    """``n_trials`` settings drawn by :func:`sample_space`, each scored once."""
    return _ranked(
        [{**p, "score": _score(objective, p)} for p in sample_space(space, n_trials, seed)]
    )
