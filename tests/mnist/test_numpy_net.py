"""The hand-written 784-500-10 sigmoid network: gradients against two referees, update rules."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.mnist.numpy_net import CORRECTED, SigmoidMLP, UpdateRule, train
from bigmodel_lab.verification import numerical_gradient


def small_problem(seed: int, n: int = 7, sizes=(6, 5, 4)):
    rng = np.random.default_rng(seed)
    net = SigmoidMLP.initialise(sizes, seed=seed)
    X = rng.normal(size=(n, sizes[0]))
    labels = rng.integers(0, sizes[2], size=n)
    return net, X, labels


def torch_gradients(net: SigmoidMLP, X, labels):
    """Loss and gradients from torch autograd, written with torch's own ops (float64)."""
    params = {
        k: torch.tensor(getattr(net, k), requires_grad=True) for k in ("W1", "b1", "W2", "b2")
    }
    x = torch.tensor(X)
    a1 = torch.sigmoid(x @ params["W1"].T + params["b1"])
    z2 = a1 @ params["W2"].T + params["b2"]
    y = torch.nn.functional.one_hot(torch.tensor(labels), net.sizes[2]).double()
    per_output = torch.nn.functional.binary_cross_entropy_with_logits(z2, y, reduction="none")
    loss = per_output.sum(dim=1).mean()  # summed over outputs, averaged over examples
    loss.backward()
    return loss.item(), {k: p.grad.numpy() for k, p in params.items()}


@given(st.integers(0, 10_000))
def test_gradients_match_torch_autograd(seed):
    net, X, labels = small_problem(seed)
    g = net.gradients(X, labels)
    loss, ref = torch_gradients(net, X, labels)
    assert g["loss"] == pytest.approx(loss, rel=1e-12)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(g[k], ref[k], rtol=1e-10, atol=1e-14)


def test_gradients_match_finite_differences():
    net, X, labels = small_problem(3)
    g = net.gradients(X, labels)
    for k in ("W1", "b1", "W2", "b2"):
        num = numerical_gradient(lambda: net.loss(X, labels), getattr(net, k))
        np.testing.assert_allclose(g[k], num, rtol=1e-6, atol=1e-9)


def test_gradients_equal_the_dense_network_reference_times_the_outputs():
    """DenseNetwork's "bce" averages over all N·K elements; ours sums over the K outputs."""
    net, X, labels = small_problem(5)
    dense = net.to_dense()
    Y = np.eye(net.sizes[2])[labels]
    ref = dense.backward(dense.forward(X), Y, "bce")
    g = net.gradients(X, labels)
    k = net.sizes[2]
    np.testing.assert_allclose(g["W1"], k * ref.dW[0], rtol=1e-10)
    np.testing.assert_allclose(g["W2"], k * ref.dW[1], rtol=1e-10)
    np.testing.assert_allclose(g["b2"], k * ref.db[1], rtol=1e-10)
    assert g["loss"] == pytest.approx(k * ref.loss, rel=1e-12)


def test_the_printed_derivative_changes_only_the_hidden_layer():
    net, X, labels = small_problem(11)
    right = net.gradients(X, labels)
    wrong = net.gradients(X, labels, hidden_derivative="sigmoid'(a)")
    np.testing.assert_array_equal(right["W2"], wrong["W2"])
    np.testing.assert_array_equal(right["b2"], wrong["b2"])
    assert not np.allclose(right["W1"], wrong["W1"])
    # σ'(a) lies in [σ'(1), σ'(0)] = [0.196, 0.25] for a in [0, 1], so it never vanishes
    a1 = net.forward(X)[1]
    d2 = (net.forward(X)[3] - np.eye(net.sizes[2])[labels]) / len(labels)
    s = 1 / (1 + np.exp(-a1))
    np.testing.assert_allclose(wrong["W1"], ((d2 @ net.W2) * s * (1 - s)).T @ X, rtol=1e-12)


