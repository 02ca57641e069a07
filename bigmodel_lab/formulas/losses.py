"""Loss functions (损失函数) and their gradients with respect to their first argument.

Conventions, stated once because the source chapters mix them up:

- MSE averages over all n elements:  L = (1/n) Σ_i (ŷ_i - y_i)^2,  ∂L/∂ŷ_i = (2/n)(ŷ_i - y_i).
  The factor 2 stays unless the loss is defined with 1/(2n); we never silently drop it.
- Binary cross-entropy averages over all n elements, p = predicted probability of class 1:
  L = -(1/n) Σ_i [y_i log p_i + (1 - y_i) log(1 - p_i)],  ∂L/∂p_i = (1/n)(p_i - y_i) / (p_i (1 - p_i)).
- From logits z with p = σ(z) the same loss is, stably,
  L = (1/n) Σ_i [max(z_i, 0) - z_i y_i + log(1 + e^(-|z_i|))],  ∂L/∂z_i = (1/n)(σ(z_i) - y_i).
- Categorical cross-entropy averages over the N examples (rows), Y one-hot or a distribution:
  L = -(1/N) Σ_i Σ_k Y_ik log P_ik,  ∂L/∂P_ik = -(1/N) Y_ik / P_ik.
- Fused softmax + cross-entropy from logits Z, P = softmax(Z):
  L = -(1/N) Σ_i Σ_k Y_ik log_softmax(Z)_ik,  ∂L/∂Z = (P - Y) / N.
"""

from __future__ import annotations

import numpy as np

from ..checks import (
    as_float_array,
    check_labels,
    check_probabilities,
    check_same_shape,
)
from .activations import sigmoid
from .softmax import log_softmax, softmax


def _pair(pred_name, pred, target_name, target):
    pred = as_float_array(pred_name, pred)
    target = as_float_array(target_name, target)
    check_same_shape(pred_name, pred, target_name, target)
    if pred.size == 0:
        raise ValueError(f"{pred_name}: is empty; a mean over zero elements is undefined.")
    return pred, target


def _rows(name, x):
    """View a single example (1-D) as a batch of one row."""
    return x[None, :] if x.ndim == 1 else x


# -- mean squared error ---------------------------------------------------------------------


def mse(y_hat, y):
    """L = (1/n) Σ_i (ŷ_i - y_i)^2 over all n elements."""
    y_hat, y = _pair("y_hat", y_hat, "y", y)
    return float(np.mean((y_hat - y) ** 2))


def mse_grad(y_hat, y):
    """∂L/∂ŷ = (2/n)(ŷ - y)."""
    y_hat, y = _pair("y_hat", y_hat, "y", y)
    return 2.0 * (y_hat - y) / y_hat.size


# -- binary cross-entropy -------------------------------------------------------------------


def _binary_targets(y):
    if np.any((y < 0) | (y > 1)):
        raise ValueError(
            f"y: binary targets must lie in [0, 1], got values from {y.min()} to {y.max()}."
        )


def binary_cross_entropy(p, y):
    """L = -(1/n) Σ_i [y_i log p_i + (1 - y_i) log(1 - p_i)]."""
    p, y = _pair("p", p, "y", y)
    check_probabilities("p", p)
    _binary_targets(y)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(p, y):
    """∂L/∂p = (1/n)(p - y) / (p (1 - p))."""
    p, y = _pair("p", p, "y", y)
    check_probabilities("p", p)
    _binary_targets(y)
    return (p - y) / (p * (1.0 - p)) / p.size


def binary_cross_entropy_with_logits(z, y):
    """L = (1/n) Σ_i [max(z_i, 0) - z_i y_i + log(1 + e^(-|z_i|))], stable for any z."""
    z, y = _pair("z", z, "y", y)
    _binary_targets(y)
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def binary_cross_entropy_with_logits_grad(z, y):
    """∂L/∂z = (1/n)(σ(z) - y)."""
    z, y = _pair("z", z, "y", y)
    _binary_targets(y)
    return (sigmoid(z) - y) / z.size


