"""Gradient descent and its variants (chapter 2): optimisers, schedules, regularisation.

- ``optimizers``: SGD (full-batch, stochastic, mini-batch), Momentum, Nesterov, AdaGrad,
  RMSprop, Adam, AdamW in NumPy, each matching torch.optim step for step.
- ``schedules``: step decay, exponential decay, cosine annealing, linear warm-up, and
  warm-up followed by cosine, each matching a torch.optim.lr_scheduler.
- ``regularization``: L1 and L2 penalties and gradients, soft-thresholding, dropout.
- ``dropconnect``: DropConnect, a linear layer whose weights are dropped in training.
- ``search``: grid and random hyper-parameter search.
- ``ensembles``: bagging (bootstrap samples, averaged probabilities) and AdaBoost with stumps.
- ``initialization``: Xavier and He initialisation and the spread of activations with depth.
- ``surfaces``: 2-D loss surfaces (ill-conditioned quadratic, Rosenbrock, saddle) and a runner.
- ``least_squares``: least squares as a test bench: mini-batches, the exact mini-batch
  gradient noise, the stable learning rate, L1- and L2-penalised fits.
- ``splits``: the chapter's data sets (diabetes, noisy moons) as training, validation and
  test arrays (``ArraySplit``) with their torch loaders.
- ``regression``: the 128-64-1 regression of *Evaluating the business value of large models*
  §5.2, trained on the diabetes data, and its two baselines.
- ``classifier``: the 10-20-1 classifier of *New business models in the age of large models*
  §4.4, corrected so that it trains.
- ``overfitting``: a wide network over-fitting the noisy moons; dropout, DropConnect, weight
  decay, early stopping and the batch size under equal epochs or equal updates.

The source articles' failing listings are reproduced in :mod:`bigmodel_lab.errata.ch02`.
"""

from .optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    Optimizer,
    RMSprop,
    update_rules,
)
from .schedules import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    LinearWarmup,
    StepDecay,
    WarmupCosine,
)

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "Adam",
    "AdamW",
    "Constant",
    "CosineAnnealing",
    "ExponentialDecay",
    "LinearWarmup",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSprop",
    "StepDecay",
    "WarmupCosine",
    "update_rules",
]
