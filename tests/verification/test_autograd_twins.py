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


# (twin, tolerance): torch in float64 agrees to rounding; the kernels compute in float32
TWINS = [(torch_dense_gradients, 1e-10), (kernel_dense_gradients, 1e-4)]


@pytest.mark.parametrize("twin, rtol", TWINS, ids=["torch float64", "kernels float32"])
@settings(max_examples=8)
@given(hidden=st.sampled_from(["relu", "sigmoid", "tanh"]), seed=st.integers(0, 50))
def test_each_twin_gives_the_hand_gradients(twin, rtol, hidden, seed):
    net, X, Y = _problem(hidden, seed)
    grads = net.backward(net.forward(X), Y, "bce")
    loss, dW, db = twin(net, X, Y, "bce")
    assert type(loss) is float and loss == pytest.approx(grads.loss, rel=rtol)
    for ref, mine in zip(dW + db, grads.dW + grads.db, strict=True):
        assert ref.dtype == np.float64
        np.testing.assert_allclose(ref, mine, rtol=rtol, atol=rtol / 100)


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
