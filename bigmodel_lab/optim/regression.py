"""The regression of *Evaluating the business value of large models* §5.2, in torch on the CPU.

A dense n-128-64-1 network (ReLU, linear output) trained with Adam on the mean squared error,

    L = (1/N) Σ_i (ŷ_i − y_i)²,

for 50 epochs in batches of 32 with a validation split of 0.2: the chapter's Keras model. Its
financial data set does not exist; the substitute is scikit-learn's diabetes data
(:func:`~bigmodel_lab.optim.splits.diabetes_split`). Two baselines say what the network has
to beat: predicting the training mean, and least-squares linear regression.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..checks import check_positive_int
from ..training import fit, seed_everything
from .splits import ArraySplit


def regression_mlp(n_features: int) -> nn.Sequential:
    """Dense n-128-64-1 with ReLU, a linear output: the chapter's Keras model in torch."""
    n_features = check_positive_int("n_features", n_features)
    return nn.Sequential(
        nn.Linear(n_features, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 1)
    )


def train_regression(
    split: ArraySplit, *, epochs: int = 50, batch_size: int = 32, lr: float = 1e-3, seed: int = 0
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
    """The model's outputs for the rows of X, in eval mode, as a flat NumPy array."""
    model.eval()
    return model(torch.from_numpy(np.asarray(X, dtype=np.float32))).numpy().reshape(-1)


def regression_baselines(split: ArraySplit) -> dict[str, float]:
    """Test MSE of predicting the training mean, and of least-squares linear regression."""
    y_fit = split.y_fit.astype(np.float64)
    y_test = split.y_test.astype(np.float64)
    mean_mse = float(np.mean((y_test - y_fit.mean()) ** 2))
    A = np.column_stack([split.X_fit.astype(np.float64), np.ones(len(y_fit))])
    coef = np.linalg.lstsq(A, y_fit, rcond=None)[0]
    A_test = np.column_stack([split.X_test.astype(np.float64), np.ones(len(y_test))])
    lin_mse = float(np.mean((y_test - A_test @ coef) ** 2))
    return {"predict the mean": mean_mse, "linear regression": lin_mse}
