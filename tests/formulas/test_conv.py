"""Convolution and max-pooling in NumPy and their gradients (bigmodel_lab.formulas.conv).

The kernels are checked against these formulas in tests/kernels; here the formulas meet the
referees that need no kernel: finite differences and torch.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from assertions import assert_raises

from bigmodel_lab.formulas import conv2d, conv2d_grad, max_pool2d, max_pool2d_grad
from bigmodel_lab.verification import numerical_gradient


def test_convolution_gradients_match_finite_differences(rng):
    x = rng.normal(size=(2, 2, 5, 4))
    w = rng.normal(size=(3, 2, 3, 2))
    b = rng.normal(size=3)
    g = rng.normal(size=(2, 3, 3, 3))

    def loss():  # L = Σ g ⊙ y, so that ∂L/∂y = g
        return float(np.sum(g * conv2d(x, w, b)))

    dx, dw, db = conv2d_grad(x, w, g)
    for name, hand, theta in (("dx", dx, x), ("dw", dw, w), ("db", db, b)):
        numeric = numerical_gradient(loss, theta)
        assert np.allclose(hand, numeric, rtol=1e-6, atol=1e-8), name


def test_convolution_refuses_bad_shapes():
    x = np.zeros((1, 2, 4, 4))
    assert_raises(lambda: conv2d(x, np.zeros((1, 3, 2, 2))), ValueError, "channels")
    assert_raises(
        lambda: conv2d_grad(x, np.zeros((1, 2, 2, 2)), np.zeros((1, 1, 2, 2))),
        ValueError,
        "g",
        "(1, 1, 3, 3)",
    )


def test_max_pooling_gradient_matches_finite_differences(rng):
    x = rng.permutation(60).reshape(1, 2, 6, 5).astype(np.float64)  # distinct values: no ties
    g = rng.normal(size=(1, 2, 3, 2))
    numeric = numerical_gradient(lambda: float(np.sum(g * max_pool2d(x, 2))), x)
    assert np.allclose(max_pool2d_grad(x, g, 2), numeric, atol=1e-8)


@pytest.mark.parametrize("k", [2, 3])
def test_both_formulas_match_torch(rng, k):
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    xt = torch.tensor(x)
    np.testing.assert_allclose(
        conv2d(x, w, b),
        F.conv2d(xt, torch.tensor(w), torch.tensor(b)).numpy(),
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_array_equal(max_pool2d(x, k), F.max_pool2d(xt, k).numpy())
