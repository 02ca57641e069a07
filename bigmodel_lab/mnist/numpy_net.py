"""The 784-500-10 sigmoid network of *Large models: from data to business value* §3.2, in NumPy.

Notation (one example per row of X, shape (N, 784); one-hot targets Y, shape (N, 10)):

    forward:   Z1 = X W1ᵀ + b1,   A1 = σ(Z1)            (N, 500)
               Z2 = A1 W2ᵀ + b2,  A2 = σ(Z2)            (N, 10)
    loss:      L = (1/N) Σ_i Σ_k bce(A2_ik, Y_ik)       (the chapter sums the binary
               cross-entropy over the 10 outputs; we also average over the batch)
    backward:  Δ2 = ∂L/∂Z2 = (A2 - Y) / N
               Δ1 = (Δ2 W2) ⊙ σ'(Z1),  σ'(Z1) = A1 ⊙ (1 - A1)
               ∂L/∂W2 = Δ2ᵀ A1,  ∂L/∂b2 = Σ_i Δ2_i,  ∂L/∂W1 = Δ1ᵀ X,  ∂L/∂b1 = Σ_i Δ1_i
    update:    θ ← θ - η ∂L/∂θ

The chapter's pseudocode gets the update wrong: it *adds* the gradient (θ ← θ + ∂L/∂θ, which
climbs the loss) and has no learning rate (η = 1). It also calls ``sigmoid_derivative`` of the
hidden *output* A1 without defining it: read in the usual way, as a(1 - a) of the output a,
that is σ'(Z1) and correct; read as σ'(·) evaluated at A1 it would be σ(A1)(1 - σ(A1)).
:class:`UpdateRule` switches each of the three choices on its own, so the notebook can vary one
at a time and show what each one costs (the rule as printed is ``errata.ch04.PRINTED_UPDATE``).

The loss and Δ2 are computed from the logits Z2 (``binary_cross_entropy_with_logits``), so a
saturated output never produces log(0); that is what lets the printed, diverging update run to
the end and show its loss instead of crashing. :class:`bigmodel_lab.formulas.DenseNetwork`
with loss "bce" computes the same gradients (divided by the 10 outputs); the tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, check_labels, check_shape
from ..formulas import (
    DenseNetwork,
    binary_cross_entropy_with_logits,
    linear,
    one_hot,
    sigmoid,
    sigmoid_grad,
)
from ..progress import progress


@dataclass(frozen=True)
class UpdateRule:
    """How a step changes the parameters.

    sign: -1 descends the loss (correct), +1 climbs it (the chapter's ``+=``);
    lr: the learning rate η (the chapter has none, i.e. 1);
    hidden_derivative: "a(1-a)" multiplies by σ'(Z1) = A1(1 - A1) (correct), "sigmoid'(a)" by
    σ'(A1) (the other reading of the chapter's undefined ``sigmoid_derivative(hidden_layer_output)``).
    """

    sign: int = -1
    lr: float = 0.5
    hidden_derivative: str = "a(1-a)"

    def __post_init__(self):
        if self.sign not in (-1, 1):
            raise ValueError(f"sign: expected -1 (descend) or +1 (ascend), got {self.sign!r}.")
        if not (isinstance(self.lr, (int, float)) and np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr: expected a positive finite learning rate, got {self.lr!r}.")
        if self.hidden_derivative not in ("a(1-a)", "sigmoid'(a)"):
            raise ValueError(
                'hidden_derivative: expected "a(1-a)" or "sigmoid\'(a)", got '
                f"{self.hidden_derivative!r}."
            )


#: The correct update: descend with η = 0.5 and σ'(Z1) = A1(1 - A1). The pseudocode's own rule
#: is ``bigmodel_lab.errata.ch04.PRINTED_UPDATE``.
CORRECTED = UpdateRule()


class SigmoidMLP:
    """A 784-500-10 (or any n0-n1-n2) network with sigmoid hidden and output units."""

    def __init__(self, W1, b1, W2, b2):
        self.W1 = as_float_array("W1", W1, ndim=2).copy()
        self.W2 = as_float_array("W2", W2, ndim=2).copy()
        self.b1 = as_float_array("b1", b1, ndim=1).copy()
        self.b2 = as_float_array("b2", b2, ndim=1).copy()
        check_shape("b1", self.b1, (self.W1.shape[0],))
        check_shape("W2", self.W2, (None, self.W1.shape[0]))
        check_shape("b2", self.b2, (self.W2.shape[0],))

    @classmethod
    def initialise(cls, sizes=(784, 500, 10), *, seed: int = 0, dtype=np.float64):
        """Xavier-normal weights W ~ N(0, 2/(n_in + n_out)) and zero biases, reproducible."""
        if len(sizes) != 3 or any(int(n) < 1 for n in sizes):
            raise ValueError(f"sizes: expected three positive layer sizes, got {sizes!r}.")
        net = DenseNetwork.initialise(
            list(sizes), ["sigmoid", "sigmoid"], seed=seed, scheme="xavier"
        )
        (W1, W2), (b1, b2) = net.weights, net.biases
        return cls(W1.astype(dtype), b1.astype(dtype), W2.astype(dtype), b2.astype(dtype))

    @property
    def sizes(self) -> tuple[int, int, int]:
        return self.W1.shape[1], self.W1.shape[0], self.W2.shape[0]

    def copy(self) -> SigmoidMLP:
        return SigmoidMLP(self.W1, self.b1, self.W2, self.b2)

    def to_dense(self) -> DenseNetwork:
        """The same weights as a :class:`DenseNetwork` (the reference implementation)."""
        return DenseNetwork([self.W1, self.W2], [self.b1, self.b2], ["sigmoid", "sigmoid"])

    def _inputs(self, X):
        X = as_float_array("X", X, ndim=(1, 2))
        X = X[None, :] if X.ndim == 1 else X
        check_shape("X", X, (None, self.sizes[0]))
        return X

    def forward(self, X):
        """(Z1, A1, Z2, A2) for the rows of X."""
        X = self._inputs(X)
        Z1 = linear(self.W1, X, self.b1)
        A1 = sigmoid(Z1)
        Z2 = linear(self.W2, A1, self.b2)
        return Z1, A1, Z2, sigmoid(Z2)

    def _targets(self, labels, n: int):
        labels = check_labels("labels", labels, self.sizes[2])
        if labels.shape != (n,):
            raise ValueError(
                f"labels: expected {n} labels, one per row of X, got shape {labels.shape}."
            )
        return one_hot(labels, self.sizes[2])

    def loss(self, X, labels) -> float:
        """(1/N) Σ_i Σ_k bce: the chapter's summed cross-entropy, averaged over examples."""
        X = self._inputs(X)
        Y = self._targets(labels, X.shape[0])
        Z2 = self.forward(X)[2]
        return float(self.sizes[2] * binary_cross_entropy_with_logits(Z2, Y))

    def gradients(self, X, labels, *, hidden_derivative: str = "a(1-a)") -> dict:
        """∂L/∂θ for θ in W1, b1, W2, b2 (with the chapter's σ'(A1) if asked), and the loss."""
        UpdateRule(hidden_derivative=hidden_derivative)  # validates the name
        X = self._inputs(X)
        Y = self._targets(labels, X.shape[0])
        n = X.shape[0]
        Z1, A1, Z2, A2 = self.forward(X)
        delta2 = (A2 - Y) / n
        if hidden_derivative == "a(1-a)":
            fprime = A1 * (1.0 - A1)
        else:
            fprime = sigmoid_grad(A1)
        delta1 = (delta2 @ self.W2) * fprime
        return {
            "loss": float(self.sizes[2] * binary_cross_entropy_with_logits(Z2, Y)),
            "W1": delta1.T @ X,
            "b1": delta1.sum(axis=0),
            "W2": delta2.T @ A1,
            "b2": delta2.sum(axis=0),
        }

    def step(self, X, labels, rule: UpdateRule = CORRECTED) -> float:
        """Apply one update in place; returns the loss before the update."""
        g = self.gradients(X, labels, hidden_derivative=rule.hidden_derivative)
        scale = rule.sign * rule.lr
        for name in ("W1", "b1", "W2", "b2"):
            getattr(self, name).__iadd__(scale * g[name].astype(getattr(self, name).dtype))
        return g["loss"]

    def predict(self, X, batch_size: int = 10_000) -> np.ndarray:
        """The class with the largest output, for each row of X."""
        X = self._inputs(X)
        return np.concatenate(
            [
                self.forward(X[i : i + batch_size])[3].argmax(axis=1)
                for i in range(0, X.shape[0], batch_size)
            ]
        )

    def accuracy(self, X, labels) -> float:
        labels = np.asarray(labels)
        return float(np.mean(self.predict(X) == labels))


