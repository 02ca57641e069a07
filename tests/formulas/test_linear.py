"""The linear map z = W a + b and its backward pass (bigmodel_lab.formulas.linear)."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.checks import as_float_array
from bigmodel_lab.formulas import linear, linear_grad


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


@given(
    n=st.integers(1, 5), n_in=st.integers(1, 6), n_out=st.integers(1, 4), seed=st.integers(0, 99)
)
def test_the_backward_pass_matches_autograd(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    W, A, b, delta = (rng.normal(size=s) for s in ((n_out, n_in), (n, n_in), n_out, (n, n_out)))
    Wt, At, bt = (torch.tensor(v, requires_grad=True) for v in (W, A, b))
    (torch.nn.functional.linear(At, Wt, bt) * torch.tensor(delta)).sum().backward()
    dA, dW, db = linear_grad(W, A, delta)
    for name, mine, ref in (("a", dA, At.grad), ("W", dW, Wt.grad), ("b", db, bt.grad)):
        np.testing.assert_allclose(mine, ref.numpy(), rtol=1e-12, atol=1e-12, err_msg=name)


def test_the_backward_pass_of_one_example_keeps_its_shape(rng):
    W, a, delta = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=4)
    da, dW, db = linear_grad(W, a, delta)
    assert da.shape == (3,) and dW.shape == (4, 3) and db.shape == (4,)
    np.testing.assert_allclose(dW, np.outer(delta, a))
    with pytest.raises(ValueError, match=r"delta: expected shape \(1, 4\), got \(1, 2\)"):
        linear_grad(W, a, np.ones(2))