def binary_cross_entropy_with_logits_target_grad(z, y):
    """∂L/∂y = -z/n: the loss is linear in the target, L = (1/n) Σ [max(z, 0) - z y + log(1 + e^(-|z|))]."""
    z, y = _pair("z", z, "y", y)
    _binary_targets(y)
    return -z / z.size


# -- categorical cross-entropy --------------------------------------------------------------


def one_hot(labels, n_classes: int):
    """Y_ik = 1 if labels_i == k else 0, shape (N, n_classes), float64."""
    labels = check_labels("labels", labels, n_classes)
    if n_classes < 1:
        raise ValueError(f"n_classes: expected at least 1 class, got {n_classes}.")
    Y = np.zeros((labels.size, n_classes))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def _distribution_targets(Y):
    if np.any(Y < 0) or not np.allclose(Y.sum(axis=-1), 1.0):
        raise ValueError(
            "Y: each row must be a probability distribution (non-negative, summing to 1), "
            "e.g. one_hot(labels, n_classes)."
        )


def _distribution_predictions(P):
    # Logits or unnormalised scores would give a "cross-entropy" (even a negative one).
    sums = P.sum(axis=-1)
    if np.any(P < 0) or np.any(P > 1) or not np.allclose(sums, 1.0):
        raise ValueError(
            "P: each row must be a probability distribution (values in [0, 1] summing to 1), "
            f"got values from {P.min():.4g} to {P.max():.4g} and row sums from "
            f"{sums.min():.4g} to {sums.max():.4g}. Pass softmax(Z), or compute the loss from "
            "the logits with softmax_cross_entropy(Z, Y)."
        )


def _probability_rows(P, Y, infinite: str):
    """P and Y as checked (N, K) rows, and P with 1 where Y_ik = 0 (those terms contribute 0)."""
    P, Y = _rows("P", P), _rows("Y", Y)
    _distribution_targets(Y)
    _distribution_predictions(P)
    if np.any(P[Y > 0] <= 0):
        raise ValueError(f"P: a probability is 0 where the target is positive; {infinite}")
    return P, Y, np.where(Y > 0, P, 1.0)


def categorical_cross_entropy(P, Y):
    """L = -(1/N) Σ_i Σ_k Y_ik log P_ik, P rows are probabilities (after softmax)."""
    P, Y = _pair("P", P, "Y", Y)
    P, Y, safe = _probability_rows(
        P, Y, "log(0) is infinite. Use softmax_cross_entropy on the logits instead."
    )
    return float(-np.sum(Y * np.log(safe)) / P.shape[0])


def categorical_cross_entropy_grad(P, Y):
    """∂L/∂P_ik = -(1/N) Y_ik / P_ik (zero where Y_ik = 0)."""
    P, Y = _pair("P", P, "Y", Y)
    shape = P.shape
    P, Y, safe = _probability_rows(P, Y, "the gradient is infinite.")
    return (-(Y / safe) / P.shape[0]).reshape(shape)


def softmax_cross_entropy(Z, Y):
    """L = -(1/N) Σ_i Σ_k Y_ik log_softmax(Z)_ik, computed from the logits Z."""
    Z, Y = _pair("Z", Z, "Y", Y)
    Z, Y = _rows("Z", Z), _rows("Y", Y)
    _distribution_targets(Y)
    return float(-np.sum(Y * log_softmax(Z)) / Z.shape[0])


def softmax_cross_entropy_grad(Z, Y):
    """∂L/∂Z = (softmax(Z) - Y) / N: the famous p - y, divided by the batch size."""
    Z, Y = _pair("Z", Z, "Y", Y)
    shape = Z.shape
    Z, Y = _rows("Z", Z), _rows("Y", Y)
    _distribution_targets(Y)
    return ((softmax(Z) - Y) / Z.shape[0]).reshape(shape)


#: loss name -> (L(output, target), ∂L/∂output). The dense network looks losses up here.
LOSSES = {
    "mse": (mse, mse_grad),
    "bce": (binary_cross_entropy, binary_cross_entropy_grad),
    "cce": (categorical_cross_entropy, categorical_cross_entropy_grad),
}


def get_loss(name: str):
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"loss: unknown name {name!r}; choose one of {sorted(LOSSES)}.") from None
