"""Errata demonstrated in chapter 1 (forward and backward propagation).

Each function recomputes, with the reference formulas, what a source chapter got wrong in its
general formulas. The worked numeric examples (000 §4.5, 001 §4.3, 003 §4.3) are chapter 3's.
"""

from __future__ import annotations

import numpy as np

from ..formulas import (
    DenseNetwork,
    binary_cross_entropy,
    relu,
    sigmoid,
    sigmoid_grad,
)
from . import Kind, erratum

NB = "notebooks/01_forward_backward"


@erratum(
    source="001",
    section="§4.1.2",
    quantity="ReLU(x) for x > 0",
    printed="ReLU is 1 when x > 0, else 0",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-relu",
)
def relu_value_not_its_derivative():
    x = 2.5
    return f"ReLU({x}) = {relu(np.array([x]))[0]:g}; the 0/1 rule is ReLU'(x)"


def output_delta_examples(y_hat: float = 0.8, y: float = 1.0) -> dict:
    """δ = ∂L/∂z at a sigmoid output for three losses, at the output value y_hat."""
    z = np.log(y_hat / (1.0 - y_hat))  # the logit whose sigmoid is y_hat
    s, ds = sigmoid(np.array([z]))[0], sigmoid_grad(np.array([z]))[0]
    return {
        "binary cross-entropy": s - y,
        "1/2 squared error": (s - y) * ds,
        "categorical CE -y log(y_hat)": -y / s * ds,
    }


@erratum(
    source="001",
    section="§4.2.2",
    quantity="output error δ_k for a sigmoid output",
    printed="δ_k = ŷ_k - y_k",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-delta",
)
def output_delta_depends_on_loss():
    d = output_delta_examples()
    return (
        f"ŷ - y holds only for binary cross-entropy; with the ½-MSE of §4.1.3, "
        f"δ = (ŷ - y)ŷ(1 - ŷ) = {d['1/2 squared error']:.4f} at ŷ = 0.8, y = 1 "
        f"(not {d['binary cross-entropy']:.4f})"
    )


def hidden_delta_example():
    """δ_j for a 2-2-2 sigmoid network: the full sum over k versus the chapter's single term."""
    W1 = np.array([[0.1, 0.4], [-0.3, 0.2]])
    W2 = np.array([[0.5, -0.6], [0.7, 0.8]])
    net = DenseNetwork([W1, W2], [np.zeros(2), np.zeros(2)], ["sigmoid", "sigmoid"])
    x, y = np.array([1.0, 2.0]), np.array([1.0, 0.0])
    trace = net.forward(x)
    grads = net.backward(trace, y, "bce")
    delta_out = grads.delta[1][0]
    fprime = sigmoid_grad(trace.z[0][0])
    only_k0 = delta_out[0] * W2[0, :] * fprime  # the chapter's δ_k w_kj σ'(z_j) with k = 1
    return grads.delta[0][0], only_k0


@erratum(
    source="001",
    section="§4.2.2",
    quantity="hidden error δ_j",
    printed="δ_j = δ_k · w_kj · σ'(z_j)  (no sum over k)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-delta",
)
def hidden_delta_needs_a_sum():
    full, single = hidden_delta_example()
    return (
        f"δ_j = σ'(z_j) Σ_k δ_k w_kj; in a 2-2-2 example δ_1 = {full[0]:.4f}, "
        f"the single-term formula gives {single[0]:.4f}"
    )


@erratum(
    source="002",
    section="§4.1.2",
    quantity="cross-entropy for a negative example",
    printed="CE = -Σ y_i log(ŷ_i)  (labels 0/1 per sample)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-losses",
)
def cross_entropy_ignores_negatives():
    y_hat, y = 0.99, 0.0
    chapter = -(y * np.log(y_hat))
    correct = binary_cross_entropy(np.array([y_hat]), np.array([y]))
    return (
        f"for y = 0, ŷ = 0.99 the chapter's sum gives {abs(chapter):.4f} (a confident "
        f"mistake costs nothing); binary cross-entropy gives {correct:.4f}"
    )


@erratum(
    source="002",
    section="§4.2.1",
    quantity="is ReLU linear?",
    printed="ReLU is a simple linear activation function",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-relu",
)
def relu_is_not_linear():
    r = relu(np.array([1.0, -1.0, 0.0]))
    return (
        f"ReLU(1) + ReLU(-1) = {r[0] + r[1]:g} but ReLU(1 + (-1)) = {r[2]:g}: "
        "piecewise linear, not linear"
    )


def gradient_scale_through_depth(depth: int = 10) -> tuple[float, float]:
    """Largest factor by which `depth` sigmoid layers can scale a gradient, and ReLU's (active)."""
    peak = float(sigmoid_grad(np.array([0.0]))[0])
    return peak**depth, 1.0**depth


@erratum(
    source="002",
    section="§4.2.1",
    quantity="ReLU and vanishing gradients",
    printed="ReLU accelerates (加速) the vanishing-gradient problem",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-relu",
)
def relu_mitigates_vanishing_gradients():
    sig, rel = gradient_scale_through_depth(10)
    return (
        f"through 10 layers sigmoid' ≤ 0.25 shrinks a gradient by at least {1 / sig:.3g}x; "
        f"active ReLU units pass it with factor {rel:g}: ReLU mitigates the problem"
    )


@erratum(
    source="003",
    section="§4.1.2",
    quantity="neuron without bias",
    printed="z_l = Σ_i w_li x_i,  y_l = σ(z_l)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-layers",
)
def no_bias_pins_the_output():
    rng = np.random.default_rng(0)
    outs = {float(sigmoid(rng.normal(size=3) @ np.zeros(3))) for _ in range(5)}
    (value,) = outs
    return (
        f"without b, input x = 0 gives σ(0) = {value:g} for every weight vector; "
        "z = W a + b needs the bias"
    )


@erratum(
    source="003",
    section="§4.1.2",
    quantity="what layer l reads",
    printed="every layer l reads the input features x_i",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch01-errata-layers",
)
def layers_must_chain():
    net = DenseNetwork.initialise([3, 10, 5, 2], ["relu", "relu", "sigmoid"])
    shapes = ", ".join(f"W^({l}) {W.shape[0]}x{W.shape[1]}" for l, W in enumerate(net.weights, 1))
    return f"layer l reads a^(l-1), the previous layer's output; for 3-10-5-2: {shapes}"