@given(st.integers(0, 10_000))
def test_a_small_descending_step_lowers_the_loss_and_the_printed_sign_raises_it(seed):
    net, X, labels = small_problem(seed)
    before = net.loss(X, labels)
    down, up = net.copy(), net.copy()
    down.step(X, labels, UpdateRule(lr=1e-3))
    up.step(X, labels, UpdateRule(sign=+1, lr=1e-3))
    assert down.loss(X, labels) < before < up.loss(X, labels)


def test_step_returns_the_loss_before_the_update_and_changes_every_parameter():
    net, X, labels = small_problem(2)
    old = net.copy()
    assert net.step(X, labels, UpdateRule(sign=+1, lr=1.0)) == pytest.approx(old.loss(X, labels))
    for k in ("W1", "b1", "W2", "b2"):
        assert not np.array_equal(getattr(net, k), getattr(old, k))


def test_training_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=3.0, size=(3, 8))
    labels = rng.integers(0, 3, size=600)
    X = centres[labels] + rng.normal(size=(600, 8))
    net = SigmoidMLP.initialise((8, 16, 3), seed=0)
    assert net.accuracy(X, labels) < 0.6
    curve = train(
        net,
        X,
        labels,
        epochs=5,
        batch_size=20,
        rule=UpdateRule(lr=0.5),
        monitor=(X, labels),
        every=30,
    )
    steps = 5 * (600 // 20)
    assert len(curve) == 1 + steps // 30
    assert curve[-1][1] < 0.5 * curve[0][1]
    assert net.accuracy(X, labels) > 0.95


def test_training_without_a_monitor_records_recent_batch_losses():
    net, X, labels = small_problem(1, n=40)
    curve = train(net, X, labels, epochs=2, batch_size=4, every=5)
    assert [s for s, _ in curve] == [5, 10, 15, 20]
    assert all(np.isfinite(v) for _, v in curve)


def test_training_is_repeatable_for_a_seed():
    a, X, labels = small_problem(4, n=30)
    b = a.copy()
    train(a, X, labels, epochs=2, batch_size=4, seed=9)
    train(b, X, labels, epochs=2, batch_size=4, seed=9)
    np.testing.assert_array_equal(a.W1, b.W1)


def test_predict_in_chunks_equals_one_pass():
    net, X, _ = small_problem(6, n=25)
    assert np.array_equal(net.predict(X, batch_size=4), net.predict(X))


def test_initialisation_is_seeded_and_float32_is_kept():
    a = SigmoidMLP.initialise(seed=1, dtype=np.float32)
    b = SigmoidMLP.initialise(seed=1, dtype=np.float32)
    assert a.W1.dtype == np.float32 and a.sizes == (784, 500, 10)
    np.testing.assert_array_equal(a.W1, b.W1)
    X = np.zeros((2, 784), dtype=np.float32)
    a.step(X, np.array([1, 2]), CORRECTED)
    assert a.W1.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sign=0), "sign"),
        (dict(lr=0.0), "lr"),
        (dict(lr=float("inf")), "lr"),
        (dict(hidden_derivative="a"), "hidden_derivative"),
    ],
)
def test_bad_update_rules_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        UpdateRule(**kwargs)


def test_bad_inputs_are_refused_with_their_names():
    net, X, labels = small_problem(0)
    with pytest.raises(ValueError, match="X: expected shape"):
        net.loss(X[:, :3], labels)
    with pytest.raises(ValueError, match="labels: expected 7 labels"):
        net.loss(X, labels[:3])
    with pytest.raises(ValueError, match="labels must lie in"):
        net.loss(X, labels + 10)
    with pytest.raises(ValueError, match="NaN"):
        net.loss(np.full_like(X, np.nan), labels)
    with pytest.raises(ValueError, match="batch_size"):
        train(net, X, labels, batch_size=0)
    with pytest.raises(ValueError, match="W2: expected shape"):
        SigmoidMLP(net.W1, net.b1, net.W2[:, :2], net.b2)
