"""Activation functions (激活函数) and their derivatives, element-wise.

Notation of the book: z is a pre-activation, a = f(z) the activation, f'(z) its derivative.

=========  ==========================  ==============================
name       f(z)                        f'(z)
=========  ==========================  ==============================
sigmoid    σ(z) = 1 / (1 + e^(-z))     σ(z) (1 - σ(z))
relu       max(0, z)                   1 if z > 0, else 0
tanh       tanh(z)                     1 - tanh(z)^2
identity   z                           1
=========  ==========================  ==============================

ReLU'(0): the function has a corner at 0, so the derivative does not exist there; any value in
[0, 1] is a valid subgradient. We use 0, as PyTorch does, so that our gradients equal
torch.autograd's bit for bit. The choice does not matter in practice: a float pre-activation
is exactly 0.0 with vanishing probability, and at that single point either choice still gives
a descent direction.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)), computed without overflow for large |z|."""
    z = as_float_array("z", z)
    # e^(-z) overflows for z << 0, so use the equivalent e^z / (1 + e^z) there.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """σ'(z) = σ(z) (1 - σ(z)). Note the argument is z, not a = σ(z)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """ReLU(z) = max(0, z)."""
    z = as_float_array("z", z)
    return np.maximum(z, 0.0)


def relu_grad(z):
    """ReLU'(z) = 1 if z > 0 else 0 (the value 0 at z = 0 is our convention, see above)."""
    z = as_float_array("z", z)
    return (z > 0).astype(z.dtype)


def tanh(z):
    """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z))."""
    z = as_float_array("z", z)
    return np.tanh(z)


def tanh_grad(z):
    """tanh'(z) = 1 - tanh(z)^2."""
    t = tanh(z)
    return 1.0 - t * t


def identity(z):
    """f(z) = z, used for a linear output layer."""
    return as_float_array("z", z)


def identity_grad(z):
    """f'(z) = 1."""
    z = as_float_array("z", z)
    return np.ones_like(z)


#: name -> (f, f'); the dense network and the notebooks look activations up here.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "relu": (relu, relu_grad),
    "tanh": (tanh, tanh_grad),
    "identity": (identity, identity_grad),
}


def get_activation(name: str):
    """Return ``(f, f')`` for an activation name, with a clear error for unknown names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"activation: unknown name {name!r}; choose one of {sorted(ACTIVATIONS)}."
        ) from None
