"""Softmax, log-softmax and the softmax vector-Jacobian product (bigmodel_lab.formulas.softmax)."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.formulas import log_softmax, logsumexp, softmax, softmax_vjp

rows = arrays(
    np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=st.floats(-50, 50)
)


@given(z=rows)
def test_softmax_and_log_softmax_match_torch(z):
    t = torch.tensor(z)
    np.testing.assert_allclose(softmax(z), torch.softmax(t, -1).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(
        log_softmax(z), torch.log_softmax(t, -1).numpy(), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(logsumexp(z), torch.logsumexp(t, -1).numpy(), rtol=1e-12)


@given(z=rows, shift=st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant_and_normalised(z, shift):
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + shift), p, atol=1e-9)


def test_softmax_does_not_overflow_on_huge_logits():
    z = np.array([1e4, -1e4, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = softmax(z)
        lp = log_softmax(z)
    assert p[0] == 1.0 and np.all(np.isfinite(lp)) and lp[0] == 0.0


@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp])
@pytest.mark.parametrize("shape", [(0,), (3, 0)])
def test_an_empty_last_axis_is_refused_with_its_shape(fn, shape):
    with pytest.raises(ValueError, match=r"z: the last axis is empty \(shape"):
        fn(np.zeros(shape))


@given(z=rows, seed=st.integers(0, 99))
def test_the_vector_jacobian_product_matches_autograd(z, seed):
    g = np.random.default_rng(seed).normal(size=z.shape)
    t = torch.tensor(z, requires_grad=True)
    (torch.softmax(t, -1) * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(softmax_vjp(z, g), t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_a_constant_upstream_gradient_has_no_effect():
    """Softmax is unchanged by adding a constant to every output's loss weight: y sums to 1."""
    z = np.array([[1.0, -2.0, 0.5]])
    np.testing.assert_allclose(softmax_vjp(z, np.full((1, 3), 7.0)), 0.0, atol=1e-15)
    with pytest.raises(ValueError, match=r"g: expected the shape of z, \(1, 3\), got \(3,\)"):
        softmax_vjp(z, np.ones(3))
