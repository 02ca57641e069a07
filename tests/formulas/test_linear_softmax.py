import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.checks import as_float_array
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


@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp])
@pytest.mark.parametrize("shape", [(0,), (3, 0)])
def test_an_empty_last_axis_is_refused_with_its_shape(fn, shape):
    with pytest.raises(ValueError, match=r"z: the last axis is empty \(shape"):
        fn(np.zeros(shape))


@pytest.mark.parametrize(
    "a",
    [
        np.array([1, 2, 3]),
        torch.tensor([1, 2, 3]),
        torch.tensor([True, False, True]),
        [1, 2, 3],
        [True, False, True],
    ],
    ids=["int ndarray", "int tensor", "bool tensor", "int list", "bool list"],
)
def test_linear_refuses_integer_and_boolean_data_in_any_container(a):
    with pytest.raises(ValueError, match=r"a: expected a floating-point array, got \w+ of dtype"):
        linear(np.ones((2, 3)), a)


def test_linear_accepts_float_tensors_lists_and_plain_numbers():
    W = np.ones((2, 3))
    expected = np.array([6.0, 6.0])
    np.testing.assert_array_equal(linear(W, torch.tensor([1.0, 2.0, 3.0])), expected)
    np.testing.assert_array_equal(linear(W, [1.0, 2.0, 3.0]), expected)
    np.testing.assert_array_equal(linear(W, [1.0, 2.0, 3.0], [0.0, 0.0]), expected)
    # a single number is a number, whichever type wrote it
    assert as_float_array("x", 2).dtype == as_float_array("x", np.int64(2)).dtype == np.float64
    with pytest.raises(ValueError, match="x: expected a floating-point array, got bool"):
        as_float_array("x", True)
