"""Training with model selection on a validation set: keep the epoch that generalised best.

Small text data sets overfit within a few epochs: training accuracy climbs to 100% while
held-out accuracy peaks and falls back. :func:`fit_best` trains for a fixed number of epochs
(as the chapters do), scores a validation set carved out of the *training* data after each
epoch, and finally restores the weights of the best epoch. The test set plays no part in the
choice, so the test accuracy stays an honest estimate.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from ..progress import progress
from ..training import History, evaluate, train_epoch


def fit_best(
    model,
    train_loader,
    optimizer,
    loss_fn: Callable,
    *,
    epochs: int,
    val_loader,
    val_metric: Callable | None = None,
) -> tuple[History, int]:
    """Train ``epochs`` epochs; return the history and the (1-based) epoch whose weights are kept.

    The epoch is chosen by accuracy on ``val_loader``, or by ``val_metric(model)`` when given
    (e.g. accuracy per review when the loader holds windows of reviews); the history's
    ``val_acc`` records whichever is used. Ties go to the earlier epoch. ``val_loader`` must
    not contain test data.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs: expected a positive int, got {epochs!r}.")
    if val_loader is None:
        raise ValueError("val_loader: required; carve a validation set out of the training data.")
    history, best_epoch, best_acc, best_state = History(), 0, -1.0, None
    for epoch in progress(range(1, epochs + 1), desc="epochs"):
        loss, acc = train_epoch(model, train_loader, optimizer, loss_fn, desc=f"epoch {epoch}")
        vloss, vacc = evaluate(model, val_loader, loss_fn)
        if val_metric is not None:
            vacc = float(val_metric(model))
        for name, value in (
            ("train_loss", loss),
            ("train_acc", acc),
            ("val_loss", vloss),
            ("val_acc", vacc),
        ):
            getattr(history, name).append(value)
        if vacc > best_acc:
            best_epoch, best_acc = epoch, vacc
            best_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return history, best_epoch
