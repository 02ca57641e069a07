"""Early stopping (早停): stop when a validation metric has not improved for a while.

After every epoch, call ``update(value)`` with the validation metric. An epoch counts as an
improvement when the value beats the best so far by more than ``min_delta`` (lower is better
for ``mode="min"``, e.g. a loss; higher for ``mode="max"``, e.g. an accuracy). ``update``
returns True once ``patience`` epochs in a row brought no improvement; ``best_epoch`` (1-based)
says which epoch's weights to keep, and ``snapshot``, if given, is called to save them
whenever a new best is reached.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..checks import check_number, check_positive_int


class EarlyStopping:
    def __init__(
        self,
        patience: int = 5,
        *,
        min_delta: float = 0.0,
        mode: str = "min",
        snapshot: Callable[[], object] | None = None,
    ):
        self.patience = check_positive_int("patience", patience)
        self.min_delta = check_number("min_delta", min_delta, low=0.0)
        if mode not in ("min", "max"):
            raise ValueError(f"mode: expected 'min' (lower is better) or 'max', got {mode!r}.")
        self.mode = mode
        self.snapshot = snapshot
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.best_state = None
        self.epoch = 0
        self.wait = 0
        self.stopped = False

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def update(self, value: float) -> bool:
        """Record one epoch's metric; True when training should stop."""
        if self.stopped:
            raise RuntimeError(
                f"update: early stopping already triggered at epoch {self.epoch}; create a new "
                "EarlyStopping to train again."
            )
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(
                f"value: expected a finite validation metric, got {value} at epoch "
                f"{self.epoch + 1}; the run has diverged."
            )
        self.epoch += 1
        if self._improves(value):
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            if self.snapshot is not None:
                self.best_state = self.snapshot()
        else:
            self.wait += 1
            self.stopped = self.wait >= self.patience
        return self.stopped


def stopping_epoch(values, patience: int, *, min_delta: float = 0.0, mode: str = "min"):
    """Replay a metric history: (epoch at which training stops or None, best epoch)."""
    stopper = EarlyStopping(patience, min_delta=min_delta, mode=mode)
    for v in values:
        if stopper.update(v):
            return stopper.epoch, stopper.best_epoch
    return None, stopper.best_epoch
