"""Errata demonstrated in chapter 1 (forward and backward propagation).

Each function recomputes, with the reference formulas, what a source chapter got wrong in its
general formulas. The worked numeric examples (000 §4.5, 001 §4.3, 003 §4.3) are chapter 3's.
Each record's ``printed`` quotes the article verbatim: its Chinese words, or its formula in the
LaTeX source the article prints.
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
from ..verification import numerical_gradient
from . import Kind, erratum

NB = "notebooks/01_forward_backward"


@erratum(
    source="001",
    section="§4.1.2",
    quantity="ReLU(x) for x > 0",
    printed=r"ReLU函数在\( x > 0 \)时为1，否则为0",
    kind=Kind.WRONG_CLAIM,
    where=f"{NB}#ch01-errata-relu",
)
def relu_value_not_its_derivative():
    x = 2.5
    return f"ReLU({x}) = {relu(np.array([x]))[0]:g}; the 0/1 rule is ReLU'(x)"


def output_delta_examples(y_hat: float = 0.8, y: float = 0.0) -> dict:
    """δ = ∂L/∂z at a sigmoid output for three losses, at the output value y_hat and label y.

    At y = 1 binary and categorical cross-entropy give the same δ; at y = 0 they do not (the
    categorical form -y log ŷ on one sigmoid unit has no gradient at all for a negative label).
    """
    if not 0.0 < y_hat < 1.0:
        raise ValueError(f"y_hat: a sigmoid output lies strictly in (0, 1), got {y_hat!r}.")
    if y not in (0.0, 1.0):
        raise ValueError(f"y: expected a 0/1 label, got {y!r}.")
    z = np.log(y_hat / (1.0 - y_hat))  # the logit whose sigmoid is y_hat
    s, ds = sigmoid(np.array([z]))[0], sigmoid_grad(np.array([z]))[0]
    return {
        "binary cross-entropy": float(s - y),
        "1/2 squared error": float((s - y) * ds),
        "categorical CE -y log(y_hat)": float(-y / s * ds) + 0.0,  # + 0.0: never print -0
    }


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
    quantity="hidden error δ_j (no sum over the outputs k)",
    printed=r"\delta_j = \delta_k \cdot w_{kj} \cdot \sigma'(z_j)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-delta",
)
def hidden_delta_needs_a_sum():
    full, single = hidden_delta_example()
    return (
        f"δ_j = σ'(z_j) Σ_k δ_k w_kj; in a 2-2-2 example δ_1 = {full[0]:.4f}, "
        f"the single-term formula gives {single[0]:.4f}"
    )


def negative_label_losses(y_hat: float = 0.99) -> tuple[float, float]:
    """For one sample labelled 0 with prediction y_hat: (the sum -y log ŷ, binary CE)."""
    y = 0.0
    chapter = abs(-(y * np.log(y_hat)))  # abs: print 0, not -0
    return float(chapter), float(binary_cross_entropy(np.array([y_hat]), np.array([y])))


@erratum(
    source="002",
    section="§4.1.2",
    quantity="cross-entropy summed over samples with 0/1 labels",
    printed=r"CE = -\sum_{i=1}^{n}y_i \log(\hat{y}_i) … 其中，$y_i$ 是第 $i$ 个样本的真实标签",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-losses",
)
def cross_entropy_ignores_negatives():
    chapter, correct = negative_label_losses()
    return (
        f"for y = 0, ŷ = 0.99 the chapter's sum gives {chapter:.4f} (a confident "
        f"mistake costs nothing); binary cross-entropy gives {correct:.4f}"
    )


@erratum(
    source="003",
    section="§4.1.3",
    quantity="cross-entropy summed over samples (same defect as 002 §4.1.2)",
    printed=r"L = - \sum_{i=1}^{n} y_i \cdot \log(\hat{y}_i) … \( n \) 是样本数量",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-losses",
)
def cross_entropy_over_samples_003():
    chapter, correct = negative_label_losses()
    return (
        f"a sample with y_i = 0 adds nothing: for ŷ = 0.99 the sum gives {chapter:.4f}, "
        f"binary cross-entropy {correct:.4f}; over samples it needs the (1 - y_i) log(1 - ŷ_i) "
        "term, or over classes a one-hot y"
    )


@erratum(
    source="002",
    section="§4.2.1",
    quantity="is ReLU linear?",
    printed="ReLU函数是一种简单的线性激活函数",
    kind=Kind.WRONG_CLAIM,
    where=f"{NB}#ch01-errata-relu",
)
def relu_is_not_linear():
    r = relu(np.array([1.0, -1.0, 0.0]))
    return (
        f"ReLU(1) + ReLU(-1) = {r[0] + r[1]:g} but ReLU(1 + (-1)) = {r[2]:g}: "
        "piecewise linear, not linear"
    )


def derivative_factors_through_depth(depth: int = 10) -> tuple[float, float]:
    """The largest product of ``depth`` activation-derivative factors: sigmoid's, ReLU's (active).

    This bounds the σ' factors of the backward pass only; the weight factors Wᵀ of each step
    multiply the signal as well (see :func:`backward_gain`).
    """
    peak = float(sigmoid_grad(np.array([0.0]))[0])
    return peak**depth, 1.0**depth


def backward_gain(scale: float, depth: int = 10, width: int = 3) -> tuple[float, float]:
    """(product of the σ' factors, ‖δ^(1)‖ / ‖δ^(depth)‖) through a chain of sigmoid layers.

    Every layer has W = scale · I and b = -scale/2, and the input is 0.5 everywhere, so every
    pre-activation is exactly 0 and every σ'(z) takes its largest value 1/4. The backward step
    δ^(l) = diag(σ'(z^(l))) W^(l+1)ᵀ δ^(l+1) then multiplies the error by scale/4 per layer:
    the σ' factors alone shrink it by 4^-(depth-1), the weights can undo that.
    """
    if not isinstance(depth, (int, np.integer)) or isinstance(depth, bool) or depth < 2:
        raise ValueError(f"depth: expected a whole number of layers >= 2, got {depth!r}.")
    if not np.isfinite(scale) or scale == 0:
        raise ValueError(f"scale: expected a finite non-zero weight scale, got {scale!r}.")
    W = scale * np.eye(width)
    b = np.full(width, -scale / 2.0)
    net = DenseNetwork([W] * depth, [b] * depth, ["sigmoid"] * depth)
    x = np.full(width, 0.5)
    trace = net.forward(x)
    grads = net.backward(trace, np.zeros(width), "mse")
    factors = np.prod([sigmoid_grad(z)[0, 0] for z in trace.z[:-1]])
    gain = np.linalg.norm(grads.delta[0]) / np.linalg.norm(grads.delta[-1])
    return float(factors), float(gain)


@erratum(
    source="002",
    section="§4.2.1",
    quantity="ReLU and vanishing gradients",
    printed="ReLU函数在训练过程中能够加速梯度消失的问题",
    kind=Kind.WRONG_CLAIM,
    where=f"{NB}#ch01-errata-relu",
)
def relu_mitigates_vanishing_gradients():
    sig, rel = derivative_factors_through_depth(10)
    return (
        f"the σ' factors of 10 sigmoid layers multiply to at most {sig:.3g} (the weights act "
        f"besides); active ReLU units contribute factors of exactly {rel:g}: ReLU eases the "
        "problem, it does not speed it up"
    )


@erratum(
    source="003",
    section="§4.1.2",
    quantity="neuron without bias",
    printed=r"z_l = \sum_{i=1}^{n} w_{li} \cdot x_i \\ y_l = \sigma(z_l)",
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
    printed=(
        r"\( z_l \) 是第 \( l \) 层的输入，\( y_l \) 是第 \( l \) 层的输出，"
        r"\( w_{li} \) 是连接权重，\( x_i \) 是输入特征"
    ),
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch01-errata-layers",
)
def layers_must_chain():
    net = DenseNetwork.initialise([3, 10, 5, 2], ["relu", "relu", "sigmoid"])
    shapes = ", ".join(f"W^({l}) {W.shape[0]}x{W.shape[1]}" for l, W in enumerate(net.weights, 1))
    return f"layer l reads a^(l-1), the previous layer's output; for 3-10-5-2: {shapes}"


def weight_gradient_shapes(seed: int = 0) -> dict[str, tuple[int, ...]]:
    """Layer 2 of a seeded 3-10-5-2 network: the shape of δ^(2) a^(1)ᵀ and of δ^(2) xᵀ."""
    net = DenseNetwork.initialise([3, 10, 5, 2], ["relu", "relu", "sigmoid"], seed=seed)
    x = np.random.default_rng(seed).normal(size=(1, 3))
    trace = net.forward(x)
    grads = net.backward(trace, np.array([[1.0, 0.0]]), "bce")
    delta2 = grads.delta[1]
    return {
        "W^(2)": net.weights[1].shape,
        "∂L/∂W^(2) = δ^(2) a^(1)ᵀ": (delta2.T @ trace.a[1]).shape,
        "δ^(2) xᵀ": (delta2.T @ trace.a[0]).shape,
    }


@erratum(
    source="003",
    section="§4.1.4",
    quantity="∂L/∂w_li for a layer after the first (it reads a^(l-1), not x)",
    printed=r"\frac{\partial L}{\partial w_{li}} = \delta_l \cdot x_i",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-layers",
)
def weight_gradient_reads_the_layer_input():
    s = weight_gradient_shapes()
    return (
        "δ_l a^(l-1)_i; right only for l = 1: in a 3-10-5-2 network W^(2) is "
        f"{s['W^(2)'][0]}x{s['W^(2)'][1]}, δ^(2) a^(1)ᵀ is "
        f"{s['∂L/∂W^(2) = δ^(2) a^(1)ᵀ'][0]}x{s['∂L/∂W^(2) = δ^(2) a^(1)ᵀ'][1]}, "
        f"δ^(2) xᵀ is {s['δ^(2) xᵀ'][0]}x{s['δ^(2) xᵀ'][1]}"
    )


def output_bias_gradient_example(n_samples: int = 4, seed: int = 0) -> dict[str, np.ndarray]:
    """004 §4.2 on a seeded sigmoid layer (3 inputs, 2 outputs) and ``n_samples`` samples.

    ε = ½ Σ_i ‖y_i - y*_i‖² over the samples. Returns the true ∇_b ε (finite differences of ε
    alone), the formula summed over the samples, the formula for the first sample alone (the
    printed expression read with vectors) and the printed expression read with a batch (one
    column per sample), which is a matrix, not the shape of b.
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"n_samples: expected at least 2 samples, got {n_samples!r}.")
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(2, 3)), rng.normal(size=2)
    H = rng.normal(size=(3, n_samples))  # one column per sample, as h_{L-1} in the article
    Y_star = rng.uniform(size=(2, n_samples))

    def eps():
        Y = sigmoid(W @ H + b[:, None])
        return 0.5 * float(np.sum((Y - Y_star) ** 2))

    Z = W @ H + b[:, None]
    per_sample = (sigmoid(Z) - Y_star) * sigmoid_grad(Z)  # column i: sample i's term
    return {
        "finite differences": numerical_gradient(eps, b),
        "formula summed over samples": per_sample.sum(axis=1),
        "formula, first sample": per_sample[:, 0],
        "formula on the batch": per_sample,
        "b": b,
    }


