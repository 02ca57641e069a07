"""The 10-20-1 classifier of *New business models in the age of large models* §4.4, corrected.

In torch on the CPU, the model is the listing's: 10 inputs, 20 ReLU units, one sigmoid output, trained full-batch
with Adam (η = 0.001) on the binary cross-entropy

    L = −(1/N) Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)],   p_i = σ(z_i).

The listing's labelling rule "1 if x > 0" is undefined for a row of 10 features; here a row is
labelled 1 when its features sum to more than 0, which gives a learnable (linearly separable)
task. The listing's failing lines are reproduced in :mod:`bigmodel_lab.errata.ch02`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..checks import check_positive_int
from ..training import fit, seed_everything


def classifier_data(n: int = 100, *, seed: int = 0):
    """x ~ N(0, I) in 10-D and the label 1 when the features sum to more than 0, as float32."""
    n = check_positive_int("n", n)
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 10, generator=gen)
    y = (x.sum(dim=1, keepdim=True) > 0).float()
    return x, y


def classifier_10_20_1() -> nn.Sequential:
    """Linear(10, 20), ReLU, Linear(20, 1), sigmoid: the listing's model."""
    return nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 1), nn.Sigmoid())


def train_classifier(*, epochs: int = 300, lr: float = 1e-3, seed: int = 0, n_test: int = 2000):
    """The corrected listing: full-batch Adam on 100 examples; (model, losses, test accuracy)."""
    epochs = check_positive_int("epochs", epochs)
    seed_everything(seed)
    x_train, y_train = classifier_data(100, seed=seed)
    x_test, y_test = classifier_data(n_test, seed=seed + 1)
    model = classifier_10_20_1()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    full_batch = [(x_train, y_train)]  # every epoch is one step on all 100 examples
    history = fit(model, full_batch, optimizer, nn.BCELoss(), epochs=epochs)
    losses = history.train_loss
    with torch.no_grad():
        acc = float(((model(x_test) > 0.5).float() == y_test).float().mean())
    return model, np.array(losses), acc
