"""Over-fitting on the noisy moons, and its remedies: dropout, early stopping, batch size.

In torch on the CPU. The model is a wide 2-width-width-1 ReLU network with one logit z,
trained on 100 training points of :func:`~bigmodel_lab.optim.splits.moons_split` (far fewer
than its parameters) with Adam, or AdamW (θ ← θ − ηλθ before each Adam step), on the binary
cross-entropy with logits

    L = (1/N) Σ_i [log(1 + e^{z_i}) − y_i z_i].

Dropout multiplies each hidden unit by m/(1 − p) with m ~ Bernoulli(1 − p); DropConnect does
the same to each hidden-to-hidden weight
(:class:`~bigmodel_lab.optim.dropconnect.DropConnectLinear`). :func:`train_moons` trains
through :func:`bigmodel_lab.training.fit` (and its early stopper); :func:`train_moons_updates`
holds the number of updates fixed instead of the epochs, which :func:`batch_size_study`
needs to compare batch sizes under both budgets. :func:`single_thread` runs these tiny models
on one torch thread.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch
from torch import nn

from ..checks import check_positive_int
from ..training import EarlyStopping, fit, seed_everything
from .dropconnect import DropConnectLinear
from .splits import ArraySplit


@contextlib.contextmanager
def single_thread():
    """Run torch on one thread inside the block, then restore the previous setting.

    These models are tiny: on a busy machine extra threads only add contention, and one
    thread keeps the float sums in the same order on every run.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def moons_mlp(width: int = 256, dropout: float = 0.0, dropconnect: float = 0.0) -> nn.Sequential:
    """2-width-width-1 ReLU network; one logit.

    ``dropout`` adds dropout after each hidden layer; ``dropconnect`` makes the hidden-to-hidden
    layer a :class:`~bigmodel_lab.optim.dropconnect.DropConnectLinear` (weights dropped). The
    first layer has only two weights per unit, and dropping one of them half the time would
    leave a unit blind to one coordinate, not regularise it.
    """
    width = check_positive_int("width", width)
    for name, p in (("dropout", dropout), ("dropconnect", dropconnect)):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"{name}: expected a probability in [0, 1), got {p!r}.")

    # built in order, so that a seed gives the same initial weights with or without DropConnect
    first = nn.Linear(2, width)
    middle = (
        DropConnectLinear(width, width, p=dropconnect) if dropconnect else nn.Linear(width, width)
    )
    return nn.Sequential(
        first,
        nn.ReLU(),
        nn.Dropout(dropout),
        middle,
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(width, 1),
    )


@torch.no_grad()
def moons_scores(model: nn.Module, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(binary cross-entropy, accuracy) of a one-logit model on (X, y), in eval mode."""
    model.eval()
    logits = model(torch.from_numpy(np.asarray(X, dtype=np.float32)))
    target = torch.from_numpy(np.asarray(y, dtype=np.float32))[:, None]
    loss = nn.functional.binary_cross_entropy_with_logits(logits, target).item()
    return loss, float(((logits > 0).float() == target).float().mean())


def train_moons(
    split: ArraySplit,
    *,
    epochs: int,
    dropout: float = 0.0,
    dropconnect: float = 0.0,
    weight_decay: float = 0.0,
    batch_size: int | None = None,
    lr: float = 3e-3,
    width: int = 256,
    seed: int = 0,
    stopper: EarlyStopping | None = None,
):
    """Adam on the moons; History per epoch. With ``stopper``: stop early, keep the best weights
    (those of the epoch with the lowest validation loss).

    ``batch_size`` None means full batch. ``weight_decay`` is AdamW's decoupled decay.
    """
    seed_everything(seed)
    model = moons_mlp(width, dropout, dropconnect)
    batch_size = len(split.y_fit) if batch_size is None else batch_size
    train_loader, val_loader, _ = split.loaders(batch_size, seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = nn.BCEWithLogitsLoss()
    history = fit(
        model, train_loader, opt, loss_fn, epochs=epochs, val_loader=val_loader, stopper=stopper
    )
    return model, history


def train_moons_updates(
    split: ArraySplit,
    *,
    batch_size: int,
    updates: int,
    lr: float = 3e-3,
    weight_decay: float = 0.0,
    width: int = 256,
    seed: int = 0,
    return_model: bool = False,
):
    """Exactly ``updates`` Adam steps with mini-batches of ``batch_size``; final losses.

    ``weight_decay`` > 0 makes the optimiser AdamW with that decoupled decay. Returns a dict
    of updates, epochs, training and validation loss (the test set is not touched); with
    ``return_model``, the pair (that dict, the trained model).
    """
    updates = check_positive_int("updates", updates)
    n = len(split.y_fit)
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"batch_size: expected at most {n} (the training set), got {batch_size}.")
    seed_everything(seed)
    model = moons_mlp(width)
    if weight_decay:
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    X, y = torch.from_numpy(split.X_fit), torch.from_numpy(split.y_fit)[:, None]
    gen = torch.Generator().manual_seed(seed)
    t = 0
    model.train()
    while t < updates:
        for idx in torch.randperm(n, generator=gen).split(batch_size):
            opt.zero_grad()
            loss_fn(model(X[idx]), y[idx]).backward()
            opt.step()
            t += 1
            if t == updates:
                break
    model.eval()
    with torch.no_grad():
        Xv, yv = torch.from_numpy(split.X_val), torch.from_numpy(split.y_val)[:, None]
        result = {
            "updates": t,
            "epochs": t * batch_size / n,
            "train_loss": loss_fn(model(X), y).item(),
            "val_loss": loss_fn(model(Xv), yv).item(),
        }
    return (result, model) if return_model else result


def batch_size_study(
    split: ArraySplit,
    batch_sizes=(4, 20, 100),
    *,
    epochs: int = 60,
    updates: int = 300,
    width: int = 128,
    **kwargs,
) -> list[dict]:
    """Each batch size trained twice: for ``epochs`` epochs, and for ``updates`` updates.

    Holding epochs fixed gives small batches more updates; holding updates fixed gives them
    fewer examples seen. Rows: batch size, budget, updates, epochs, train and val loss.
    """
    rows = []
    n = len(split.y_fit)
    for b in batch_sizes:
        per_epoch = -(-n // b)
        for budget, steps in (("equal epochs", epochs * per_epoch), ("equal updates", updates)):
            res = train_moons_updates(split, batch_size=b, updates=steps, width=width, **kwargs)
            rows.append({"batch size": b, "budget": budget, **res})
    return rows
