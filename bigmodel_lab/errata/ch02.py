"""Errata demonstrated in chapter 2 (gradient descent and its variants).

Each function recomputes, with the package, what a source chapter got wrong about the
update rule, its hyper-parameters, or its listings. The helpers are also called by the
notebook, so the page and the errata table show the same computation.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from ..formulas import mse, mse_grad
from ..optim import SGD, StepDecay, experiments as E
from ..optim.problems import train
from . import Kind, erratum

NB = "notebooks/02_gradient_descent"


# -- 002 §4.3.1: the MSE gradient -----------------------------------------------------------

#: a one-parameter model ŷ = θ x on three examples
MSE_EXAMPLE = {"x": np.array([1.0, 2.0, 3.0]), "y": np.array([2.0, 4.0, 5.0]), "theta": 0.5}


def mse_gradient_example(lr: float = 0.1) -> dict:
    """∂MSE/∂θ for ŷ = θx: the chapter's 2(y − ŷ)·∂ŷ/∂θ (summed), ours, and torch autograd.

    Also the MSE after one step θ ← θ − α·gradient with each, from the same θ.
    """
    x, y, theta = MSE_EXAMPLE["x"], MSE_EXAMPLE["y"], MSE_EXAMPLE["theta"]
    y_hat = theta * x
    chapter = float(np.sum(2.0 * (y - y_hat) * x))
    ours = float(mse_grad(y_hat, y) @ x)  # chain rule: ∂L/∂θ = Σ_i ∂L/∂ŷ_i · x_i
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    torch.mean((t * torch.from_numpy(x) - torch.from_numpy(y)) ** 2).backward()
    return {
        "chapter": chapter,
        "ours": ours,
        "autograd": t.grad.item(),
        "loss_before": mse(y_hat, y),
        "loss_after_chapter_step": mse((theta - lr * chapter) * x, y),
        "loss_after_correct_step": mse((theta - lr * ours) * x, y),
    }


@erratum(
    source="002",
    section="§4.3.1",
    quantity="gradient of the MSE",
    printed="∂MSE/∂θ = 2(y − ŷ)·∂ŷ/∂θ",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch02-errata-mse-gradient",
)
def mse_gradient_sign_and_factor():
    d = mse_gradient_example()
    return (
        f"−(2/n) Σ (y − ŷ)·∂ŷ/∂θ; for ŷ = θx on 3 examples autograd gives {d['autograd']:.4f}, "
        f"the chapter's form {d['chapter']:+.4f} (sign flipped, n times too large); one step "
        f"along it raises the MSE from {d['loss_before']:.4f} to "
        f"{d['loss_after_chapter_step']:.4f}"
    )


# -- learning rate: too large, and decay ------------------------------------------------------


@lru_cache(maxsize=1)
def diabetes_problems():
    """(fit, validation) least-squares problems on the diabetes split (standardised target)."""
    return E.diabetes_least_squares(E.diabetes_split())


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
    printed="too high a learning rate makes training unstable, even over-fitting (过拟合)",
    kind=Kind.IMPOSSIBLE_CLAIM,
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
    printed="learning-rate decay (学习率衰减) during training prevents over-fitting",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch02-errata-decay",
)
def decay_reduces_noise_not_overfitting():
    d = decay_runs()
    return (
        f"SGD (B = 1), 20 epochs: excess training loss {d['constant'][0]:.2e} at constant η, "
        f"{d['step decay'][0]:.2e} with step decay; decay quiets the gradient noise so the "
        "model fits the training set more closely, not less"
    )


# -- batch size and generalisation ------------------------------------------------------------


@lru_cache(maxsize=1)
def batch_size_rows() -> tuple:
    """The batch-size study on the noisy moons (batch 4 and 100; equal epochs / equal updates)."""
    with E.single_thread():
        return tuple(E.batch_size_study(E.moons_split(), (4, 100)))


def _val(rows, batch, budget) -> float:
    return next(r["val_loss"] for r in rows if r["batch size"] == batch and r["budget"] == budget)


def batch_size_verdict() -> str:
    rows = batch_size_rows()
    parts = []
    for budget in ("equal epochs", "equal updates"):
        small, large = _val(rows, 4, budget), _val(rows, 100, budget)
        better = "B = 4" if small < large else "B = 100"
        parts.append(f"{budget}: {better} has the lower validation loss")
    return "; ".join(parts)


@erratum(
    source="000",
    section="§3.6.1.2",
    quantity="batch size and over-fitting",
    printed="smaller batches (批量大小) lower the risk of over-fitting, larger ones may raise it",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch02-errata-batch-size",
)
def small_batches_and_overfitting():
    return (
        f"{batch_size_verdict()}. The claim holds only when the number of updates is held "
        "fixed, and *New business models…* §4.5.1 states the opposite"
    )


@erratum(
    source="002",
    section="§4.5.1",
    quantity="batch size and generalisation",
    printed="larger batches give better generalisation (泛化能力)",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch02-errata-batch-size",
)
def large_batches_and_generalisation():
    return (
        f"{batch_size_verdict()}. The claim holds only when the number of epochs is held "
        "fixed, and *Evaluating the business value…* §3.6.1.2 states the opposite"
    )


# -- listings that do not run -----------------------------------------------------------------


@lru_cache(maxsize=1)
def classifier_errors() -> tuple:
    return tuple(E.chapter_classifier_errors())


@erratum(
    source="002",
    section="§4.4",
    quantity="labels of the 10-20-1 example",
    printed="y_train = torch.tensor([1 if x > 0 else 0 for x in x_train])",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch02-errata-classifier",
)
def classifier_labels_do_not_build():
    _, kind, message = classifier_errors()[0]
    return f"{kind}: {message}"


@erratum(
    source="002",
    section="§4.4",
    quantity="training loop of the 10-20-1 example",
    printed="for epoch in range(num_epochs):",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch02-errata-classifier",
)
def classifier_epochs_undefined():
    _, kind, message = classifier_errors()[1]
    return f"{kind}: {message}"


@erratum(
    source="002",
    section="§4.4",
    quantity="BCELoss target of the 10-20-1 example",
    printed="criterion = nn.BCELoss(); loss = criterion(outputs, y_train)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch02-errata-classifier",
)
def classifier_target_shape_and_dtype():
    errors = classifier_errors()
    return " then, reshaped to (100, 1), ".join(f"{k}: {m}" for _, k, m in errors[2:4])


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
    printed="X, y = ...  # a financial data set of companies (commented out)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch02-regression",
)
def regression_data_missing():
    kind, message = regression_listing_error()
    return (
        f"{kind}: {message}; no such data set is published, the book substitutes "
        "scikit-learn's bundled diabetes data"
    )
