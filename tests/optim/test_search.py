"""Grid and random hyper-parameter search: every combination, seeded draws inside the ranges."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.optim import search as S


def bowl(lr, wd):
    # a score whose minimum is known: lowest at lr = 0.01, and wd does not matter
    return (math.log10(lr) + 2.0) ** 2 + 0.0 * wd


def test_grid_search_tries_every_combination_once_and_ranks_them():
    calls = []

    def objective(**p):
        calls.append(p)
        return bowl(**p)

    grid = {"lr": [1e-3, 1e-2, 1e-1], "wd": [0.0, 0.1]}
    trials = S.grid_search(objective, grid)
    assert len(trials) == len(calls) == 6
    assert {(c["lr"], c["wd"]) for c in calls} == {(a, b) for a in grid["lr"] for b in grid["wd"]}
    assert [t["score"] for t in trials] == sorted(t["score"] for t in trials)
    assert trials[0]["lr"] == 1e-2


@given(
    low=st.floats(1e-6, 1.0),
    ratio=st.floats(1.5, 1e4),
    n=st.integers(1, 40),
    seed=st.integers(0, 2**16),
)
def test_random_draws_stay_in_their_ranges_and_repeat_with_the_seed(low, ratio, n, seed):
    space = {"lr": (low, low * ratio, "log"), "p": (0.0, 0.5, "linear")}
    draws = S.sample_space(space, n, seed)
    assert len(draws) == n
    for d in draws:
        assert low <= d["lr"] <= low * ratio and 0.0 <= d["p"] <= 0.5
    assert draws == S.sample_space(space, n, seed)


def test_log_draws_are_uniform_in_the_logarithm():
    draws = S.sample_space({"lr": (1e-4, 1.0, "log")}, 4000, seed=1)
    exponents = np.log10([d["lr"] for d in draws])
    # each decade should get about a quarter of the draws
    counts = np.histogram(exponents, bins=[-4, -3, -2, -1, 0])[0]
    assert np.all(np.abs(counts / 4000 - 0.25) < 0.03), counts


def test_random_search_tries_a_new_value_of_every_parameter_each_trial():
    # the point of random search: 9 trials give 9 distinct values of the parameter that matters
    # where a 3 x 3 grid gives 3, so its best is at least as close to the optimum here
    space = {"lr": (1e-4, 1.0, "log"), "wd": (1e-4, 1.0, "log")}
    rand = S.random_search(bowl, space, 9, seed=0)
    assert len({t["lr"] for t in rand}) == 9
    grid = S.grid_search(bowl, {"lr": [1e-4, 1e-2 * 3, 1.0], "wd": [1e-4, 1e-2, 1.0]})
    assert len({t["lr"] for t in grid}) == 3
    assert rand[0]["score"] <= grid[0]["score"]


def test_bad_search_spaces_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="non-empty list"):
        S.grid_search(bowl, {"lr": [], "wd": [0]})
    with pytest.raises(ValueError, match="at least one"):
        S.grid_search(bowl, {})
    with pytest.raises(ValueError, match="low > 0"):
        S.sample_space({"lr": (0.0, 1.0, "log")}, 3, 0)
    with pytest.raises(ValueError, match="'log' or 'linear'"):
        S.sample_space({"lr": (0.1, 1.0, "exp")}, 3, 0)
    with pytest.raises(ValueError, match="NaN"):
        S.grid_search(lambda lr: float("nan"), {"lr": [1.0]})
