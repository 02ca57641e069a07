"""Finite differences (bigmodel_lab.verification.finite_differences), the derivative-free referee."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.verification import numerical_gradient


def test_numerical_gradient_of_a_quadratic_is_exact_to_rounding(rng):
    A = rng.normal(size=(4, 4))
    A = A @ A.T
    x = rng.normal(size=4)
    num = numerical_gradient(lambda: 0.5 * x @ A @ x, x)
    np.testing.assert_allclose(num, A @ x, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_restores_the_parameters(rng):
    x = rng.normal(size=(2, 3))
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_the_central_difference_of_a_cubic_is_within_h_squared(a, b):
    x = np.array([a, b])
    num = numerical_gradient(lambda: float(np.sum(x**3)), x, h=1e-4)
    # the central difference of x^3 is 3x^2 + h^2 exactly, up to rounding
    np.testing.assert_allclose(num, 3 * x**2 + 1e-8, rtol=1e-6, atol=1e-6)


def test_a_step_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="h: the step must be positive"):
        numerical_gradient(lambda: 0.0, np.zeros(2), h=0.0)