def train(
    net: SigmoidMLP,
    X,
    labels,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    rule: UpdateRule = CORRECTED,
    seed: int = 0,
    shuffle: bool = True,
    monitor=None,
    every: int = 100,
) -> list[tuple[int, float]]:
    """Mini-batch training in place. Returns ``[(step, monitored loss), ...]``.

    ``monitor=(X_eval, labels_eval)`` is evaluated before the first step and every ``every``
    steps (a fixed set, so the curve is not the noise of single batches); without it the
    mean training loss of the last ``every`` steps is recorded.
    """
    X = net._inputs(X)
    labels = check_labels("labels", labels, net.sizes[2])
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels: expected {X.shape[0]} labels, got shape {labels.shape}.")
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("every", every)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}.")
    rng = np.random.default_rng(seed)
    curve: list[tuple[int, float]] = []
    if monitor is not None:
        curve.append((0, net.loss(*monitor)))
    recent: list[float] = []
    step = 0
    for _ in progress(range(epochs), desc="epochs"):
        order = rng.permutation(X.shape[0]) if shuffle else np.arange(X.shape[0])
        for start in progress(range(0, X.shape[0], batch_size), desc="batches"):
            idx = order[start : start + batch_size]
            recent.append(net.step(X[idx], labels[idx], rule))
            step += 1
            if step % every == 0:
                curve.append(
                    (step, net.loss(*monitor) if monitor is not None else float(np.mean(recent)))
                )
                recent = []
    return curve
