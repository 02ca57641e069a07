"""L1/L2 penalties (gradients vs autograd and torch's weight_decay), soft-thresholding, dropout."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.optim import SGD, regularization as R

weights = arrays(
    np.float64, st.integers(1, 12), elements=st.floats(-5, 5).filter(lambda v: abs(v) > 1e-9)
)


@given(w=weights, lam=st.floats(0.0, 3.0))
def test_penalties_and_gradients_match_autograd(w, lam):
    t = torch.tensor(w, requires_grad=True)
    (lam * t.abs().sum()).backward()
    assert R.l1_penalty(w, lam) == pytest.approx(lam * np.abs(w).sum())
    np.testing.assert_allclose(R.l1_grad(w, lam), t.grad.numpy())
    t = torch.tensor(w, requires_grad=True)
    (0.5 * lam * (t**2).sum()).backward()
    assert R.l2_penalty(w, lam) == pytest.approx(0.5 * lam * (w**2).sum())
    # autograd forms (λ/2)·2w: for a subnormal λ (hypothesis tries 5e-324) λ/2 rounds to 0 while
    # λw does not, so agreement is relative down to the normal range and absolute below it
    np.testing.assert_allclose(R.l2_grad(w, lam), t.grad.numpy(), rtol=1e-12, atol=1e-300)


def test_l2_gradient_is_torch_weight_decay(rng):
    w0, g = rng.normal(size=5), rng.normal(size=5)
    w = w0.copy()
    SGD([w], lr=0.1).step([g + R.l2_grad(w, 0.3)])
    tw = torch.tensor(w0, requires_grad=True)
    opt = torch.optim.SGD([tw], lr=0.1, weight_decay=0.3)
    tw.grad = torch.tensor(g)
    opt.step()
    np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-14)


@given(w=weights, tau=st.floats(0.0, 3.0))
def test_soft_threshold_is_the_proximal_step_of_l1(w, tau):
    out = R.soft_threshold(w, tau)
    # prox: argmin_u ½(u − w)² + τ|u|, checked against a fine grid for each coordinate
    grid = np.linspace(-8, 8, 160001)
    for wi, oi in zip(w, out, strict=True):
        best = grid[np.argmin(0.5 * (grid - wi) ** 2 + tau * np.abs(grid))]
        assert oi == pytest.approx(best, abs=2e-4)
    assert np.all(out[np.abs(w) <= tau] == 0.0)


def test_dropout_zeroes_a_fraction_p_and_preserves_the_mean(rng):
    a = np.ones((400, 500))
    out, mask = R.dropout(a, 0.3, rng)
    assert set(np.unique(out)) == {0.0, 1.0 / 0.7}
    assert abs(1.0 - mask.mean() - 0.3) < 0.005
    assert abs(out.mean() - 1.0) < 0.01
    same, ones = R.dropout(a, 0.3, rng, training=False)
    assert np.array_equal(same, a) and np.all(ones == 1)


def test_bad_arguments_are_refused(rng):
    with pytest.raises(ValueError, match="lam"):
        R.l1_penalty(np.ones(2), -1.0)
    with pytest.raises(ValueError, match="p:"):
        R.dropout(np.ones(2), 1.0, rng)
    with pytest.raises(TypeError, match="rng"):
        R.dropout(np.ones(2), 0.5, 0)
    with pytest.raises(ValueError, match="w"):
        R.l2_grad(np.array([np.inf]), 1.0)
