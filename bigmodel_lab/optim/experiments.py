"""The chapter's trained models, in torch on the CPU: small, seeded, and quick.

- The regression of *Evaluating the business value of large models* §5.2 (dense 128-64-1,
  ReLU, Adam, MSE, 50 epochs, batch 32, validation split 0.2). Its financial data set does
  not exist; the substitute is scikit-learn's bundled diabetes data set (442 patients, 10
  features, a disease-progression score), loaded offline with ``load_diabetes``.
- The 10-20-1 binary classifier of *New business models in the age of large models* §4.4:
  the listing's failing lines reproduced (:func:`chapter_classifier_errors`), then a
  corrected version that trains.
- An over-fitting example (noisy two moons, 100 training points, a wide 2-256-256-1
  network) for dropout, early stopping and batch size.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..checks import check_positive_int
from ..progress import progress
from ..training import EarlyStopping, fit, seed_everything
from .dropconnect import DropConnectLinear


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


# -- data -------------------------------------------------------------------------------------


@dataclass
class Split:
    """Training (fit), validation and test arrays, float32; features standardised."""

    X_fit: np.ndarray
    y_fit: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {"fit": len(self.y_fit), "validation": len(self.y_val), "test": len(self.y_test)}

    def loaders(self, batch_size: int, seed: int):
        """(shuffled training loader, validation loader, test loader) of (x, y[:, None])."""

        def ds(X, y):
            return torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)[:, None])

        g = torch.Generator().manual_seed(seed)
        dl = torch.utils.data.DataLoader
        return (
            dl(ds(self.X_fit, self.y_fit), batch_size=batch_size, shuffle=True, generator=g),
            dl(ds(self.X_val, self.y_val), batch_size=len(self.y_val)),
            dl(ds(self.X_test, self.y_test), batch_size=len(self.y_test)),
        )


def diabetes_split(
    *, test_fraction: float = 0.2, validation_split: float = 0.2, seed: int = 0
) -> Split:
    """The diabetes data split as the chapter splits its data: test, then Keras' validation.

    The rows are shuffled once (seeded); the last ``test_fraction`` become the test set. As
    Keras' ``validation_split`` does, the last ``validation_split`` of the remaining rows are
    held out for validation. Features are standardised with the fitting rows' mean and
    standard deviation only, so no test statistics leak into training (the chapter
    standardises before splitting).
    """
    from sklearn.datasets import load_diabetes  # bundled with scikit-learn: no download

    for name, frac in (("test_fraction", test_fraction), ("validation_split", validation_split)):
        if not 0.0 < frac < 1.0:
            raise ValueError(f"{name}: expected a fraction in (0, 1), got {frac!r}.")
    data = load_diabetes()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data.target))
    X, y = data.data[order], data.target[order]
    n_train = int(len(y) * (1.0 - test_fraction))
    n_fit = int(n_train * (1.0 - validation_split))
    mean, std = X[:n_fit].mean(axis=0), X[:n_fit].std(axis=0)
    Xs = ((X - mean) / std).astype(np.float32)
    y = y.astype(np.float32)
    return Split(
        Xs[:n_fit], y[:n_fit], Xs[n_fit:n_train], y[n_fit:n_train], Xs[n_train:], y[n_train:]
    )


def moons_split(
    *, n_train: int = 100, n_val: int = 1000, n_test: int = 1000, noise: float = 0.35, seed: int = 0
) -> Split:
    """Two interleaved half-moons with label noise (sklearn.datasets.make_moons, generated).

    With 100 training points and noise 0.35 many labels sit on the wrong side of any smooth
    boundary, so a wide network can fit the training set only by memorising them. Training
    and validation points come from one draw (``random_state=seed``); the test set is a
    separate draw (``random_state=seed + 1``), so that whatever is chosen on the validation
    set (an epoch, a hyper-parameter) is judged on points that played no part in choosing it.
    """
    from sklearn.datasets import make_moons

    n_train, n_val = check_positive_int("n_train", n_train), check_positive_int("n_val", n_val)
    n_test = check_positive_int("n_test", n_test)
    X, y = make_moons(n_train + n_val, noise=noise, random_state=seed)
    X_test, y_test = make_moons(n_test, noise=noise, random_state=seed + 1)
    X, y = X.astype(np.float32), y.astype(np.float32)
    return Split(
        X[:n_train],
        y[:n_train],
        X[n_train:],
        y[n_train:],
        X_test.astype(np.float32),
        y_test.astype(np.float32),
    )


def diabetes_least_squares(split: Split):
    """(fit, validation) least-squares problems on the diabetes split, in float64.

    Features get a column of ones for the intercept; the target is standardised with the
    fitting rows' mean and standard deviation, so a loss of 1 means "no better than the mean".
    """
    from .problems import LeastSquares

    mean, std = float(split.y_fit.mean()), float(split.y_fit.std())

    def make(X, y):
        A = np.column_stack([X.astype(np.float64), np.ones(len(y))])
        return LeastSquares(A, (y.astype(np.float64) - mean) / std)

    return make(split.X_fit, split.y_fit), make(split.X_val, split.y_val)


# -- the regression of 000 §5.2 --------------------------------------------------------------


def regression_mlp(n_features: int) -> nn.Sequential:
    """Dense n-128-64-1 with ReLU, a linear output: the chapter's Keras model in torch."""
    n_features = check_positive_int("n_features", n_features)
    return nn.Sequential(
        nn.Linear(n_features, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 1)
    )