@erratum(
    source="004",
    section="§4.2",
    quantity="∇_b ε for ε summed over N samples (the sum over samples is missing)",
    printed=(
        r"\epsilon = \frac{1}{2} \sum_{i=1}^{N} (\mathbf{y}_i - \mathbf{y}_i^*)^2 … "
        r"\nabla_{\mathbf{b}_L} \epsilon = \frac{\partial \epsilon}{\partial \mathbf{b}_L} = "
        r"( \mathbf{y} - \mathbf{y}^*) \odot \sigma'(\mathbf{W}_L\mathbf{h}_{L-1} + \mathbf{b}_L)"
    ),
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch01-errata-output-gradient",
)
def output_bias_gradient_sums_over_samples():
    g = output_bias_gradient_example()
    fd, summed = g["finite differences"], g["formula summed over samples"]
    first, batch = g["formula, first sample"], g["formula on the batch"]
    n = batch.shape[1]
    agree = bool(np.max(np.abs(fd - summed)) < 1e-8)
    return (
        f"Σ_i (y_i - y*_i) ⊙ σ'(z_i); with N = {n}: true ∇_b ε = [{fd[0]:.4f}, {fd[1]:.4f}] "
        f"(finite differences; the sum agrees within 1e-8: {agree}); one sample's term "
        f"[{first[0]:.4f}, {first[1]:.4f}]; read with a batch the expression is "
        f"{batch.shape[0]}x{batch.shape[1]}, b has {g['b'].shape[0]} entries"
    )
