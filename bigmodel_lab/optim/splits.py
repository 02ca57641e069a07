"""The chapter's two data sets, split into training (fit), validation and test arrays.

- The diabetes regression (scikit-learn's bundled ``load_diabetes``: 442 patients, 10
  features, a disease-progression score, loaded offline) split as *Evaluating the business
  value of large models* §5.2 splits its data: a test set, then Keras' ``validation_split``.
  It stands in for the chapter's financial data set, which does not exist.
- Two noisy interleaved half-moons (``make_moons``, generated) with few training points: a
  data set that a wide network over-fits.

Both are returned as an :class:`ArraySplit` of float32 arrays, which also builds the torch
loaders that :func:`bigmodel_lab.training.fit` takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..checks import check_positive_int


@dataclass
class ArraySplit:
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
) -> ArraySplit:
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
    return ArraySplit(
        Xs[:n_fit], y[:n_fit], Xs[n_fit:n_train], y[n_fit:n_train], Xs[n_train:], y[n_train:]
    )


def moons_split(
    *, n_train: int = 100, n_val: int = 1000, n_test: int = 1000, noise: float = 0.35, seed: int = 0
) -> ArraySplit:
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
    return ArraySplit(
        X[:n_train],
        y[:n_train],
        X[n_train:],
        y[n_train:],
        X_test.astype(np.float32),
        y_test.astype(np.float32),
    )
