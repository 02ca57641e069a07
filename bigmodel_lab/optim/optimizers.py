"""Gradient-descent optimisers (优化器) in NumPy, with torch.optim's exact conventions.

Every optimiser holds a list of float parameter arrays and updates them **in place** when
``step(grads)`` is called with one gradient array per parameter, exactly as
``torch.optim.Optimizer.step`` updates tensors whose ``.grad`` has been filled. Notation:
θ parameters, g = ∂L/∂θ the gradient passed to ``step``, η the learning rate (学习率),
t = 1, 2, ... the step count, λ the weight decay. Products, squares, square roots and
divisions of arrays are element-wise.

Full-batch gradient descent, stochastic gradient descent (SGD, 随机梯度下降) and mini-batch SGD
share one update rule, θ ← θ − η g; they differ only in the examples g is averaged over (all
N, one, or B of them), so they are one class, :class:`SGD`, fed by
:func:`bigmodel_lab.optim.least_squares.minibatches`.

Each class states its update in ``update_rule``; the book prints that string, and the tests
check it against the docstring and the result against torch.optim step by step.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, check_number


class Optimizer:
    """Base class: parameters, learning rate, per-parameter state and the step counter ``t``.

    Subclasses implement ``_update(p, g, state)`` for one parameter array. ``lr`` may be changed
    between steps (that is how a learning-rate schedule is applied).
    """

    update_rule = ""

    def __init__(self, params, lr: float):
        if isinstance(params, np.ndarray):
            raise TypeError(
                "params: expected a list of NumPy arrays, got a single array; wrap it: [theta]."
            )
        params = list(params)
        if not params:
            raise ValueError("params: expected at least one parameter array, got an empty list.")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                got = p.dtype if isinstance(p, np.ndarray) else type(p).__name__
                raise TypeError(
                    f"params[{i}]: expected a floating-point NumPy array (updated in place), got "
                    f"{got}. Convert it with np.asarray(x, dtype=np.float64)."
                )
            as_float_array(f"params[{i}]", p)  # finite values only
        self.params = params
        self.lr = lr
        self.t = 0
        self.state: list[dict] = [{} for _ in params]

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_number("lr", value, low=0.0, low_open=True)

    def step(self, grads) -> None:
        """Apply one update to every parameter, given ∂L/∂θ for each (same order and shapes)."""
        if isinstance(grads, np.ndarray):
            raise TypeError(
                "grads: expected a list of arrays (one per parameter), got one array; wrap it: [g]."
            )
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(
                f"grads: expected {len(self.params)} gradient array(s), one per parameter, got "
                f"{len(grads)}."
            )
        checked = []
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            g = as_float_array(f"grads[{i}]", g)
            if g.shape != p.shape:
                raise ValueError(
                    f"grads[{i}]: expected shape {p.shape} (the shape of params[{i}]), got "
                    f"{g.shape}."
                )
            checked.append(g)
        self.t += 1
        for p, g, state in zip(self.params, checked, self.state, strict=True):
            self._update(p, g, state)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g}, t={self.t})"


class SGD(Optimizer):
    """Gradient descent: full-batch GD, SGD and mini-batch SGD (they differ only in g).

    Update (torch.optim.SGD without momentum):

        g ← g + λθ;  θ ← θ − η·g

    With λ = 0 this is θ ← θ − η g. λ > 0 is the gradient of the L2 penalty (λ/2)‖θ‖².
    """

    update_rule = "g ← g + λθ;  θ ← θ − η·g"

    def __init__(self, params, lr: float, *, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        p -= self.lr * g


class Momentum(Optimizer):
    """Heavy-ball momentum (动量), as torch.optim.SGD(momentum=μ, dampening=δ).

    Update, with the velocity buffer v set to g at the first step:

        g ← g + λθ;  v ← μ·v + (1 − δ)·g;  θ ← θ − η·v

    The buffer is a running sum of past gradients, not an average: on a constant gradient
    the step grows to η g / (1 − μ), ten times the plain step for μ = 0.9.
    """

    update_rule = "g ← g + λθ;  v ← μ·v + (1 − δ)·g;  θ ← θ − η·v"

    def __init__(
        self,
        params,
        lr: float,
        momentum: float = 0.9,
        *,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        self.momentum = check_number("momentum", momentum, low=0.0, high=1.0)
        self.dampening = check_number("dampening", dampening, low=0.0, high=1.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)

    def _velocity(self, g, state):
        if "v" not in state:
            state["v"] = g.copy()  # torch starts the buffer at the first gradient, undamped
        else:
            state["v"] = self.momentum * state["v"] + (1.0 - self.dampening) * g
        return state["v"]

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        p -= self.lr * self._velocity(g, state)


class Nesterov(Momentum):
    """Nesterov momentum, as torch.optim.SGD(momentum=μ, nesterov=True).

    Update, v set to g at the first step:

        g ← g + λθ;  v ← μ·v + g;  θ ← θ − η·(g + μ·v)

    This is the "look-ahead" form rewritten so that only the gradient at the current θ is
    needed: the step uses the velocity one update ahead.
    """

    update_rule = "g ← g + λθ;  v ← μ·v + g;  θ ← θ − η·(g + μ·v)"

    def __init__(self, params, lr: float, momentum: float = 0.9, *, weight_decay: float = 0.0):
        super().__init__(params, lr, momentum, weight_decay=weight_decay)
        if self.momentum == 0:
            raise ValueError(
                "momentum: Nesterov needs a momentum in (0, 1), got 0. "
                "Use SGD for plain gradient descent."
            )

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        v = self._velocity(g, state)
        p -= self.lr * (g + self.momentum * v)


class AdaGrad(Optimizer):
    """AdaGrad, as torch.optim.Adagrad: a per-coordinate step that shrinks with past gradients.

    Update, with s starting at s₀ (``initial_accumulator_value``, default 0):

        g ← g + λθ;  s ← s + g²;  η_t = η / (1 + (t − 1)·d);  θ ← θ − η_t·g / (√s + ε)

    ε is added after the square root (torch's placement); d is ``lr_decay``.
    """

    update_rule = "g ← g + λθ;  s ← s + g²;  η_t = η / (1 + (t − 1)·d);  θ ← θ − η_t·g / (√s + ε)"

    def __init__(
        self,
        params,
        lr: float = 0.01,
        *,
        lr_decay: float = 0.0,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
    ):
        super().__init__(params, lr)
        self.lr_decay = check_number("lr_decay", lr_decay, low=0.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)
        self.initial_accumulator_value = check_number(
            "initial_accumulator_value", initial_accumulator_value, low=0.0
        )
        for p, state in zip(self.params, self.state, strict=True):
            state["s"] = np.full_like(p, self.initial_accumulator_value)

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        state["s"] += g * g
        lr_t = self.lr / (1.0 + (self.t - 1) * self.lr_decay)
        p -= lr_t * g / (np.sqrt(state["s"]) + self.eps)


class RMSprop(Optimizer):
    """RMSprop, as torch.optim.RMSprop: divide by a moving root-mean-square of the gradient.

    Update, with s = 0 (and b = 0, v = 0) at the start:

        g ← g + λθ;  s ← α·s + (1 − α)·g²;  r = √s + ε;  θ ← θ − η·g / r

    Centred variant: also b ← α·b + (1 − α)·g and r = √(s − b²) + ε. With momentum μ > 0:
    v ← μ·v + g / r and θ ← θ − η·v. ε is added after the square root, as in torch.
    """

    update_rule = "g ← g + λθ;  s ← α·s + (1 − α)·g²;  r = √s + ε;  θ ← θ − η·g / r"

    def __init__(
        self,
        params,
        lr: float = 0.01,
        alpha: float = 0.99,
        *,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        super().__init__(params, lr)
        self.alpha = check_number("alpha", alpha, low=0.0, high=1.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)
        self.momentum = check_number("momentum", momentum, low=0.0, high=1.0)
        self.centered = bool(centered)
        for p, state in zip(self.params, self.state, strict=True):
            state["s"] = np.zeros_like(p)
            if self.centered:
                state["b"] = np.zeros_like(p)
            if self.momentum > 0:
                state["v"] = np.zeros_like(p)

    def _update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        a = self.alpha
        state["s"] = a * state["s"] + (1.0 - a) * g * g
        if self.centered:
            state["b"] = a * state["b"] + (1.0 - a) * g
            r = np.sqrt(state["s"] - state["b"] ** 2) + self.eps
        else:
            r = np.sqrt(state["s"]) + self.eps
        if self.momentum > 0:
            state["v"] = self.momentum * state["v"] + g / r
            p -= self.lr * state["v"]
        else:
            p -= self.lr * g / r


class Adam(Optimizer):
    """Adam, as torch.optim.Adam: momentum on g and on g², both bias-corrected.

    Update, with m = v = 0 at the start:

        g ← g + λθ;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
        m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)

    The bias correction undoes the pull towards the zero start: at t = 1, m̂ = g and
    v̂ = g², so the first step has size η in every coordinate. λ here is an L2 penalty added
    to the gradient ("coupled"); for decoupled weight decay use :class:`AdamW`.
    """

    update_rule = (
        "g ← g + λθ;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  "
        "m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)"
    )
    _decoupled = False

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        *,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas: expected a pair (β₁, β₂), got {betas!r}.")
        self.beta1 = check_number("betas[0]", betas[0], low=0.0, high=1.0)
        self.beta2 = check_number("betas[1]", betas[1], low=0.0, high=1.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)
        for p, state in zip(self.params, self.state, strict=True):
            state["m"] = np.zeros_like(p)
            state["v"] = np.zeros_like(p)

    def _update(self, p, g, state):
        if self.weight_decay:
            if self._decoupled:
                p *= 1.0 - self.lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        b1, b2, t = self.beta1, self.beta2, self.t
        state["m"] = b1 * state["m"] + (1.0 - b1) * g
        state["v"] = b2 * state["v"] + (1.0 - b2) * g * g
        m_hat = state["m"] / (1.0 - b1**t)
        v_hat = state["v"] / (1.0 - b2**t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """AdamW, as torch.optim.AdamW: Adam with decoupled weight decay (default λ = 0.01).

    Update:

        θ ← θ − η·λ·θ;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
        m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)

    The decay shrinks θ directly instead of entering g, so it is not rescaled by 1/√v̂:
    every weight decays at the same relative rate η λ per step.
    """

    update_rule = (
        "θ ← θ − η·λ·θ;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  "
        "m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)"
    )
    _decoupled = True

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        *,
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ):
        super().__init__(params, lr, betas, eps=eps, weight_decay=weight_decay)


#: The optimisers of the chapter, by the name the book uses.
OPTIMIZERS = {
    "SGD": SGD,
    "Momentum": Momentum,
    "Nesterov": Nesterov,
    "AdaGrad": AdaGrad,
    "RMSprop": RMSprop,
    "Adam": Adam,
    "AdamW": AdamW,
}


def update_rules() -> dict[str, str]:
    """Name -> the update equation that the class runs (what the book prints)."""
    return {name: cls.update_rule for name, cls in OPTIMIZERS.items()}
