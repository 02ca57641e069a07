"""The twins of DenseNetwork (bigmodel_lab.verification.autograd_twins): torch autograd in float64
and the Triton kernels in float32 give the hand-derived gradients."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from bigmodel_lab.formulas import DenseNetwork
from bigmodel_lab.verification import kernel_dense_gradients, torch_dense_gradients


def _problem(hidden, seed, n=5):
    rng = np.random.default_rng(seed)
    net = DenseNetwork.initialise([3, 4, 2], [hidden, "sigmoid"], seed=seed)
    X = rng.normal(size=(n, 3))
    Y = (rng.uniform(size=(n, 2)) > 0.5).astype(float)
    return net, X, Y


@given(hidden=st.sampled_from(["relu", "sigmoid", "tanh"]), seed=st.integers(0, 50))
def test_the_torch_twin_gives_the_hand_gradients(hidden, seed):
    net, X, Y = _problem(hidden, seed)
    grads = net.backward(net.forward(X), Y, "bce")
    loss, dW, db = torch_dense_gradients(net, X, Y, "bce")
    assert loss == pytest.approx(grads.loss, rel=1e-12)
    for mine, ref in zip(grads.dW + grads.db, dW + db, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-13)


@settings(max_examples=6)
@given(hidden=st.sampled_from(["relu", "sigmoid", "tanh"]), seed=st.integers(0, 50))
def test_the_kernel_twin_gives_the_hand_gradients_to_float32_precision(hidden, seed):
    net, X, Y = _problem(hidden, seed)
    grads = net.backward(net.forward(X), Y, "bce")
    loss, dW, db = kernel_dense_gradients(net, X, Y, "bce")
    assert loss == pytest.approx(grads.loss, rel=1e-5)
    for mine, ref in zip(grads.dW + grads.db, dW + db, strict=True):
        assert ref.dtype == np.float64
        np.testing.assert_allclose(ref, mine, rtol=1e-4, atol=1e-6)


def test_what_the_twins_cannot_compute_is_refused():
    net, X, Y = _problem("relu", 0)
    with pytest.raises(ValueError, match="loss: unknown name 'hinge'"):
        torch_dense_gradients(net, X, Y, "hinge")
    with pytest.raises(ValueError, match="the kernels compute a sigmoid output"):
        kernel_dense_gradients(net, X, Y, "mse")
    softmax_net = DenseNetwork.initialise([3, 2], ["softmax"], seed=0)
    with pytest.raises(ValueError, match="the kernels compute a sigmoid output"):
        kernel_dense_gradients(softmax_net, X, Y, "bce")
    identity_hidden = DenseNetwork.initialise([3, 4, 2], ["identity", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="hidden activations must be among"):
        kernel_dense_gradients(identity_hidden, X, Y, "bce")
