"""Twins of :class:`bigmodel_lab.formulas.DenseNetwork`: the same network, weights and data,
computed by code that shares nothing with the hand-derived backward pass.

- :func:`torch_dense_gradients`: torch's own ops in float64, differentiated by torch.autograd.
  Agreement with the hand gradients is evidence, not tautology.
- :func:`kernel_dense_gradients`: this package's Triton kernels in float32 (fused linear +
  activation, and the stable binary cross-entropy on logits), differentiated by the kernels'
  own backward passes. It agrees with the hand gradients up to float32 rounding.

Both return ``(loss, [∂L/∂W⁽ˡ⁾], [∂L/∂b⁽ˡ⁾])`` as Python float and float64 arrays.
"""

from __future__ import annotations

import numpy as np

_LOSSES = ("mse", "bce", "cce")


def torch_dense_gradients(net, X, Y, loss: str):
    """The network, loss and data in torch float64; (loss, [dW], [db]) from autograd."""
    import torch

    if loss not in _LOSSES:
        raise ValueError(f"loss: unknown name {loss!r}; choose 'mse', 'bce' or 'cce'.")
    acts = {
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "tanh": torch.tanh,
        "identity": lambda t: t,
        "softmax": lambda t: torch.softmax(t, dim=1),
    }
    X = torch.as_tensor(np.atleast_2d(X), dtype=torch.float64)
    Y = torch.as_tensor(np.atleast_2d(Y), dtype=torch.float64)
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    a = X
    for W, b, name in zip(Ws, bs, net.activations, strict=True):
        a = acts[name](a @ W.T + b)
    if loss == "mse":
        value = torch.nn.functional.mse_loss(a, Y)
    elif loss == "bce":
        value = torch.nn.functional.binary_cross_entropy(a, Y)
    else:
        value = -(Y * torch.log(a)).sum() / a.shape[0]
    value.backward()
    return (
        value.item(),
        [W.grad.numpy() for W in Ws],
        [b.grad.numpy() for b in bs],
    )


def kernel_dense_gradients(net, X, Y, loss: str = "bce"):
    """The network through the Triton kernels in float32; (loss, [dW], [db]) as float64.

    The hidden layers are fused linear + activation kernels. The output layer must be a
    sigmoid trained with binary cross-entropy: the kernels fold that sigmoid into the loss
    (``binary_cross_entropy_with_logits``), the numerically stable form of the same function.
    """
    import torch

    from .. import kernels

    if loss != "bce" or net.activations[-1] != "sigmoid":
        raise ValueError(
            f"net, loss: the kernels compute a sigmoid output with binary cross-entropy, got "
            f"activations {net.activations} and loss {loss!r}."
        )
    fused = set(kernels.ACTIVATIONS) - {None}
    hidden = net.activations[:-1]
    if not set(hidden) <= fused:
        raise ValueError(f"net: hidden activations must be among {sorted(fused)}, got {hidden}.")
    device = kernels.DEVICE

    def tensor(a, grad=False):
        return torch.tensor(np.atleast_2d(a) if not grad else a, dtype=torch.float32,
                            device=device, requires_grad=grad)  # fmt: skip

    Ws = [tensor(W, grad=True) for W in net.weights]
    bs = [tensor(b, grad=True) for b in net.biases]
    a = tensor(X)
    for W, b, name in zip(Ws[:-1], bs[:-1], hidden, strict=True):
        a = kernels.linear(a, W, b, name)
    logits = kernels.linear(a, Ws[-1], bs[-1], None)
    value = kernels.binary_cross_entropy_with_logits(logits, tensor(Y))
    value.backward()

    def as64(t):
        return t.detach().cpu().double().numpy()

    return float(value.item()), [as64(W.grad) for W in Ws], [as64(b.grad) for b in bs]
