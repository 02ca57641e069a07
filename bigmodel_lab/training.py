"""The book's one PyTorch training loop: epochs of updates, evaluation, and a history of both.

:func:`fit` trains for a number of epochs and, after each, evaluates on a validation loader.
Its options cover what the chapters need:

- ``val_metric(model)``: a validation score other than accuracy over the loader (accuracy per
  review when the loader holds windows of reviews, say); it replaces ``val_acc`` in the history;
- ``keep="best"``: restore, at the end, the weights of the epoch with the best validation
  score (ties go to the earlier epoch), instead of the last epoch's (``keep="last"``);
- ``stopper``: an :class:`EarlyStopping` (早停) that ends training once its validation
  quantity (the loss for ``mode="min"``, the score for ``mode="max"``) has not improved for
  ``patience`` epochs; the weights of its best epoch are restored;
- ``scheduler``: a ``torch.optim.lr_scheduler`` stepped after every epoch
  (``scheduler_step="epoch"``, as step decay is) or after every batch (``"batch"``, as
  one-cycle schedules are).

Per batch it does exactly what a hand-written loop does (zero_grad, forward, loss, backward,
step) and nothing beyond adding the loss to a running sum, so it costs no measurable time over
the plain loop (``benchmarks/bench_training_loop.py`` measures that). The validation set must
be carved out of the training data: choosing an epoch on the test set would make the test
score an optimistic estimate.
"""

from __future__ import annotations

import copy
import math
import random
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from .checks import check_number, check_positive_int
from .progress import progress


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch so that a run is repeatable on the same machine."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds code that still uses the global generator
    torch.manual_seed(seed)


@dataclass
class History:
    """Per-epoch metrics: each list has one entry per completed epoch."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    #: the 1-based epoch whose weights the model holds at the end (the last one unless
    #: ``keep="best"`` or a stopper chose an earlier one)
    kept_epoch: int = 0

    def as_frame(self):
        import pandas as pd

        data = {"train_loss": self.train_loss, "train_acc": self.train_acc}
        if self.val_loss:
            data.update(val_loss=self.val_loss, val_acc=self.val_acc)
        frame = pd.DataFrame(data)
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="epoch")
        return frame


def _accuracy_count(output: torch.Tensor, target: torch.Tensor) -> int:
    if output.ndim == 1 or output.shape[-1] == 1:
        # one logit (or probability) per example: class 1 when the logit is positive
        pred = (output.reshape(-1) > 0).to(target.dtype)
        return int((pred == target.reshape(-1)).sum())
    return int((output.argmax(dim=-1) == target).sum())


#: An epoch of a model built from interpreted Triton kernels that its first batch predicts to
#: take longer than this gets one warning (KernelCNN on MNIST: about 30 minutes or more).
LONG_EPOCH_S = 600.0

_warned_long_epoch = False


def _runs_in_triton_interpreter(model) -> bool:
    """Whether ``model`` has layers from bigmodel_lab.kernels running in Triton's interpreter."""
    kernels = sys.modules.get("bigmodel_lab.kernels")  # never import the kernels here
    if kernels is None or not kernels.INTERPRETED:
        return False
    return any(type(m).__module__.startswith("bigmodel_lab.kernels") for m in model.modules())


def _warn_if_long_epoch(seconds_first_batch: float, loader) -> None:
    global _warned_long_epoch
    try:
        batches = len(loader)
    except TypeError:  # a loader without a length: nothing to predict
        return
    estimate = seconds_first_batch * batches
    if _warned_long_epoch or estimate <= LONG_EPOCH_S:
        return
    _warned_long_epoch = True
    warnings.warn(
        f"train_epoch: the first batch took {seconds_first_batch:.1f} s, so this epoch of "
        f"{batches} batches will take about {estimate / 60:.0f} minutes: the model's "
        "bigmodel_lab.kernels layers run in Triton's CPU interpreter, one program instance "
        "after another in NumPy. They are for checking a few batches; to train on a CPU use "
        "the plain-PyTorch twin (e.g. mnist.cnn.ChapterCNN for kernel_cnn.KernelCNN, which "
        "loads the same state_dict), or run on a CUDA GPU, where the kernels are compiled. (Shown once.)",
        UserWarning,
        stacklevel=3,
    )


def train_epoch(
    model, loader, optimizer, loss_fn: Callable, *, desc: str = "train", scheduler=None
):
    """One pass over ``loader``; returns (mean loss, accuracy) over the examples seen.

    ``scheduler``, if given, is stepped after every optimizer step (a per-batch schedule).
    """
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    timed = _runs_in_triton_interpreter(model)  # then time the first batch, and only that
    start = time.perf_counter()
    for inputs, target in progress(loader, desc=desc):
        optimizer.zero_grad(set_to_none=True)
        output = model(inputs)
        loss = loss_fn(output, target)
        if not torch.isfinite(loss):
            raise FloatingPointError(
                f"the loss became {loss.item()} after {seen} examples; lower the learning rate "
                "or check the inputs for NaN."
            )
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        n = target.shape[0]
        total_loss += loss.item() * n
        correct += _accuracy_count(output.detach(), target)
        seen += n
        if timed:
            timed = False
            _warn_if_long_epoch(time.perf_counter() - start, loader)
    if seen == 0:
        raise ValueError("loader: yielded no batches; check the data set is not empty.")
    return total_loss / seen, correct / seen


