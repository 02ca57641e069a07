"""Per-batch learning-rate schedules with :func:`bigmodel_lab.training.fit`.

``fit`` steps a scheduler once per epoch, which suits step decay. Schedules such as one-cycle
(warm up, then anneal) change the rate after every batch. :class:`StepEveryBatch` wraps an
optimizer so that each ``step()`` also advances the scheduler; ``fit`` uses it like any
optimizer, so the training loop stays the same.
"""

from __future__ import annotations

import torch


class StepEveryBatch:
    """An optimizer whose ``step()`` is followed by ``scheduler.step()``."""

    def __init__(self, optimizer: torch.optim.Optimizer, scheduler):
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer: expected a torch.optim.Optimizer, got {type(optimizer).__name__}."
            )
        if getattr(scheduler, "optimizer", None) is not optimizer:
            raise ValueError(
                "scheduler: it must have been built for this optimizer "
                "(scheduler.optimizer is a different object)."
            )
        self.optimizer, self.scheduler = optimizer, scheduler

    @property
    def param_groups(self):
        return self.optimizer.param_groups

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        self.optimizer.step()
        self.scheduler.step()

    def lr(self) -> float:
        """The current learning rate of the first parameter group."""
        return float(self.optimizer.param_groups[0]["lr"])


def one_cycle(
    model: torch.nn.Module,
    max_lr: float,
    total_steps: int,
    *,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
) -> StepEveryBatch:
    """An optimizer under a one-cycle schedule: the rate rises to ``max_lr``, then anneals to ~0.

    ``optimizer="sgd"``: SGD with Nesterov momentum and weight decay (L2); ``"adam"``: Adam.
    OneCycleLR also cycles the momentum (β1 for Adam) inversely to the rate.
    """
    if not max_lr > 0:
        raise ValueError(f"max_lr: expected a positive learning rate, got {max_lr!r}.")
    if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps < 1:
        raise ValueError(
            f"total_steps: expected a positive integer (epochs x batches per "
            f"epoch), got {total_steps!r}."
        )
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
    scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total_steps)
    return StepEveryBatch(opt, scheduler)
