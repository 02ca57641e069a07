"""Readable NumPy reference formulas: the values every other part of the book is checked against.

Each formula comes with its derivative, written by hand in the book's notation: activations
(``activations``), the linear map and its backward pass (``linear``), softmax and its
vector-Jacobian product (``softmax``), the losses and their gradients (``losses``), a dense
network with explicit forward and backward passes (``dense``), and convolution and max-pooling
with their gradients (``conv``). Everything is float64 NumPy, checked in ``tests/formulas``
against torch autograd and finite differences.
"""

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
from .conv import conv2d, conv2d_grad, max_pool2d, max_pool2d_grad
from .dense import DenseNetwork, Gradients, Trace
from .linear import linear, linear_grad
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    binary_cross_entropy_with_logits_target_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    mse,
    mse_grad,
    one_hot,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from .softmax import log_softmax, logsumexp, softmax, softmax_vjp

__all__ = [
    "ACTIVATIONS",
    "DenseNetwork",
    "Gradients",
    "Trace",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "binary_cross_entropy_with_logits_target_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "conv2d",
    "conv2d_grad",
    "get_activation",
    "identity",
    "identity_grad",
    "linear",
    "linear_grad",
    "log_softmax",
    "logsumexp",
    "max_pool2d",
    "max_pool2d_grad",
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
    "softmax_vjp",
    "tanh",
    "tanh_grad",
]
