import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.formulas import DenseNetwork, one_hot
from bigmodel_lab.verification import numerical_gradient, torch_dense_gradients

CASES = [
    # sizes, activations, loss
    ([3, 10, 5, 2], ["relu", "relu", "sigmoid"], "bce"),
    ([2, 3, 1], ["sigmoid", "sigmoid"], "mse"),
    ([4, 6, 3], ["tanh", "softmax"], "cce"),
    ([5, 1], ["identity"], "mse"),
]


def data_for(sizes, loss, rng, n=4):
    X = rng.normal(size=(n, sizes[0]))
    if loss == "cce":
        Y = one_hot(rng.integers(0, sizes[-1], size=n), sizes[-1])
    elif loss == "bce":
        Y = (rng.uniform(size=(n, sizes[-1])) > 0.5).astype(float)
    else:
        Y = rng.normal(size=(n, sizes[-1]))
    return X, Y


@pytest.mark.parametrize("sizes, acts, loss", CASES)
@given(seed=st.integers(0, 10_000))
def test_backward_matches_torch_autograd(sizes, acts, loss, seed):
    rng = np.random.default_rng(seed)
    net = DenseNetwork.initialise(sizes, acts, seed=seed)
    X, Y = data_for(sizes, loss, rng)
    grads = net.backward(net.forward(X), Y, loss)
    value, dW, db = torch_dense_gradients(net, X, Y, loss)
    assert grads.loss == pytest.approx(value, rel=1e-12)
    for ours, ref in zip(grads.dW + grads.db, dW + db, strict=True):
        np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("sizes, acts, loss", CASES)
def test_backward_matches_finite_differences(sizes, acts, loss, rng):
    net = DenseNetwork.initialise(sizes, acts, seed=1)
    X, Y = data_for(sizes, loss, rng)
    grads = net.backward(net.forward(X), Y, loss)
    for param, grad in zip(net.weights + net.biases, grads.dW + grads.db, strict=True):
        num = numerical_gradient(lambda: net.loss(X, Y, loss), param)
        np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_trace_keeps_every_intermediate_with_the_right_shapes(rng):
    net = DenseNetwork.initialise([3, 10, 5, 2], ["relu", "relu", "sigmoid"], seed=0)
    X, Y = data_for([3, 10, 5, 2], "bce", rng, n=7)
    trace = net.forward(X)
    grads = net.backward(trace, Y, "bce")
    assert [a.shape for a in trace.a] == [(7, 3), (7, 10), (7, 5), (7, 2)]
    assert [z.shape for z in trace.z] == [(7, 10), (7, 5), (7, 2)]
    assert [d.shape for d in grads.delta] == [(7, 10), (7, 5), (7, 2)]
    assert [w.shape for w in grads.dW] == [W.shape for W in net.weights]
    assert [b.shape for b in grads.db] == [b.shape for b in net.biases]


def test_a_small_step_against_the_gradient_lowers_the_loss(rng):
    net = DenseNetwork.initialise([4, 8, 3], ["tanh", "softmax"], seed=3)
    X, Y = data_for([4, 8, 3], "cce", rng, n=10)
    grads = net.backward(net.forward(X), Y, "cce")
    assert net.step(grads, lr=0.1).loss(X, Y, "cce") < grads.loss


def test_one_example_as_a_vector_equals_a_batch_of_one(rng):
    net = DenseNetwork.initialise([3, 4, 2], ["relu", "sigmoid"], seed=0)
    x = rng.normal(size=3)
    np.testing.assert_array_equal(net.forward(x).output, net.forward(x[None, :]).output)


def test_bad_set_ups_give_clear_errors():
    with pytest.raises(ValueError, match=r"W\^\(2\).*expected 4 input columns"):
        DenseNetwork(
            [np.ones((4, 3)), np.ones((2, 5))], [np.zeros(4), np.zeros(2)], ["relu", "sigmoid"]
        )
    with pytest.raises(ValueError, match=r"b\^\(1\).*expected shape \(4,\)"):
        DenseNetwork([np.ones((4, 3))], [np.zeros(3)], ["relu"])
    with pytest.raises(ValueError, match="softmax is supported only on the output layer"):
        DenseNetwork.initialise([3, 4, 2], ["softmax", "sigmoid"])
    net = DenseNetwork.initialise([3, 4, 2], ["relu", "sigmoid"])
    with pytest.raises(ValueError, match=r"X: expected 3 features per example, got shape \(2, 5\)"):
        net.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"Y: expected shape \(1, 2\), got \(1, 3\)"):
        net.backward(net.forward(np.ones(3)), np.ones(3), "bce")
    with pytest.raises(ValueError, match="learning rate must be positive"):
        net.step(net.backward(net.forward(np.ones(3)), np.array([1.0, 0.0]), "bce"), lr=0)


@pytest.mark.parametrize(
    "acts, loss",
    [
        (["relu", "identity"], "cce"),  # gave -1.0986 with no error
        (["relu", "sigmoid"], "cce"),  # gave 0.728
        (["relu", "softmax"], "bce"),
        (["relu", "identity"], "bce"),
    ],
)
def test_a_loss_that_does_not_fit_the_output_activation_is_refused(acts, loss):
    net = DenseNetwork.initialise([2, 3, 3], acts, seed=0)
    X, Y = np.ones((1, 2)), np.array([[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=rf"loss: '{loss}' needs a \w+ output layer.*{acts[-1]}"):
        net.backward(net.forward(X), Y, loss)
    with pytest.raises(ValueError, match=rf"loss: '{loss}' needs a \w+ output layer"):
        net.loss(X, Y, loss)


@pytest.mark.parametrize("sizes", [[0, 4, 2], [3, 0, 2], [3, 4.0, 2], [3, -1, 2]])
def test_initialise_refuses_layer_sizes_that_are_not_positive_whole_numbers(sizes):
    with pytest.raises(ValueError, match=r"sizes\[\d\]: every layer needs a positive whole number"):
        DenseNetwork.initialise(sizes, ["relu", "sigmoid"])
