"""Learning-rate schedules (学习率调度): η_t as a function of the step (or epoch) count t.

A schedule is a callable ``schedule(t) -> η_t`` for t = 0, 1, 2, ...; step t of training uses
η_t, which is what torch.optim.lr_scheduler produces when ``scheduler.step()`` is called once
after each ``optimizer.step()``. Applying one to our optimisers is one line per step::

    for t in range(steps):
        opt.lr = schedule(t)
        opt.step(grads)

Each class states its formula in ``formula`` (printed by the book) and mirrors one torch
scheduler, named in its docstring; the tests compare the two value by value.

:func:`one_cycle` builds a torch optimizer with torch's one-cycle schedule (warm up, then
anneal), stepped after every batch by :func:`bigmodel_lab.training.fit`
(``scheduler_step="batch"``); chapter 4 trains its improved CNN with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..checks import check_number, check_positive_int


def _check_step(t) -> int:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
        raise TypeError(f"t: expected an integer step count, got {type(t).__name__} ({t!r}).")
    if t < 0:
        raise ValueError(f"t: expected a step count ≥ 0, got {t}.")
    return int(t)


@dataclass(frozen=True)
class Constant:
    """η_t = η₀ (torch: no scheduler)."""

    base_lr: float
    formula = "η_t = η₀"

    def __post_init__(self):
        check_number("base_lr", self.base_lr, low=0.0, low_open=True)

    def __call__(self, t: int) -> float:
        _check_step(t)
        return float(self.base_lr)


@dataclass(frozen=True)
class StepDecay:
    """η_t = η₀ · γ^⌊t / s⌋: multiply by γ every s steps (torch: StepLR(step_size=s, gamma=γ))."""

    base_lr: float
    step_size: int
    gamma: float = 0.1
    formula = "η_t = η₀ · γ^⌊t / s⌋"

    def __post_init__(self):
        check_number("base_lr", self.base_lr, low=0.0, low_open=True)
        check_positive_int("step_size", self.step_size)
        check_number("gamma", self.gamma, low=0.0, high=1.0, low_open=True, high_open=False)

    def __call__(self, t: int) -> float:
        return self.base_lr * self.gamma ** (_check_step(t) // self.step_size)


@dataclass(frozen=True)
class ExponentialDecay:
    """η_t = η₀ · γ^t (torch: ExponentialLR(gamma=γ))."""

    base_lr: float
    gamma: float
    formula = "η_t = η₀ · γ^t"

    def __post_init__(self):
        check_number("base_lr", self.base_lr, low=0.0, low_open=True)
        check_number("gamma", self.gamma, low=0.0, high=1.0, low_open=True, high_open=False)

    def __call__(self, t: int) -> float:
        return self.base_lr * self.gamma ** _check_step(t)


@dataclass(frozen=True)
class CosineAnnealing:
    """η_t = η_min + ½(η₀ − η_min)(1 + cos(π t / T)) (torch: CosineAnnealingLR(T_max=T)).

    The rate falls from η₀ at t = 0 to η_min at t = T along half a cosine. Like torch's
    scheduler, the formula is not clamped: past T the rate rises again (period 2T), so run
    it for at most T steps or restart it.
    """

    base_lr: float
    T_max: int
    eta_min: float = 0.0
    formula = "η_t = η_min + ½(η₀ − η_min)(1 + cos(π t / T))"

    def __post_init__(self):
        check_number("base_lr", self.base_lr, low=0.0, low_open=True)
        check_positive_int("T_max", self.T_max)
        check_number("eta_min", self.eta_min, low=0.0)
        if self.eta_min > self.base_lr:
            raise ValueError(
                f"eta_min: expected at most base_lr = {self.base_lr:g}, got "
                f"{self.eta_min:g}; the schedule anneals downwards."
            )

    def __call__(self, t: int) -> float:
        t = _check_step(t)
        return self.eta_min + 0.5 * (self.base_lr - self.eta_min) * (
            1.0 + math.cos(math.pi * t / self.T_max)
        )


@dataclass(frozen=True)
class LinearWarmup:
    """η_t = η₀ · (f₀ + (1 − f₀) · min(t, w) / w): a linear ramp over w steps, then η₀.

    torch: LinearLR(start_factor=f₀, end_factor=1, total_iters=w). Warm-up keeps the first
    updates small while Adam's moment estimates and the network's activations settle.
    """

    base_lr: float
    warmup_steps: int
    start_factor: float = 0.1
    formula = "η_t = η₀ · (f₀ + (1 − f₀) · min(t, w) / w)"

    def __post_init__(self):
        check_number("base_lr", self.base_lr, low=0.0, low_open=True)
        check_positive_int("warmup_steps", self.warmup_steps)
        check_number(
            "start_factor", self.start_factor, low=0.0, high=1.0, low_open=True, high_open=False
        )

    def __call__(self, t: int) -> float:
        t = _check_step(t)
        f0, w = self.start_factor, self.warmup_steps
        return self.base_lr * (f0 + (1.0 - f0) * min(t, w) / w)


@dataclass(frozen=True)
class WarmupCosine:
    """Linear warm-up for w steps, then cosine annealing over the remaining T − w steps.

    torch: SequentialLR([LinearLR(f₀, 1, w), CosineAnnealingLR(T − w, η_min)], milestones=[w]).
    """

    base_lr: float
    warmup_steps: int
    total_steps: int
    start_factor: float = 0.1
    eta_min: float = 0.0
    formula = (
        "t < w: η₀ · (f₀ + (1 − f₀) t / w);  "
        "t ≥ w: η_min + ½(η₀ − η_min)(1 + cos(π (t − w) / (T − w)))"
    )

    def __post_init__(self):
        check_positive_int("warmup_steps", self.warmup_steps)
        check_positive_int("total_steps", self.total_steps)
        if self.total_steps <= self.warmup_steps:
            raise ValueError(
                f"total_steps: expected more than warmup_steps = {self.warmup_steps}, "
                f"got {self.total_steps}."
            )
        LinearWarmup(self.base_lr, self.warmup_steps, self.start_factor)  # validates the rest
        CosineAnnealing(self.base_lr, self.total_steps - self.warmup_steps, self.eta_min)

    def __call__(self, t: int) -> float:
        t = _check_step(t)
        if t < self.warmup_steps:
            return LinearWarmup(self.base_lr, self.warmup_steps, self.start_factor)(t)
        cosine = CosineAnnealing(self.base_lr, self.total_steps - self.warmup_steps, self.eta_min)
        return cosine(t - self.warmup_steps)


def values(schedule, steps: int) -> np.ndarray:
    """[η_0, η_1, ..., η_(steps-1)] as an array (for plots and tables)."""
    steps = check_positive_int("steps", steps)
    return np.array([schedule(t) for t in range(steps)])


def one_cycle(
    model,
    max_lr: float,
    total_steps: int,
    *,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
):
    """(optimizer, scheduler) under a one-cycle schedule: the rate rises to ``max_lr``, then
    anneals to about 0 over ``total_steps`` optimizer steps (epochs × batches per epoch).

    ``optimizer="sgd"``: SGD with Nesterov momentum and weight decay (L2); ``"adam"``: Adam.
    torch's OneCycleLR also cycles the momentum (β1 for Adam) inversely to the rate. Pass both
    to ``training.fit(..., scheduler=scheduler, scheduler_step="batch")``.
    """
    import torch

    check_number("max_lr", max_lr, low=0.0, low_open=True)
    check_positive_int("total_steps", total_steps)
    if optimizer == "sgd":
        opt = torch.optim.SGD(
            model.parameters(),
            lr=max_lr,
            momentum=momentum,
            nesterov=True,
            weight_decay=weight_decay,
        )
    elif optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=max_lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer: expected 'sgd' or 'adam', got {optimizer!r}.")
    return opt, torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total_steps)
