"""The 3-10-5-2 MLP of 000 §4.5: the seeded example, the correct pass, its referees."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.verification import torch_dense_gradients
from bigmodel_lab.worked import mlp_3_10_5_2 as mlp


def torch_sum_loss_gradients(ex):
    Ws = [torch.tensor(W, requires_grad=True) for W in ex.W]
    bs = [torch.tensor(b, requires_grad=True) for b in ex.b]
    h1 = torch.relu(Ws[0] @ torch.tensor(ex.x) + bs[0])
    h2 = torch.relu(Ws[1] @ h1 + bs[1])
    p = torch.sigmoid(Ws[2] @ h2 + bs[2])
    y = torch.tensor(ex.y)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum()
    loss.backward()
    return loss.item(), [W.grad.numpy() for W in Ws], [b.grad.numpy() for b in bs]


@given(seed=st.integers(0, 10_000))
def test_hand_pass_matches_torch_autograd(seed):
    ex = mlp.make_example(seed)
    c = mlp.forward_backward(ex)
    loss, dW, db = torch_sum_loss_gradients(ex)
    assert c["L"] == pytest.approx(loss, rel=1e-12)
    for i in range(3):
        np.testing.assert_allclose(c[f"dW{i + 1}"], dW[i], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(c[f"db{i + 1}"], db[i], rtol=1e-10, atol=1e-14)


def test_sum_loss_gradients_are_twice_the_mean_loss_gradients_of_dense_network():
    ex = mlp.make_example()
    c = mlp.forward_backward(ex)
    net = mlp.network(ex)
    grads = net.backward(net.forward(ex.x), ex.y, "bce")
    assert c["L"] == pytest.approx(2 * grads.loss, rel=1e-13)
    _, t_dW, _ = torch_dense_gradients(net, ex.x, ex.y, "bce")
    for i in range(3):
        np.testing.assert_allclose(c[f"dW{i + 1}"], 2 * grads.dW[i], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(c[f"dW{i + 1}"], 2 * t_dW[i], rtol=1e-10, atol=1e-15)


def test_referee_tables_find_every_gradient_close():
    vs_torch, vs_fd = mlp.referee_tables(mlp.make_example())
    assert vs_torch["close"].all() and vs_fd["close"].all()
    assert set(vs_fd.index) == {"dW1", "db1", "dW2", "db2", "dW3", "db3"}


def test_the_seeded_example_is_small_and_hand_friendly():
    ex = mlp.make_example()
    for arr in (*ex.W, *ex.b, ex.x):
        np.testing.assert_allclose(arr * 10, np.round(arr * 10), atol=1e-9)  # one decimal
        assert np.all(np.abs(arr) <= 1.0)
        assert not np.any(np.signbit(arr) & (arr == 0))  # no -0.0
    assert mlp.hand_friendly(ex)
    c = mlp.forward_backward(ex)
    assert np.min(np.abs(np.concatenate([c["z1"], c["z2"]]))) >= mlp.MARGIN
    assert mlp.find_seed() == mlp.SEED


def test_tables_have_one_row_per_unit():
    ex = mlp.make_example()
    for layer, n in zip((1, 2, 3), mlp.SIZES[1:], strict=True):
        assert len(mlp.forward_table(ex, layer)) == n
        assert len(mlp.backward_table(ex, layer)) == n
    with pytest.raises(ValueError, match="layer: expected layer 1, 2 or 3"):
        mlp.forward_table(ex, 4)


def test_bad_examples_are_refused():
    ex = mlp.make_example()
    with pytest.raises(ValueError, match=r"ex.W\[1\]: expected shape \(5, 10\)"):
        mlp.forward_backward(mlp.Example(W=(ex.W[0], ex.W[1].T, ex.W[2]), b=ex.b, x=ex.x, y=ex.y))
    with pytest.raises(ValueError, match="ex.y: expected 0/1 targets"):
        mlp.forward_backward(mlp.Example(W=ex.W, b=ex.b, x=ex.x, y=np.array([0.5, 1.0])))
