import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.formulas import activations as A
from bigmodel_lab.verification import numerical_gradient

finite = arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30))
TORCH = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "identity": lambda t: t}


@pytest.mark.parametrize("name", sorted(A.ACTIVATIONS))
@given(z=finite)
def test_value_and_derivative_match_torch(name, z):
    f, f_prime = A.get_activation(name)
    t = torch.tensor(z, requires_grad=True)
    out = TORCH[name](t)
    out.sum().backward()
    np.testing.assert_allclose(f(z), out.detach().numpy(), rtol=1e-12, atol=1e-300)
    # 1 - tanh(z)^2 cancels for large |z|: compare with an absolute floor there
    np.testing.assert_allclose(f_prime(z), t.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_derivative_matches_finite_differences(name, rng):
    f, f_prime = A.get_activation(name)
    z = rng.normal(scale=3.0, size=7)
    for j in range(z.size):
        zj = z[j : j + 1].copy()
        num = numerical_gradient(lambda zj=zj: float(f(zj)[0]), zj)
        assert abs(num[0] - f_prime(z[j : j + 1])[0]) < 1e-7


def test_relu_derivative_away_from_the_kink_matches_finite_differences(rng):
    z = rng.normal(size=50)
    z = z[np.abs(z) > 1e-3]
    num = (A.relu(z + 1e-6) - A.relu(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(A.relu_grad(z), num, atol=1e-9)


def test_relu_derivative_at_zero_is_zero_like_torch():
    t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    torch.relu(t).sum().backward()
    assert A.relu_grad(np.zeros(1))[0] == t.grad.item() == 0.0


def test_sigmoid_is_stable_for_huge_inputs():
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = A.sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5


@pytest.mark.parametrize("bad", [np.array([1, 2, 3]), np.array([True, False])])
def test_integer_or_bool_arrays_are_refused(bad):
    with pytest.raises(ValueError, match="z: expected a floating-point array"):
        A.sigmoid(bad)


def test_nan_is_refused_with_a_count():
    with pytest.raises(ValueError, match="1 NaN or infinite"):
        A.relu(np.array([0.0, np.nan]))


def test_unknown_activation_lists_the_choices():
    with pytest.raises(ValueError, match="choose one of"):
        A.get_activation("gelu")
