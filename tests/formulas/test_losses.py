import numpy as np
import pytest
import torch
import torch.nn.functional as F

from bigmodel_lab.formulas import losses as L, sigmoid, softmax
from bigmodel_lab.verification import numerical_gradient


def torch_value_and_grad(fn, x, *rest):
    t = torch.tensor(x, requires_grad=True)
    value = fn(t, *(torch.tensor(r) for r in rest))
    value.backward()
    return value.item(), t.grad.numpy()


def assert_matches(ours, ours_grad, ref, x, *rest):
    value, grad = torch_value_and_grad(ref, x, *rest)
    assert ours(x, *rest) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(ours_grad(x, *rest), grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 4)])
def test_mse_and_its_gradient_match_torch(rng, shape):
    assert_matches(L.mse, L.mse_grad, F.mse_loss, rng.normal(size=shape), rng.normal(size=shape))


@pytest.mark.parametrize("shape", [(1,), (6,), (4, 3)])
def test_binary_cross_entropy_matches_torch(rng, shape):
    p = rng.uniform(0.01, 0.99, size=shape)
    y = (rng.uniform(size=shape) > 0.5).astype(float)
    assert_matches(
        L.binary_cross_entropy, L.binary_cross_entropy_grad, F.binary_cross_entropy, p, y
    )


@pytest.mark.parametrize("scale", [1.0, 50.0, 1e4])
def test_bce_with_logits_matches_torch_and_stays_finite(rng, scale):
    z = rng.normal(scale=scale, size=(5, 2))
    y = (rng.uniform(size=(5, 2)) > 0.5).astype(float)
    assert_matches(
        L.binary_cross_entropy_with_logits,
        L.binary_cross_entropy_with_logits_grad,
        F.binary_cross_entropy_with_logits,
        z,
        y,
    )


def test_bce_from_logits_equals_bce_of_sigmoid(rng):
    z = rng.normal(size=8)
    y = (rng.uniform(size=8) > 0.5).astype(float)
    assert L.binary_cross_entropy_with_logits(z, y) == pytest.approx(
        L.binary_cross_entropy(sigmoid(z), y), rel=1e-12
    )


def test_softmax_cross_entropy_matches_torch_and_gradient_is_p_minus_y_over_n(rng):
    Z = rng.normal(scale=3.0, size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    Y = L.one_hot(labels, 4)
    ref_value, ref_grad = torch_value_and_grad(
        lambda t: F.cross_entropy(t, torch.tensor(labels)), Z
    )
    assert L.softmax_cross_entropy(Z, Y) == pytest.approx(ref_value, rel=1e-12)
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(Z, Y), ref_grad, atol=1e-15)
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(Z, Y), (softmax(Z) - Y) / 6)


def test_categorical_cross_entropy_chain_rule_through_softmax(rng):
    # dL/dP from categorical_cross_entropy_grad, pushed through softmax's Jacobian, is (P - Y)/N
    Z = rng.normal(size=(3, 5))
    Y = L.one_hot(np.array([0, 4, 2]), 5)
    P = softmax(Z)
    g = L.categorical_cross_entropy_grad(P, Y)
    via_jacobian = P * (g - np.sum(g * P, axis=1, keepdims=True))
    np.testing.assert_allclose(via_jacobian, L.softmax_cross_entropy_grad(Z, Y), atol=1e-15)
    assert L.categorical_cross_entropy(P, Y) == pytest.approx(L.softmax_cross_entropy(Z, Y))


@pytest.mark.parametrize(
    "loss, grad",
    [
        (L.mse, L.mse_grad),
        (L.binary_cross_entropy_with_logits, L.binary_cross_entropy_with_logits_grad),
    ],
)
def test_gradients_match_finite_differences(rng, loss, grad):
    x = rng.normal(size=(3, 2))
    y = (rng.uniform(size=(3, 2)) > 0.5).astype(float)
    np.testing.assert_allclose(numerical_gradient(lambda: loss(x, y), x), grad(x, y), atol=1e-8)


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="same shape"):
        L.mse(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        L.binary_cross_entropy(np.array([0.0, 0.5]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        L.one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="integer class labels"):
        L.one_hot(np.array([0.0, 1.0]), 3)
    with pytest.raises(ValueError, match="probability distribution"):
        L.softmax_cross_entropy(np.zeros((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="binary targets"):
        L.binary_cross_entropy_with_logits(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match="empty"):
        L.mse(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="NaN"):
        L.mse(np.array([np.nan]), np.array([0.0]))


@pytest.mark.parametrize(
    "P",
    [
        [[2.0, 0.5]],  # logits: the "cross-entropy" was -0.693
        [[-0.2, 1.2]],  # negative and above 1, yet summing to 1
        [[0.3, 0.3]],  # in [0, 1] but not summing to 1
    ],
)
@pytest.mark.parametrize("fn", [L.categorical_cross_entropy, L.categorical_cross_entropy_grad])
def test_categorical_cross_entropy_refuses_what_is_not_a_distribution(fn, P):
    with pytest.raises(
        ValueError, match=r"P: each row must be a probability distribution.*softmax"
    ):
        fn(np.array(P), np.array([[1.0, 0.0]]))


def test_categorical_cross_entropy_accepts_zeros_where_the_target_is_zero():
    assert L.categorical_cross_entropy(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) == 0.0


@pytest.mark.parametrize("n_classes", [3.0, "3", True])
def test_one_hot_refuses_a_class_count_that_is_not_a_whole_number(n_classes):
    with pytest.raises(ValueError, match=r"n_classes: expected a whole number of classes"):
        L.one_hot(np.array([0, 2]), n_classes)


def test_one_hot_needs_at_least_one_class():
    with pytest.raises(ValueError, match="n_classes: expected at least 1 class"):
        L.one_hot(np.array([], dtype=int), 0)


def test_the_bce_target_gradient_matches_autograd_and_finite_differences(rng):
    z, y = rng.normal(size=(4, 3)) * 3, rng.uniform(size=(4, 3))
    yt = torch.tensor(y, requires_grad=True)
    F.binary_cross_entropy_with_logits(torch.tensor(z), yt).backward()
    mine = L.binary_cross_entropy_with_logits_target_grad(z, y)
    np.testing.assert_allclose(mine, yt.grad.numpy(), rtol=1e-12, atol=1e-15)
    numeric = numerical_gradient(lambda: L.binary_cross_entropy_with_logits(z, y), y)
    np.testing.assert_allclose(mine, numeric, rtol=1e-6, atol=1e-9)
