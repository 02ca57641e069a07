"""Least squares as a test bench: gradients, the stable rate, mini-batches and their noise,
penalised fits, and the diabetes regression as a least-squares problem."""

from itertools import combinations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.optim import SGD
from bigmodel_lab.optim.least_squares import (
    LeastSquares,
    diabetes_least_squares,
    minibatch_gradient_variance,
    minibatches,
    penalised_fit,
    train,
)
from bigmodel_lab.verification import numerical_gradient


@pytest.fixture
def problem(rng):
    X = rng.normal(size=(30, 4))
    return LeastSquares(X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(scale=0.1, size=30))


def test_gradient_matches_torch_and_finite_differences(problem, rng):
    w = rng.normal(size=4)
    idx = np.array([3, 7, 11, 20])
    t = torch.tensor(w, requires_grad=True)
    loss = torch.mean((torch.tensor(problem.X[idx]) @ t - torch.tensor(problem.y[idx])) ** 2)
    loss.backward()
    assert problem.loss(w, idx) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(problem.grad(w, idx), t.grad.numpy(), rtol=1e-12)
    fd = numerical_gradient(lambda: problem.loss(w), w)
    np.testing.assert_allclose(problem.grad(w), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(problem.per_example_grads(w).mean(axis=0), problem.grad(w))


def test_the_stable_learning_rate_is_the_boundary_of_convergence(problem):
    eta = problem.max_stable_lr()
    below = train(problem, lambda p: SGD(p, lr=0.98 * eta), batch_size=problem.n, epochs=800)
    above = train(problem, lambda p: SGD(p, lr=1.02 * eta), batch_size=problem.n, epochs=800)
    assert below["diverged_at"] is None
    np.testing.assert_allclose(below["w"], problem.solution(), atol=1e-6)
    assert above["diverged_at"] is not None
    assert np.all(np.isfinite(above["step_loss"]))


@given(n=st.integers(1, 40), b=st.integers(1, 40), seed=st.integers(0, 100))
def test_minibatches_partition_the_examples_each_epoch(n, b, seed):
    if b > n:
        with pytest.raises(ValueError, match="batch_size"):
            list(minibatches(n, b, np.random.default_rng(seed)))
        return
    batches = list(minibatches(n, b, np.random.default_rng(seed)))
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    assert all(len(x) == b for x in batches[:-1]) and 1 <= len(batches[-1]) <= b
    assert len(batches) == -(-n // b)


@given(n=st.integers(2, 8), d=st.integers(1, 3), seed=st.integers(0, 1000))
def test_gradient_variance_formula_equals_the_average_over_every_batch(n, d, seed):
    G = np.random.default_rng(seed).normal(size=(n, d))
    g = G.mean(axis=0)
    for b in range(1, n + 1):
        exact = np.mean(
            [np.sum((G[list(c)].mean(axis=0) - g) ** 2) for c in combinations(range(n), b)]
        )
        assert minibatch_gradient_variance(G, b) == pytest.approx(exact, rel=1e-10, abs=1e-14)
    assert minibatch_gradient_variance(G, n) == 0.0


def test_training_records_one_loss_per_update_and_per_epoch(problem):
    out = train(problem, lambda p: SGD(p, lr=0.01), batch_size=7, epochs=3)
    per_epoch = -(-problem.n // 7)
    assert out["steps"] == 3 * per_epoch
    assert len(out["step_loss"]) == 3 * per_epoch + 1 and len(out["epoch_loss"]) == 4
    assert out["epoch_loss"][-1] < out["epoch_loss"][0]


def test_bad_input_is_refused(problem):
    with pytest.raises(ValueError, match="y"):
        LeastSquares(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="w"):
        problem.grad(np.zeros(3))
    with pytest.raises(ValueError, match="idx"):
        problem.grad(np.zeros(4), np.array([], dtype=int))
    with pytest.raises(ValueError, match="batch_size"):
        minibatch_gradient_variance(np.zeros((3, 2)), 4)


@pytest.fixture
def sparse_problem():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 12))
    w = np.zeros(12)
    w[:3] = [2.0, -1.0, 0.5]
    return LeastSquares(X, X @ w + 0.3 * rng.normal(size=60))


def test_l2_penalised_fit_reaches_the_ridge_solution(sparse_problem):
    p, lam = sparse_problem, 0.4
    w = penalised_fit(p, lam, penalty="l2", lr=0.1, steps=3000)
    # stationary point of L + (λ/2)‖w‖²: ((2/N) XᵀX + λI) w = (2/N) Xᵀ y
    A = 2.0 * p.X.T @ p.X / p.n + lam * np.eye(12)
    np.testing.assert_allclose(w, np.linalg.solve(A, 2.0 * p.X.T @ p.y / p.n), atol=1e-9)
    assert np.count_nonzero(w == 0.0) == 0


def test_l1_proximal_fit_satisfies_the_optimality_conditions(sparse_problem):
    p, lam = sparse_problem, 0.2
    w = penalised_fit(p, lam, penalty="l1", lr=0.1, steps=5000, method="proximal")
    g = p.grad(w)
    zero = w == 0.0
    assert zero.sum() >= 6, "L1 should zero most of the nine irrelevant weights"
    # subgradient condition: ∇L_j = −λ sign(w_j) where w_j ≠ 0, |∇L_j| ≤ λ where w_j = 0
    np.testing.assert_allclose(g[~zero], -lam * np.sign(w[~zero]), atol=1e-8)
    assert np.all(np.abs(g[zero]) <= lam + 1e-12)
    sub = penalised_fit(p, lam, penalty="l1", lr=0.1, steps=5000)
    assert np.count_nonzero(sub == 0.0) < zero.sum(), "subgradient steps rarely land on 0"


def test_penalised_fit_refuses_unknown_choices(sparse_problem):
    with pytest.raises(ValueError, match="penalty"):
        penalised_fit(sparse_problem, 0.1, penalty="l0", lr=0.1, steps=1)
    with pytest.raises(ValueError, match="method"):
        penalised_fit(sparse_problem, 0.1, penalty="l2", lr=0.1, steps=1, method="proximal")


def test_the_diabetes_problems_standardise_the_target_on_the_fitting_rows(diabetes):
    fit_p, val_p = diabetes_least_squares(diabetes)
    assert (fit_p.n, val_p.n) == (len(diabetes.y_fit), len(diabetes.y_val))
    np.testing.assert_array_equal(fit_p.X[:, -1], 1.0)  # the intercept's column
    np.testing.assert_allclose(fit_p.X[:, :-1], diabetes.X_fit, rtol=1e-7)
    # the statistics are taken in float32, the split's precision
    assert fit_p.y.mean() == pytest.approx(0.0, abs=1e-6)
    assert fit_p.y.std() == pytest.approx(1.0, rel=1e-6)
    # the validation target is scaled with the fitting rows' statistics, not its own
    mean, std = diabetes.y_fit.astype(float).mean(), diabetes.y_fit.astype(float).std()
    np.testing.assert_allclose(val_p.y, (diabetes.y_val - mean) / std, atol=1e-6)
    # a loss of 1 is "no better than the mean": the best linear fit does better
    assert fit_p.loss(np.zeros(fit_p.X.shape[1])) == pytest.approx(1.0, rel=1e-6)
    assert fit_p.loss(fit_p.solution()) < 0.6
