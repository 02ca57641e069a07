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
- ``problems``: least squares, mini-batches and the exact mini-batch gradient noise.
- ``experiments``: the chapter's torch models (the 128-64-1 regression, the 10-20-1
  classifier) and an over-fitting example with training, validation and test sets.
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