def train_regression(
    split: Split, *, epochs: int = 50, batch_size: int = 32, lr: float = 1e-3, seed: int = 0
):
    """Adam + MSE as in the chapter; returns (model, History). Targets are not rescaled."""
    seed_everything(seed)
    model = regression_mlp(split.X_fit.shape[1])
    train_loader, val_loader, _ = split.loaders(batch_size, seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(model, train_loader, opt, nn.MSELoss(), epochs=epochs, val_loader=val_loader)
    return model, history


@torch.no_grad()
def predict_numpy(model: nn.Module, X: np.ndarray) -> np.ndarray:
    model.eval()
    return model(torch.from_numpy(np.asarray(X, dtype=np.float32))).numpy().reshape(-1)


def regression_baselines(split: Split) -> dict[str, float]:
    """Test MSE of predicting the training mean, and of least-squares linear regression."""
    y_fit = split.y_fit.astype(np.float64)
    y_test = split.y_test.astype(np.float64)
    mean_mse = float(np.mean((y_test - y_fit.mean()) ** 2))
    A = np.column_stack([split.X_fit.astype(np.float64), np.ones(len(y_fit))])
    coef = np.linalg.lstsq(A, y_fit, rcond=None)[0]
    A_test = np.column_stack([split.X_test.astype(np.float64), np.ones(len(y_test))])
    lin_mse = float(np.mean((y_test - A_test @ coef) ** 2))
    return {"predict the mean": mean_mse, "linear regression": lin_mse}


# -- the 10-20-1 classifier of 002 §4.4 ------------------------------------------------------


def chapter_classifier_errors(seed: int = 0) -> list[tuple[str, str, str]]:
    """Run the listing's failing constructs, in order; (construct, exception type, message).

    1. Labels built with ``1 if x > 0 else 0`` for each row x of a (100, 10) tensor: ``x > 0``
       is a tensor of 10 booleans, and ``if`` on it is ambiguous.
    2. The training loop reads ``num_epochs``, which the listing never defines.
    3. With labels built per row (as a LongTensor of shape (100,)), ``nn.BCELoss`` refuses
       them: the target must match the (100, 1) output; reshaped, it must be float, not long.
    """
    gen = torch.Generator().manual_seed(seed)
    x_train = torch.randn(100, 10, generator=gen)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 1), nn.Sigmoid())
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
    return out


def classifier_data(n: int = 100, *, seed: int = 0):
    """x ~ N(0, I) in 10-D and the label 1 when the features sum to more than 0, as float32.

    The chapter's rule "1 if x > 0" is ambiguous for a 10-feature row; the sum is one
    reading that gives a learnable (linearly separable) task.
    """
    n = check_positive_int("n", n)
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 10, generator=gen)
    y = (x.sum(dim=1, keepdim=True) > 0).float()
    return x, y


def classifier_10_20_1() -> nn.Sequential:
    return nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 1), nn.Sigmoid())


def train_classifier(*, epochs: int = 300, lr: float = 1e-3, seed: int = 0, n_test: int = 2000):
    """The corrected listing: full-batch Adam on 100 examples; (model, losses, test accuracy)."""
    epochs = check_positive_int("epochs", epochs)
    seed_everything(seed)
    x_train, y_train = classifier_data(100, seed=seed)
    x_test, y_test = classifier_data(n_test, seed=seed + 1)
    model = classifier_10_20_1()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.BCELoss()
    losses = []
    for _ in progress(range(epochs), desc="epochs"):
        optimizer.zero_grad()
        loss = criterion(model(x_train), y_train)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        acc = float(((model(x_test) > 0.5).float() == y_test).float().mean())
    return model, np.array(losses), acc


# -- over-fitting: dropout, early stopping, batch size ---------------------------------------


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
    split: Split,
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
    split: Split,
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
    split: Split,
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
