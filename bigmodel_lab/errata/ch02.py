"""Errata demonstrated in chapter 2 (gradient descent and its variants).

Each function recomputes, with the package, what a source chapter got wrong about the
update rule, its hyper-parameters, or its listings. The helpers are also called by the
notebook, so the page and the errata table show the same computation.

Measured but not recorded: the batch-size statements of 000 §3.6.1.2 and 002 §4.5.1. Both are
hedged (可以 / 可能), and each matches one of the two budgets of :func:`batch_size_rows`
(equal epochs, equal updates), so a small study cannot show either false; the chapter shows
the measurement instead. The 002 §4.4 listing is labelled 伪代码 (pseudocode): its undefined
``num_epochs`` and its integer BCE targets are what pseudocode leaves out, not errors.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch import nn

from ..formulas import mse, mse_grad
from ..optim import SGD, StepDecay
from ..optim.classifier import classifier_10_20_1
from ..optim.least_squares import diabetes_least_squares, train
from ..optim.overfitting import batch_size_study, single_thread
from ..optim.splits import diabetes_split, moons_split
from . import Kind, erratum

NB = "notebooks/02_gradient_descent"


# -- 002 §4.3.1: the MSE gradient -----------------------------------------------------------

#: a one-parameter model ŷ = θ x on three examples
MSE_EXAMPLE = {"x": np.array([1.0, 2.0, 3.0]), "y": np.array([2.0, 4.0, 5.0]), "theta": 0.5}


def mse_gradient_example(lr: float = 0.1) -> dict:
    """The article's 2(y − ŷ)·∂ŷ/∂θ for ŷ = θx, per example and averaged, against autograd.

    The article writes the gradient of one example's squared error; so per example we compare
    it with autograd's ∂(y_i − θx_i)²/∂θ, and averaged over the examples with autograd's
    ∂MSE/∂θ. Also the MSE after one step θ ← θ − α·gradient with each, from the same θ.
    """
    x, y, theta = MSE_EXAMPLE["x"], MSE_EXAMPLE["y"], MSE_EXAMPLE["theta"]
    y_hat = theta * x
    printed_per_example = 2.0 * (y - y_hat) * x
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    per_example = []
    for xi, yi in zip(torch.from_numpy(x), torch.from_numpy(y), strict=True):
        (g,) = torch.autograd.grad((yi - t * xi) ** 2, t)
        per_example.append(g.item())
    per_example = np.array(per_example)
    t.grad = None
    torch.mean((t * torch.from_numpy(x) - torch.from_numpy(y)) ** 2).backward()
    printed = float(np.mean(printed_per_example))
    ours = float(mse_grad(y_hat, y) @ x)  # chain rule: ∂L/∂θ = Σ_i ∂L/∂ŷ_i · x_i
    return {
        "printed_per_example": printed_per_example,
        "autograd_per_example": per_example,
        # the printed form is minus the true gradient: their sum vanishes up to rounding
        "sign_flip_residual": float(np.max(np.abs(printed_per_example + per_example))),
        "printed": printed,
        "ours": ours,
        "autograd": t.grad.item(),
        "loss_before": mse(y_hat, y),
        "loss_after_printed_step": mse((theta - lr * printed) * x, y),
        "loss_after_correct_step": mse((theta - lr * ours) * x, y),
    }


@erratum(
    source="002",
    section="§4.3.1",
    quantity="gradient of the MSE (sign)",
    printed=r"\frac{\partial MSE}{\partial \theta} = 2(y - \hat{y}) \cdot "
    r"\frac{\partial \hat{y}}{\partial \theta}",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch02-errata-mse-gradient",
)
def mse_gradient_sign():
    d = mse_gradient_example()
    assert d["sign_flip_residual"] < 1e-12
    return (
        "−2(y − ŷ)·∂ŷ/∂θ for one example (averaged over n examples for the MSE): only the sign "
        "is wrong. For ŷ = θx on 3 examples the printed form plus autograd's gradient is "
        "< 1e-12 on every example; one step θ ← θ − 0.1·(printed gradient, averaged) raises "
        f"the MSE from {d['loss_before']:.4f} to {d['loss_after_printed_step']:.4f} (the "
        f"correct step lowers it to {d['loss_after_correct_step']:.4f})"
    )


# -- learning rate: too large, and decay ------------------------------------------------------


@lru_cache(maxsize=1)
def diabetes_problems():
    """(fit, validation) least-squares problems on the diabetes split (standardised target)."""
    return diabetes_least_squares(diabetes_split())


def learning_rate_runs(factors=(0.05, 0.5, 0.95, 1.05), steps: int = 100) -> dict:
    """Full-batch GD on the diabetes regression at η = factor · 2/λ_max: training losses.

    Returns {factor: (training loss per step, validation loss at the end)}.
    """
    fit_p, val_p = diabetes_problems()
    eta = fit_p.max_stable_lr()
    out = {}
    for f in factors:
        run = train(fit_p, lambda p, f=f: SGD(p, lr=f * eta), batch_size=fit_p.n, epochs=steps)
        with np.errstate(over="ignore"):
            val = float(np.mean((val_p.X @ run["w"] - val_p.y) ** 2))
        out[f] = (run["step_loss"], val)
    return out


@erratum(
    source="002",
    section="§4.5.1",
    quantity="effect of too large a learning rate",
    printed="如果学习率过高，可能导致模型训练不稳定，甚至过拟合",
    kind=Kind.WRONG_CLAIM,
    where=f"{NB}#ch02-errata-learning-rate",
)
def too_large_a_learning_rate_cannot_overfit():
    losses, val = learning_rate_runs(factors=(1.05,))[1.05]
    return (
        f"at η = 1.05·(2/λ_max) gradient descent's training MSE grows from {losses[0]:.2f} "
        f"to {losses[-1]:.3g} in {len(losses) - 1} steps (validation {val:.3g}): it fits "
        "nothing, so it cannot over-fit; over-fitting needs a low training loss"
    )


def decay_runs(lr: float = 0.03, epochs: int = 20) -> dict:
    """SGD with batch size 1 on the diabetes regression, constant η vs step decay (×0.3 / 5 ep.).

    Returns {name: (excess training loss over the minimum, validation loss)}.
    """
    fit_p, val_p = diabetes_problems()
    best = fit_p.loss(fit_p.solution())
    out = {}
    for name, schedule in (
        ("constant", None),
        ("step decay", StepDecay(lr, step_size=5 * fit_p.n, gamma=0.3)),
    ):
        run = train(fit_p, lambda p: SGD(p, lr=lr), batch_size=1, epochs=epochs, schedule=schedule)
        out[name] = (fit_p.loss(run["w"]) - best, val_p.loss(run["w"]))
    return out


@erratum(
    source="000",
    section="§3.6.1.2",
    quantity="purpose of learning-rate decay",
    printed="随着训练过程的进行，逐步减小学习率，以防止模型过拟合",
    kind=Kind.WRONG_CLAIM,
    where=f"{NB}#ch02-errata-decay",
)
def decay_reduces_noise_not_overfitting():
    d = decay_runs()
    return (
        "decay is an optimisation tool, not a guard against over-fitting: with SGD (B = 1, 20 "
        "epochs) on the diabetes regression it takes the excess training MSE from "
        f"{d['constant'][0]:.2e} at constant η to {d['step decay'][0]:.2e}, i.e. it lets the "
        "model fit the training set more closely, not less (the validation MSE improves too, "
        f"{d['constant'][1]:.4f} → {d['step decay'][1]:.4f}, because the gradient noise is gone)"
    )


# -- batch size and generalisation (measured; no erratum) --------------------------------------

#: the seeds of the batch-size study: each one draws its own moons and its own initial weights
BATCH_SEEDS = (0, 1, 2)


@lru_cache(maxsize=1)
def batch_size_rows() -> tuple:
    """The batch-size study on the noisy moons, batch 4 and 100, equal epochs / equal updates,
    once per seed of :data:`BATCH_SEEDS` (rows carry a "seed" column)."""
    rows = []
    with single_thread():
        for seed in BATCH_SEEDS:
            for row in batch_size_study(moons_split(seed=seed), (4, 100), seed=seed):
                rows.append({"seed": seed, **row})
    return tuple(rows)


def batch_size_wins() -> dict[str, dict[int, int]]:
    """For each budget, how many seeds each batch size had the lower validation loss in."""
    rows = batch_size_rows()
    val = {(r["seed"], r["batch size"], r["budget"]): r["val_loss"] for r in rows}
    out = {}
    for budget in ("equal epochs", "equal updates"):
        wins = {4: 0, 100: 0}
        for seed in BATCH_SEEDS:
            small, large = val[seed, 4, budget], val[seed, 100, budget]
            wins[4 if small < large else 100] += 1
        out[budget] = wins
    return out


def batch_size_verdict() -> str:
    parts = []
    for budget, wins in batch_size_wins().items():
        parts.append(
            f"{budget}: B = 4 has the lower validation loss for {wins[4]} of "
            f"{len(BATCH_SEEDS)} seeds, B = 100 for {wins[100]}"
        )
    return "; ".join(parts)


# -- 002 §4.4: the 10-20-1 example (labelled 伪代码, pseudocode, by the article) -----------------


@lru_cache(maxsize=1)
def classifier_listing_errors(seed: int = 0) -> tuple[tuple[str, str, str], ...]:
    """Run the listing's failing constructs, in order; (construct, exception type, message).

    1. Labels built with ``1 if x > 0 else 0`` for each row x of a (100, 10) tensor: ``x > 0``
       is a tensor of 10 booleans, and ``if`` on it is ambiguous.
    2. The training loop reads ``num_epochs``, which the listing never defines.
    3. With labels built per row (as a LongTensor of shape (100,)), ``nn.BCELoss`` refuses
       them: the target must match the (100, 1) output; reshaped, it must be float, not long.

    The model is the listing's (:func:`bigmodel_lab.optim.classifier.classifier_10_20_1`);
    the corrected version that trains is :func:`bigmodel_lab.optim.classifier.train_classifier`.
    """
    gen = torch.Generator().manual_seed(seed)
    x_train = torch.randn(100, 10, generator=gen)
    model = classifier_10_20_1()
    out = []

    def attempt(label, thunk):
        try:
            thunk()
        except Exception as exc:  # noqa: BLE001 - the point is to show what is raised
            out.append((label, type(exc).__name__, str(exc)))
        else:  # pragma: no cover - would mean torch changed its behaviour
            out.append((label, "no error", ""))

    attempt(
        "torch.tensor([1 if x > 0 else 0 for x in x_train])",
        lambda: torch.tensor([1 if x > 0 else 0 for x in x_train]),
    )
    attempt(
        "for epoch in range(num_epochs): ...",
        lambda: exec("for epoch in range(num_epochs):\n    pass", {}),
    )
    y_rows = torch.tensor([1 if x.sum() > 0 else 0 for x in x_train])
    attempt(
        "nn.BCELoss()(outputs, y_train)  # y_train: int64, shape (100,)",
        lambda: nn.BCELoss()(model(x_train), y_rows),
    )
    attempt(
        "nn.BCELoss()(outputs, y_train[:, None])  # int64, shape (100, 1)",
        lambda: nn.BCELoss()(model(x_train), y_rows[:, None]),
    )
    return tuple(out)


@erratum(
    source="002",
    section="§4.4",
    quantity="labelling rule of the 10-20-1 example (pseudocode)",
    printed="y_train = torch.tensor([1 if x > 0 else 0 for x in x_train])",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch02-errata-classifier",
)
def classifier_label_rule_undefined():
    _, kind, message = classifier_listing_errors()[0]
    return (
        "the article labels the listing 伪代码 (pseudocode), but even as pseudocode the rule is "
        "undefined: x is a row of 10 features, so x > 0 is 10 comparisons, not one "
        f"(torch: {kind}: {message}). The book labels a row 1 when its features sum to more than 0"
    )


def regression_listing_error() -> tuple[str, str]:
    """Run the first line of 000 §5.2 that uses the data, with the data never defined."""
    try:
        exec("X_std = (X - X.mean(axis=0)) / X.std(axis=0)", {})
    except NameError as exc:
        return type(exc).__name__, str(exc)
    raise AssertionError("the listing unexpectedly ran")  # pragma: no cover


@erratum(
    source="000",
    section="§5.2",
    quantity="the regression's data set",
    printed="# X, y = ... … Test Loss: 0.11759937893041682",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch02-regression",
)
def regression_data_missing():
    kind, message = regression_listing_error()
    return (
        f"{kind}: {message} at the first line that uses the data: the data set is only assumed "
        "(假设), so the test loss reported in §5.4 cannot come from this script; no such data "
        "set is published, and the book substitutes scikit-learn's bundled diabetes data"
    )


# -- 000 §5.2: standardised before the split -------------------------------------------------


def standardisation_leak(factor: float = 10.0) -> dict:
    """How far one changed test row moves the standardised *training* features.

    The diabetes features in their stored order, split as the article splits (first 80 %
    train, rest test). The last (test) row is multiplied by ``factor``, a data-entry slip.
    "article": standardise all rows, then split; "split first": standardise with the training
    rows' mean and standard deviation only. Returns the largest change of any standardised
    training feature under each pipeline.
    """
    from sklearn.datasets import load_diabetes

    X = load_diabetes().data
    train_size = int(len(X) * 0.8)

    def article(data):
        return ((data - data.mean(axis=0)) / data.std(axis=0))[:train_size]

    def split_first(data):
        train = data[:train_size]
        return (train - train.mean(axis=0)) / train.std(axis=0)

    changed = X.copy()
    changed[-1] *= factor
    return {
        "train_size": train_size,
        "test_size": len(X) - train_size,
        "article": float(np.max(np.abs(article(changed) - article(X)))),
        "split first": float(np.max(np.abs(split_first(changed) - split_first(X)))),
    }


@erratum(
    source="000",
    section="§5.2",
    quantity="standardisation before the train/test split (test rows leak into training)",
    printed="X_std = (X - X.mean(axis=0)) / X.std(axis=0) … "
    "X_train, X_test = X_std[:train_size], X_std[train_size:]",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch02-errata-leak",
)
def standardised_before_split():
    d = standardisation_leak()
    assert d["split first"] < 1e-12
    return (
        "the mean and standard deviation include the test rows, so the training features depend "
        "on the test set: on the diabetes data split 80/20 as printed, multiplying one test row "
        f"by 10 moves the standardised training features by up to {d['article']:.3f}; "
        "standardised with the training rows' statistics, they move by < 1e-12"
    )
