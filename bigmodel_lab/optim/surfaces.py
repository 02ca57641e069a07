"""Two-dimensional loss surfaces (损失曲面) for watching optimisers move, and the runner.

Each surface is a function f(θ) of θ = (x, y) with a hand-written gradient. The formulas use
only arithmetic operators, so the same ``value`` works on NumPy arrays of shape (..., 2) (for
contour grids) and on torch tensors (for autograd as a referee in the tests).

- ``ill_conditioned``: f = ½(a x² + b y²), a long narrow valley; its condition number
  b / a sets how much plain gradient descent zig-zags. Minimum 0 at (0, 0).
- ``rosenbrock``: f = (1 − x)² + 100 (y − x²)², a curved banana valley. Minimum 0 at (1, 1).
- ``saddle``: f = ½x² + ¼y⁴ − ½y², a saddle point at (0, 0) between two minima
  f = −¼ at (0, ±1). Started near y = 0, gradient descent lingers at the saddle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..checks import as_float_array, check_positive_int


@dataclass(frozen=True)
class Surface:
    """A loss surface: value f(θ), gradient ∇f(θ), where its minima are, a start and a view."""

    name: str
    formula: str
    value: Callable
    gradient: Callable
    minima: tuple[tuple[float, float], ...]
    min_value: float
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    params: dict = field(default_factory=dict)

    def f(self, theta):
        """f(θ) for θ of shape (2,) (a float) or (..., 2) (an array of values)."""
        theta = _theta(theta)
        out = self.value(theta)
        return float(out) if theta.ndim == 1 else out

    def grad(self, theta) -> np.ndarray:
        """∇f(θ), the same shape as θ."""
        return self.gradient(_theta(theta))

    def grid(self, n: int = 200):
        """X, Y, Z on an n × n grid over the view, for contour plots."""
        xs = np.linspace(*self.xlim, n)
        ys = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(xs, ys)
        return X, Y, self.value(np.stack([X, Y], axis=-1))


def _theta(theta) -> np.ndarray:
    theta = as_float_array("theta", theta)
    if theta.ndim == 0 or theta.shape[-1] != 2:
        raise ValueError(
            f"theta: expected a point (x, y) of shape (2,) or points of shape "
            f"(..., 2), got shape {theta.shape}."
        )
    return theta


def ill_conditioned(a: float = 1.0, b: float = 20.0) -> Surface:
    """f = ½(a x² + b y²); the Hessian is diag(a, b), so GD is stable only for η < 2 / b."""
    if not (a > 0 and b > 0):
        raise ValueError(f"a, b: expected positive curvatures, got a={a}, b={b}.")

    def value(t):
        return 0.5 * (a * t[..., 0] ** 2 + b * t[..., 1] ** 2)

    def gradient(t):
        return np.stack([a * t[..., 0], b * t[..., 1]], axis=-1)

    return Surface(
        "ill-conditioned quadratic",
        f"f = ½({a:g} x² + {b:g} y²)",
        value,
        gradient,
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(-4.0, 1.5),
        xlim=(-5.0, 5.0),
        ylim=(-2.5, 2.5),
        params={"a": a, "b": b},
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """f = (a − x)² + b (y − x²)²; minimum 0 at (a, a²)."""

    def value(t):
        x, y = t[..., 0], t[..., 1]
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def gradient(t):
        x, y = t[..., 0], t[..., 1]
        return np.stack([-2.0 * (a - x) - 4.0 * b * x * (y - x**2), 2.0 * b * (y - x**2)], axis=-1)

    return Surface(
        "Rosenbrock",
        f"f = ({a:g} − x)² + {b:g} (y − x²)²",
        value,
        gradient,
        minima=((a, a * a),),
        min_value=0.0,
        start=(-1.5, 2.0),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        params={"a": a, "b": b},
    )


def saddle() -> Surface:
    """f = ½x² + ¼y⁴ − ½y²: saddle at (0, 0), minima f = −¼ at (0, ±1)."""

    def value(t):
        x, y = t[..., 0], t[..., 1]
        return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2

    def gradient(t):
        x, y = t[..., 0], t[..., 1]
        return np.stack([x, y**3 - y], axis=-1)

    return Surface(
        "saddle",
        "f = ½x² + ¼y⁴ − ½y²",
        value,
        gradient,
        minima=((0.0, 1.0), (0.0, -1.0)),
        min_value=-0.25,
        start=(-1.8, 1e-3),
        xlim=(-2.0, 2.0),
        ylim=(-1.5, 1.5),
    )


SURFACES = {"ill_conditioned": ill_conditioned, "rosenbrock": rosenbrock, "saddle": saddle}


@dataclass
class Trajectory:
    """The points θ_0..θ_k visited, f at each, and the step at which the run diverged (or None)."""

    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None = None

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]


def run(
    make_optimizer: Callable,
    surface: Surface,
    steps: int,
    *,
    start=None,
    schedule=None,
    limit: float = 1e6,
) -> Trajectory:
    """Run ``make_optimizer([θ])`` on ``surface`` for ``steps`` steps from ``start``.

    A run whose |θ| exceeds ``limit`` (or turns non-finite) has diverged: it stops there and
    ``diverged_at`` records the step, so a divergent learning rate is shown, never hidden in
    an overflow or NaN. ``schedule`` (optional) sets ``opt.lr = schedule(t)`` before step t.
    """
    steps = check_positive_int("steps", steps)
    if not limit > 0:
        raise ValueError(f"limit: expected a positive bound on |θ|, got {limit}.")
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    _theta(theta)
    if theta.shape != (2,):
        raise ValueError(f"start: expected one point (x, y), got shape {theta.shape}.")
    opt = make_optimizer([theta])
    points, losses = [theta.copy()], [surface.f(theta)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            if schedule is not None:
                opt.lr = schedule(t)
            opt.step([surface.grad(theta)])
            if not np.all(np.isfinite(theta)) or np.max(np.abs(theta)) > limit:
                diverged_at = t + 1
                break
            points.append(theta.copy())
            losses.append(surface.f(theta))
    return Trajectory(np.array(points), np.array(losses), diverged_at)


def best_learning_rate(make_optimizer: Callable, surface: Surface, steps: int, grid) -> tuple:
    """Try each η in ``grid``; return (η, trajectory) with the lowest final loss.

    ``make_optimizer(params, lr)`` builds the optimiser. Divergent runs are never chosen;
    ties go to the smaller η. Raises ValueError if every η in the grid diverges.
    """
    best = None
    for lr in sorted(grid):
        traj = run(lambda p, lr=lr: make_optimizer(p, lr), surface, steps)
        if traj.diverged_at is None and (best is None or traj.losses[-1] < best[1].losses[-1]):
            best = (lr, traj)
    if best is None:
        raise ValueError(
            f"grid: every learning rate in {sorted(grid)} diverged on "
            f"{surface.name}; add smaller values."
        )
    return best