@torch.no_grad()
def evaluate(model, loader, loss_fn: Callable):
    """Mean loss and accuracy of ``model`` over ``loader``, in eval mode (dropout off)."""
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    for inputs, target in loader:
        output = model(inputs)
        n = target.shape[0]
        total_loss += loss_fn(output, target).item() * n
        correct += _accuracy_count(output, target)
        seen += n
    if seen == 0:
        raise ValueError("loader: yielded no batches; check the data set is not empty.")
    return total_loss / seen, correct / seen


@torch.no_grad()
def predict(model, loader):
    """Concatenated model outputs and targets over ``loader`` (eval mode)."""
    model.eval()
    outputs, targets = [], []
    for inputs, target in loader:
        outputs.append(model(inputs))
        targets.append(target)
    return torch.cat(outputs), torch.cat(targets)


def fit(
    model,
    train_loader,
    optimizer,
    loss_fn: Callable,
    *,
    epochs: int,
    val_loader=None,
    val_metric: Callable | None = None,
    keep: str = "last",
    stopper: EarlyStopping | None = None,
    scheduler=None,
    scheduler_step: str = "epoch",
) -> History:
    """Train for ``epochs`` epochs (fewer if ``stopper`` stops it); see the module docstring.

    After each epoch the model is scored on ``val_loader`` if given (``val_metric(model)``
    replacing accuracy when given). ``keep="best"`` and ``stopper`` need ``val_loader``.
    Returns the per-epoch :class:`History`; ``history.kept_epoch`` says whose weights the
    model holds.
    """
    epochs = check_positive_int("epochs", epochs)
    if keep not in ("last", "best"):
        raise ValueError(f"keep: expected 'last' or 'best', got {keep!r}.")
    if scheduler_step not in ("epoch", "batch"):
        raise ValueError(f"scheduler_step: expected 'epoch' or 'batch', got {scheduler_step!r}.")
    if val_loader is None and (keep == "best" or stopper is not None or val_metric is not None):
        raise ValueError(
            "val_loader: keep='best', a stopper and val_metric all judge the epochs on "
            "validation data; carve a validation set out of the training data and pass it."
        )
    if scheduler is not None and getattr(scheduler, "optimizer", None) is not optimizer:
        raise ValueError(
            "scheduler: it must have been built for this optimizer (scheduler.optimizer is "
            "a different object); build it as torch.optim.lr_scheduler.X(optimizer, ...)."
        )
    if stopper is not None and not isinstance(stopper, EarlyStopping):
        raise TypeError(f"stopper: expected an EarlyStopping, got {type(stopper).__name__}.")
    history, best_score, best_epoch, best_state = History(), -math.inf, 0, None
    per_batch = scheduler if scheduler_step == "batch" else None
    for epoch in progress(range(1, epochs + 1), desc="epochs"):
        loss, acc = train_epoch(
            model, train_loader, optimizer, loss_fn, desc=f"epoch {epoch}", scheduler=per_batch
        )
        history.train_loss.append(loss)
        history.train_acc.append(acc)
        history.kept_epoch = epoch
        if val_loader is not None:
            vloss, vacc = evaluate(model, val_loader, loss_fn)
            if val_metric is not None:
                vacc = float(val_metric(model))
            history.val_loss.append(vloss)
            history.val_acc.append(vacc)
        if scheduler is not None and per_batch is None:
            scheduler.step()
        if stopper is not None:
            stop = stopper.update(history.val_loss[-1] if stopper.mode == "min" else vacc)
            if stopper.best_epoch == epoch:
                best_state = copy.deepcopy(model.state_dict())
            if stop:
                break
        elif keep == "best" and vacc > best_score:
            best_score, best_epoch = vacc, epoch
            best_state = copy.deepcopy(model.state_dict())
    if stopper is not None:
        best_epoch = stopper.best_epoch
    if keep == "best" and best_state is None:
        raise ValueError("val_metric: no epoch had a finite validation score to keep.")
    if best_state is not None:
        model.load_state_dict(best_state)
        history.kept_epoch = best_epoch
    return history


# -- early stopping ---------------------------------------------------------------------------------


class EarlyStopping:
    """Early stopping (早停): stop when a validation quantity has not improved for a while.

    After every epoch, call ``update(value)`` with the validation quantity. An epoch counts as
    an improvement when the value beats the best so far by more than ``min_delta`` (lower is
    better for ``mode="min"``, e.g. a loss; higher for ``mode="max"``, e.g. an accuracy).
    ``update`` returns True once ``patience`` epochs in a row brought no improvement;
    ``best_epoch`` (1-based) says which epoch's weights to keep, and ``snapshot``, if given,
    is called to save them whenever a new best is reached. :func:`fit` drives it.
    """

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
        """Record one epoch's validation quantity; True when training should stop."""
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
