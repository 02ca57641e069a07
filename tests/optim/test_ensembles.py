"""Bagging and AdaBoost: bootstrap samples, averaging, exhaustive stumps, the boosting bound."""

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.tree import DecisionTreeClassifier

from bigmodel_lab.optim import ensembles as EN


def test_bootstrap_samples_draw_with_replacement_and_repeat_with_the_seed():
    idx = EN.bootstrap_indices(200, 50, seed=0)
    assert idx.shape == (50, 200) and idx.min() >= 0 and idx.max() < 200
    assert np.array_equal(idx, EN.bootstrap_indices(200, 50, seed=0))
    # a bootstrap sample holds about 1 − 1/e ≈ 63 % of the distinct rows
    unique = np.mean([len(np.unique(row)) / 200 for row in idx])
    assert abs(unique - (1 - np.exp(-1))) < 0.02


def test_bagging_averages_the_members_probabilities(rng):
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)
    models = EN.bagging_fit(lambda: DecisionTreeClassifier(random_state=0), X, y, 7, seed=2)
    assert len(models) == 7
    members = np.array([m.predict_proba(X)[:, 1] for m in models])
    np.testing.assert_allclose(EN.bagging_proba(models, X), members.mean(axis=0), rtol=1e-15)
    # different bootstrap samples give different trees
    assert any(not np.array_equal(members[0], m) for m in members[1:])


def brute_force_stump_error(X, y_pm, w):
    best = np.inf
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        cuts = np.concatenate([[values[0] - 1], (values[1:] + values[:-1]) / 2, [values[-1] + 1]])
        for t in cuts:
            for s in (1, -1):
                pred = np.where(X[:, j] > t, s, -s)
                best = min(best, float(np.sum(w * (pred != y_pm))))
    return best


@given(
    X=arrays(np.float64, (12, 2), elements=st.integers(-3, 3).map(float)),
    labels=arrays(np.int64, 12, elements=st.integers(0, 1)),
    raw_w=arrays(np.float64, 12, elements=st.floats(0.01, 1.0)),
)
def test_fit_stump_finds_the_least_weighted_error(X, labels, raw_w):
    w = raw_w / raw_w.sum()
    y_pm = 2 * labels - 1
    stump, err = EN.fit_stump(X, y_pm, w)
    assert err == pytest.approx(brute_force_stump_error(X, y_pm, w), abs=1e-12)
    assert err == pytest.approx(float(np.sum(w * (stump.predict(X) != y_pm))), abs=1e-12)


def test_adaboost_training_error_stays_under_its_bound(rng):
    X = rng.normal(size=(150, 2))
    y = ((X[:, 0] ** 2 + X[:, 1] ** 2) < 1.2).astype(int)  # a disc: no single stump can do it
    model = EN.adaboost(X, y, 60)
    assert all(0 < e < 0.5 for e in model.weighted_errors)
    bound = model.error_bound()
    assert np.all(np.asarray(model.train_errors) <= bound + 1e-12)
    assert model.train_errors[-1] < 0.5 * model.train_errors[0]
    np.testing.assert_array_equal(model.predict(X), (model.decision(X) > 0).astype(int))
    assert np.mean(model.predict(X) != y) == pytest.approx(model.train_errors[-1])


def test_bad_inputs_are_refused():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="labels 0 and 1"):
        EN.adaboost(X, np.array([0, 1, 2, 1]), 3)
    with pytest.raises(ValueError, match="shape"):
        EN.adaboost(X, np.array([0, 1]), 3)
    with pytest.raises(ValueError, match="at least one"):
        EN.bagging_proba([], X)
    model = EN.adaboost(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]), 2)
    with pytest.raises(ValueError, match="at most 2"):
        model.predict(X[:, :1], rounds=3)
