"""A small PyTorch training loop: one epoch of updates, evaluation, and a history of both.

It does exactly what a hand-written loop does (zero_grad, forward, loss, backward, step) and
nothing per batch beyond adding the loss to a running sum, so it costs no measurable time over
the plain loop (``benchmarks/bench_training_loop.py`` measures that).
"""

from __future__ import annotations

import random
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

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
#: take longer than this gets one warning (MnistCNN on MNIST: about 30 minutes or more).
LONG_EPOCH_S = 600.0

_warned_long_epoch = False


def _runs_in_triton_interpreter(model) -> bool:
    """Whether ``model`` has layers from bigmodel_lab.kernels running in Triton's interpreter."""
    common = sys.modules.get("bigmodel_lab.kernels._common")  # never import the kernels here
    if common is None or not common.INTERPRETED:
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
        "the plain-PyTorch twin (e.g. kernels.MnistCNNTorch, which loads the same "
        "state_dict), or run on a CUDA GPU, where the kernels are compiled. (Shown once.)",
        UserWarning,
        stacklevel=3,
    )


def train_epoch(model, loader, optimizer, loss_fn: Callable, *, desc: str = "train"):
    """One pass over ``loader``; returns (mean loss, accuracy) over the examples seen."""
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
    scheduler=None,
) -> History:
    """Train for ``epochs`` epochs, evaluating on ``val_loader`` after each one if given."""
    if epochs < 1:
        raise ValueError(f"epochs: expected a positive number of epochs, got {epochs}.")
    history = History()
    for epoch in progress(range(1, epochs + 1), desc="epochs"):
        loss, acc = train_epoch(model, train_loader, optimizer, loss_fn, desc=f"epoch {epoch}")
        history.train_loss.append(loss)
        history.train_acc.append(acc)
        if val_loader is not None:
            vloss, vacc = evaluate(model, val_loader, loss_fn)
            history.val_loss.append(vloss)
            history.val_acc.append(vacc)
        if scheduler is not None:
            scheduler.step()
    return history
