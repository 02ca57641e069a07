import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.formulas import linear, log_softmax, logsumexp, softmax


def test_linear_matches_torch_for_one_example_and_a_batch(rng):
    W, b = rng.normal(size=(4, 3)), rng.normal(size=4)
    a = rng.normal(size=3)
    A = rng.normal(size=(5, 3))
    ref = torch.nn.functional.linear
    np.testing.assert_allclose(linear(W, a, b), ref(*map(torch.tensor, (a, W, b))).numpy())
    np.testing.assert_allclose(linear(W, A, b), ref(*map(torch.tensor, (A, W, b))).numpy())
    np.testing.assert_allclose(linear(W, A), A @ W.T)


def test_linear_shape_errors_name_the_argument(rng):
    W = rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match=r"a: expected last dimension 3 .* got shape \(2,\)"):
        linear(W, np.ones(2))
    with pytest.raises(ValueError, match=r"b: expected shape \(4,\), got \(3,\)"):
        linear(W, np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="W: expected a 2-D array"):
        linear(np.ones(3), np.ones(3))


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
