"""Readable NumPy reference formulas: the values every other part of the book is checked against."""

from .activations import (
    ACTIVATIONS,
    get_activation,
    identity,
    identity_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from .dense import DenseNetwork, Gradients, Trace
from .linear import linear
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    mse,
    mse_grad,
    one_hot,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from .softmax import log_softmax, logsumexp, softmax

__all__ = [
    "ACTIVATIONS",
    "DenseNetwork",
    "Gradients",
    "Trace",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "get_activation",
    "identity",
    "identity_grad",
    "linear",
    "log_softmax",
    "logsumexp",
    "mse",
    "mse_grad",
    "one_hot",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "tanh",
    "tanh_grad",
]
