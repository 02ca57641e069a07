"""A dense network (全连接网络 / 多层感知机) of any layer sizes, with explicit passes.

Layers are numbered l = 1..L. With a^(0) = x (one example per row of X):

    forward:   z^(l) = W^(l) a^(l-1) + b^(l),      a^(l) = f_l(z^(l))
    output:    δ^(L) = ∂L/∂z^(L) = ∂L/∂a^(L) ⊙ f_L'(z^(L))
    backward:  δ^(l) = (W^(l+1)ᵀ δ^(l+1)) ⊙ f_l'(z^(l))            for l = L-1..1
    gradients: ∂L/∂W^(l) = δ^(l) a^(l-1)ᵀ,   ∂L/∂b^(l) = δ^(l)

For a batch the last two lines sum over the examples: with Δ^(l) of shape (N, n_l) holding
δ^(l) per row, ∂L/∂W^(l) = Δ^(l)ᵀ A^(l-1) and ∂L/∂b^(l) = Σ_i Δ^(l)_i. The 1/N of a mean
loss is already inside ∂L/∂a^(L), so it is not applied a second time here.

A softmax output layer is not element-wise; its δ^(L) uses the Jacobian of softmax,
δ_k = p_k (g_k - Σ_j g_j p_j) with g = ∂L/∂a^(L), which for cross-entropy reduces to (p - y)/N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..checks import as_float_array, check_shape
from .activations import get_activation
from .linear import linear
from .losses import get_loss
from .softmax import softmax

#: losses that are defined only on one kind of output: cross-entropy needs probabilities.
_OUTPUT_FOR_LOSS = {"bce": "sigmoid", "cce": "softmax"}


@dataclass
class Trace:
    """Everything the forward pass computed: z[l-1] = z^(l), a[l] = a^(l), a[0] = input."""

    z: list[np.ndarray] = field(default_factory=list)
    a: list[np.ndarray] = field(default_factory=list)

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass
class Gradients:
    """δ^(l), ∂L/∂W^(l) and ∂L/∂b^(l) for l = 1..L (list index l-1), and the loss."""

    loss: float
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]


class DenseNetwork:
    """Weights W^(l) of shape (n_l, n_{l-1}), biases b^(l) of shape (n_l,), activations f_l."""

    def __init__(self, weights, biases, activations):
        if not (len(weights) == len(biases) == len(activations)) or not weights:
            raise ValueError(
                "weights, biases and activations must be non-empty lists of equal length, got "
                f"{len(weights)}, {len(biases)} and {len(activations)}."
            )
        self.weights, self.biases = [], []
        for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
            W = as_float_array(f"weights[{l - 1}] (W^({l}))", W, ndim=2)
            b = as_float_array(f"biases[{l - 1}] (b^({l}))", b, ndim=1)
            check_shape(f"biases[{l - 1}] (b^({l}))", b, (W.shape[0],))
            if self.weights and W.shape[1] != self.weights[-1].shape[0]:
                raise ValueError(
                    f"weights[{l - 1}] (W^({l})): expected {self.weights[-1].shape[0]} input "
                    f"columns to match layer {l - 1}'s {self.weights[-1].shape[0]} units, "
                    f"got shape {W.shape}."
                )
            self.weights.append(W.astype(np.float64))
            self.biases.append(b.astype(np.float64))
        for name in activations:
            if name != "softmax":
                get_activation(name)  # raises for unknown names
        if "softmax" in activations[:-1]:
            raise ValueError("activations: softmax is supported only on the output layer.")
        self.activations = list(activations)

    @classmethod
    def initialise(cls, sizes, activations, *, seed: int = 0, scheme: str = "he"):
        """Random weights for layer sizes [n_0, n_1, ..., n_L], zero biases.

        scheme "he": W ~ N(0, 2/n_in) (for ReLU); "xavier": W ~ N(0, 2/(n_in + n_out)).
        """
        if len(sizes) < 2 or len(activations) != len(sizes) - 1:
            raise ValueError(
                f"sizes needs at least 2 entries and one activation per layer; got sizes={sizes} "
                f"and {len(activations)} activations."
            )
        for i, n in enumerate(sizes):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(
                    f"sizes[{i}]: every layer needs a positive whole number of units, got {n!r} "
                    f"in sizes={list(sizes)}."
                )
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            if scheme == "he":
                std = np.sqrt(2.0 / n_in)
            elif scheme == "xavier":
                std = np.sqrt(2.0 / (n_in + n_out))
            else:
                raise ValueError(f"scheme: expected 'he' or 'xavier', got {scheme!r}.")
            weights.append(rng.normal(0.0, std, size=(n_out, n_in)))
            biases.append(np.zeros(n_out))
        return cls(weights, biases, activations)

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    def _activate(self, l: int, z: np.ndarray) -> np.ndarray:
        name = self.activations[l]
        return softmax(z) if name == "softmax" else get_activation(name)[0](z)

    def forward(self, X) -> Trace:
        """Run the forward pass on X of shape (N, n_0) (or one example of shape (n_0,))."""
        X = as_float_array("X", X, ndim=(1, 2))
        if X.ndim == 1:
            X = X[None, :]
        if X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X: expected {self.sizes[0]} features per example, got shape {X.shape}."
            )
        trace = Trace(a=[X])
        for l, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = linear(W, trace.a[-1], b)
            trace.z.append(z)
            trace.a.append(self._activate(l, z))
        return trace

    def _loss_for_output(self, loss: str):
        fns = get_loss(loss)
        need = _OUTPUT_FOR_LOSS.get(loss)
        if need is not None and self.activations[-1] != need:
            raise ValueError(
                f"loss: {loss!r} needs a {need} output layer, but this network's output "
                f"activation is {self.activations[-1]!r}. Make the last activation {need!r}, "
                "or use loss 'mse'."
            )
        return fns

    def backward(self, trace: Trace, Y, loss: str) -> Gradients:
        """Back-propagate the loss named ``loss`` ("mse", "bce", "cce") from a forward trace."""
        loss_fn, loss_grad = self._loss_for_output(loss)
        out = trace.output
        Y = as_float_array("Y", Y, ndim=(1, 2))
        if Y.ndim == 1:
            Y = Y[None, :]
        check_shape("Y", Y, out.shape)
        value = loss_fn(out, Y)
        g = loss_grad(out, Y)  # ∂L/∂a^(L)
        L = len(self.weights)
        delta: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        if self.activations[-1] == "softmax":
            p = out
            delta[-1] = p * (g - np.sum(g * p, axis=1, keepdims=True))
        else:
            delta[-1] = g * get_activation(self.activations[-1])[1](trace.z[-1])
        for l in range(L - 2, -1, -1):
            f_prime = get_activation(self.activations[l])[1]
            delta[l] = (delta[l + 1] @ self.weights[l + 1]) * f_prime(trace.z[l])
        dW = [delta[l].T @ trace.a[l] for l in range(L)]
        db = [delta[l].sum(axis=0) for l in range(L)]
        return Gradients(loss=value, delta=delta, dW=dW, db=db)

    def loss(self, X, Y, loss: str) -> float:
        return self._loss_for_output(loss)[0](self.forward(X).output, np.atleast_2d(Y))

    def step(self, grads: Gradients, lr: float) -> DenseNetwork:
        """One gradient-descent step, returned as a new network: θ ← θ - η ∂L/∂θ."""
        if not lr > 0:
            raise ValueError(f"lr: the learning rate must be positive, got {lr}.")
        return DenseNetwork(
            [W - lr * dW for W, dW in zip(self.weights, grads.dW, strict=True)],
            [b - lr * db for b, db in zip(self.biases, grads.db, strict=True)],
            self.activations,
        )
