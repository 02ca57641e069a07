"""Weight initialisation (权重初始化): Xavier/Glorot and He/Kaiming, and what they preserve.

A layer z = W a with n_in inputs of variance v and weights of variance s² gives
Var(z) = n_in s² v. Keeping the signal's scale from layer to layer needs

- Xavier (Glorot, for tanh/sigmoid around 0):  s² = 2 / (n_in + n_out)
  (= 1/n_in when n_in = n_out), torch.nn.init.xavier_normal_;
- He (Kaiming, for ReLU, which zeroes half the inputs and so halves E[a²]):  s² = 2 / n_in,
  torch.nn.init.kaiming_normal_(nonlinearity="relu").

The uniform variants draw from U(−r, r) with r = √3 s, which has the same variance.
:func:`activation_spread` pushes data through a deep stack and reports the spread per layer.
"""

from __future__ import annotations

import math

import numpy as np

from ..checks import check_positive_int

SCHEMES = ("xavier", "he", "normal")


def init_std(scheme: str, n_in: int, n_out: int, *, std: float = 0.01) -> float:
    """Standard deviation of the weights of an (n_out × n_in) layer under ``scheme``.

    "xavier": √(2/(n_in + n_out)); "he": √(2/n_in); "normal": the fixed ``std`` given.
    """
    n_in, n_out = check_positive_int("n_in", n_in), check_positive_int("n_out", n_out)
    if scheme == "xavier":
        return math.sqrt(2.0 / (n_in + n_out))
    if scheme == "he":
        return math.sqrt(2.0 / n_in)
    if scheme == "normal":
        if not std > 0:
            raise ValueError(f"std: expected a positive standard deviation, got {std}.")
        return float(std)
    raise ValueError(f"scheme: expected one of {SCHEMES}, got {scheme!r}.")


def init_weights(
    scheme: str,
    n_in: int,
    n_out: int,
    rng: np.random.Generator,
    *,
    distribution: str = "normal",
    std: float = 0.01,
) -> np.ndarray:
    """A weight matrix of shape (n_out, n_in) drawn with the standard deviation of ``scheme``."""
    s = init_std(scheme, n_in, n_out, std=std)
    if distribution == "normal":
        return rng.normal(0.0, s, size=(n_out, n_in))
    if distribution == "uniform":
        r = math.sqrt(3.0) * s
        return rng.uniform(-r, r, size=(n_out, n_in))
    raise ValueError(f"distribution: expected 'normal' or 'uniform', got {distribution!r}.")


_ACT = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "identity": lambda z: z,
}


def activation_spread(
    scheme: str,
    activation: str,
    *,
    depth: int = 20,
    width: int = 256,
    n: int = 500,
    std: float = 0.01,
    seed: int = 0,
) -> np.ndarray:
    """Standard deviation of the activations after each of ``depth`` layers (length depth + 1).

    Input: n standard-normal examples of ``width`` features (entry 0 is their spread); every
    layer is ``width`` wide, biases are zero, weights follow ``scheme``.
    """
    if activation not in _ACT:
        raise ValueError(f"activation: expected one of {sorted(_ACT)}, got {activation!r}.")
    depth, width, n = (
        check_positive_int("depth", depth),
        check_positive_int("width", width),
        check_positive_int("n", n),
    )
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, width))
    spread = [float(a.std())]
    f = _ACT[activation]
    for _ in range(depth):
        W = init_weights(scheme, width, width, rng, std=std)
        a = f(a @ W.T)
        spread.append(float(a.std()))
    return np.array(spread)
