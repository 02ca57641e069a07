"""The 2-D surfaces' gradients (finite differences and autograd) and the trajectory runner."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.optim import SGD, Adam, Momentum
from bigmodel_lab.optim.surfaces import SURFACES, ill_conditioned, rosenbrock, run, saddle
from bigmodel_lab.verification import numerical_gradient

coords = st.floats(-2.0, 2.0)


@pytest.mark.parametrize("name", sorted(SURFACES))
@given(x=coords, y=coords)
def test_gradient_matches_autograd_and_finite_differences(name, x, y):
    surface = SURFACES[name]()
    theta = np.array([x, y])
    t = torch.tensor(theta, requires_grad=True)
    surface.value(t).backward()
    np.testing.assert_allclose(surface.grad(theta), t.grad.numpy(), rtol=1e-12, atol=1e-12)
    fd = numerical_gradient(lambda: surface.f(theta), theta, h=1e-6)
    np.testing.assert_allclose(surface.grad(theta), fd, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_minima_are_stationary_with_the_stated_value_and_lowest_nearby(name, rng):
    surface = SURFACES[name]()
    for m in surface.minima:
        m = np.array(m)
        np.testing.assert_allclose(surface.grad(m), 0.0, atol=1e-14)
        assert surface.f(m) == pytest.approx(surface.min_value, abs=1e-15)
        nearby = m + rng.normal(scale=0.05, size=(200, 2))
        assert np.all(surface.f(nearby) > surface.min_value)


def test_saddle_point_is_stationary_but_not_a_minimum():
    s = saddle()
    np.testing.assert_allclose(s.grad(np.zeros(2)), 0.0)
    assert s.f(np.array([0.0, 0.1])) < s.f(np.zeros(2)) < s.f(np.array([0.1, 0.0]))


def test_grid_evaluates_every_point():
    X, Y, Z = rosenbrock().grid(7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    assert Z[3, 4] == pytest.approx(rosenbrock().f(np.array([X[3, 4], Y[3, 4]])))


def test_gradient_descent_is_stable_below_two_over_b_and_diverges_above():
    surf = ill_conditioned(1.0, 20.0)
    ok = run(lambda p: SGD(p, lr=0.099), surf, 2000)
    bad = run(lambda p: SGD(p, lr=0.101), surf, 2000)
    assert ok.diverged_at is None and ok.losses[-1] < 1e-6
    assert bad.diverged_at is not None
    # the runner stops before overflow: every recorded value is finite
    assert np.all(np.isfinite(bad.points)) and len(bad.points) == bad.diverged_at


def test_runner_records_every_step_and_applies_a_schedule():
    surf = ill_conditioned()
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.01

    traj = run(lambda p: Momentum(p, lr=0.05), surf, 30, schedule=schedule)
    assert traj.points.shape == (31, 2) and traj.losses.shape == (31,)
    assert seen == list(range(30))
    np.testing.assert_array_equal(traj.points[0], surf.start)
    assert traj.losses[0] == surf.f(np.array(surf.start))


def test_adam_reaches_the_rosenbrock_minimum():
    traj = run(lambda p: Adam(p, lr=0.02), rosenbrock(), 5000)
    np.testing.assert_allclose(traj.final, [1.0, 1.0], atol=1e-3)


def test_bad_points_are_refused():
    with pytest.raises(ValueError, match="theta"):
        rosenbrock().f(np.zeros(3))
    with pytest.raises(ValueError, match="start"):
        run(lambda p: SGD(p, lr=0.1), saddle(), 5, start=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="steps"):
        run(lambda p: SGD(p, lr=0.1), saddle(), 0)
    with pytest.raises(ValueError, match="curvatures"):
        ill_conditioned(0.0, 1.0)
