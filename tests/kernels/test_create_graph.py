"""create_graph=True: a graph of the gradient where the kernels support it, an error elsewhere.

Before, every backward was ``once_differentiable``: with an upstream gradient that does not
require grad (``torch.autograd.grad(y.sum(), x, create_graph=True)``), the gradient came back
without a graph, and a gradient penalty or a Hessian-vector product silently lost its term.
"""

import pytest
import torch
from assertions import assert_close, assert_raises

from bigmodel_lab import kernels

ACTIVATIONS = {
    "sigmoid": (kernels.sigmoid, torch.sigmoid),
    "tanh": (kernels.tanh, torch.tanh),
    "relu": (kernels.relu, torch.relu),
}


def _grads(outputs, inputs):
    """∂outputs/∂inputs, zeros for an input the graph does not reach (ReLU'' = 0)."""
    found = torch.autograd.grad(outputs, inputs, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g for g, t in zip(found, inputs, strict=True)]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_hessian_vector_product_of_an_activation_matches_torch(name, device):
    ours_fn, ref_fn = ACTIVATIONS[name]
    x0 = torch.linspace(-3.0, 3.0, 11, device=device) + 0.05  # no input exactly at ReLU's kink
    v = torch.linspace(0.5, 1.5, 11, device=device)
    results = []
    for fn in (ours_fn, ref_fn):
        x = x0.clone().requires_grad_()
        (g,) = torch.autograd.grad(fn(x).pow(3).sum(), x, create_graph=True)
        (hvp,) = _grads((g * v).sum(), [x])
        results.append((g, hvp))
    (g, hvp), (ref_g, ref_hvp) = results
    assert g.requires_grad, "the first-order gradient came back without a graph"
    assert_close(f"{name}: first derivative", g, ref_g, 1e-5)
    assert_close(f"{name}: Hessian-vector product", hvp, ref_hvp, 1e-5)


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh"])
def test_gradient_penalty_through_linear_matches_torch(activation, device):
    gen = torch.Generator().manual_seed(0)
    start = [torch.randn(s, generator=gen) for s in ((5, 4), (3, 4), (3,))]
    torch_act = {None: lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid}
    torch_act["tanh"] = torch.tanh
    results = []
    for fn in (
        lambda x, w, b: kernels.linear(x, w, b, activation),
        lambda x, w, b: torch_act[activation](torch.nn.functional.linear(x, w, b)),
    ):
        x, w, b = (t.clone().to(device).requires_grad_() for t in start)
        (g,) = torch.autograd.grad(fn(x, w, b).sum(), x, create_graph=True)
        penalty = g.pow(2).sum()  # ‖∂L/∂x‖², as in a WGAN-GP gradient penalty
        results.append((g, _grads(penalty, [x, w, b])))
    (g, ours), (ref_g, ref) = results
    assert g.requires_grad
    assert_close("∂L/∂x", g, ref_g, 1e-5)
    for name, a, e in zip(("x", "weight", "bias"), ours, ref, strict=True):
        assert_close(f"∂penalty/∂{name} ({activation})", a, e, 1e-5)


def test_linear_second_derivative_reaches_a_batch_of_any_rank(device):
    x = torch.randn(2, 3, 4, device=device, requires_grad=True)
    w = torch.randn(5, 4, device=device, requires_grad=True)
    (g,) = torch.autograd.grad(kernels.linear(x, w, None, "tanh").sum(), w, create_graph=True)
    (ours,) = torch.autograd.grad(g.pow(2).sum(), x)
    xr, wr = x.detach().requires_grad_(), w.detach().requires_grad_()
    (gr,) = torch.autograd.grad(torch.tanh(xr @ wr.T).sum(), wr, create_graph=True)
    (ref,) = torch.autograd.grad(gr.pow(2).sum(), xr)
    assert_close("∂‖∂L/∂W‖²/∂x", ours, ref, 1e-5)


def test_first_order_results_are_unchanged_without_create_graph(device):
    x = torch.randn(6, 4, device=device, requires_grad=True)
    w = torch.randn(3, 4, device=device, requires_grad=True)
    kernels.linear(kernels.sigmoid(x), w, None, "relu").sum().backward()
    assert x.grad is not None and not x.grad.requires_grad


FIRST_ORDER_ONLY = {
    "softmax": lambda x: kernels.softmax(x).pow(2).sum(),
    "cross_entropy": lambda x: kernels.cross_entropy(x, torch.tensor([0, 2, 1, 0])),
    "mse_loss": lambda x: kernels.mse_loss(x, torch.zeros_like(x)),
    "binary_cross_entropy_with_logits": lambda x: kernels.binary_cross_entropy_with_logits(
        x, torch.ones_like(x)
    ),
    "conv2d": lambda x: kernels.conv2d(x.reshape(1, 1, 4, 3), torch.ones(1, 1, 2, 2)).sum(),
    "max_pool2d": lambda x: kernels.max_pool2d(x.reshape(1, 1, 4, 3), 2).sum(),
}


@pytest.mark.parametrize("name", list(FIRST_ORDER_ONLY))
def test_kernels_without_second_derivatives_refuse_create_graph(name, device):
    x = torch.randn(4, 3, device=device, requires_grad=True)
    with torch.device(device):
        loss = FIRST_ORDER_ONLY[name](x)
    assert_raises(
        lambda: torch.autograd.grad(loss, x, create_graph=True),
        RuntimeError,
        f"kernels.{name}: this kernel's backward computes first derivatives only",
        "use torch.",
    )
    # without create_graph the same call works
    (g,) = torch.autograd.grad(FIRST_ORDER_ONLY[name](x), x)
    assert g.shape == x.shape and not g.requires_grad
