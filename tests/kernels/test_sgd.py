"""sgd_step_: ten consecutive steps against torch.optim.SGD, in-place semantics, input checks."""

import pytest
import torch
from assertions import assert_close, assert_raises

from bigmodel_lab.kernels import sgd_step_

CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.8, weight_decay=1e-2),
    dict(lr=0.1, weight_decay=0.1),
]


def _run_both(shape, config, device, steps=10, dtype=torch.float32):
    gen = torch.Generator().manual_seed(3)
    start = torch.randn(shape, generator=gen)
    grads = [torch.randn(shape, generator=gen) for _ in range(steps)]
    ours = start.clone().to(device, dtype)
    ref = start.clone().to(device, dtype).requires_grad_()
    opt = torch.optim.SGD([ref], dampening=0.0, **config)
    kwargs = {k: v for k, v in config.items() if k != "lr"}
    buf = None
    for g in grads:
        buf = sgd_step_(ours, g.to(device, dtype), config["lr"], momentum_buffer=buf, **kwargs)
        ref.grad = g.to(device, dtype)
        opt.step()
    return ours, ref.detach(), buf, opt.state[ref].get("momentum_buffer")


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("shape", [(1,), (3, 7), (127, 257)], ids=str)
def test_ten_steps_match_torch_optim(config, shape, device):
    ours, ref, buf, ref_buf = _run_both(shape, config, device)
    assert_close("param after 10 steps", ours, ref, 1e-5)
    if config.get("momentum"):
        assert_close("momentum buffer", buf, ref_buf, 1e-5)
    else:
        assert buf is None


def test_many_programs(tiny_blocks, device):
    ours, ref, buf, ref_buf = _run_both((17, 33), CONFIGS[2], device)
    assert_close("param", ours, ref, 1e-5)
    assert_close("buffer", buf, ref_buf, 1e-5)


def test_updates_happen_in_place(device):
    p = torch.ones(5, device=device)
    address = p.data_ptr()
    buf = sgd_step_(p, torch.ones(5, device=device), 0.5, momentum=0.9)
    buf_address = buf.data_ptr()
    again = sgd_step_(p, torch.ones(5, device=device), 0.5, momentum=0.9, momentum_buffer=buf)
    assert p.data_ptr() == address and again is buf and buf.data_ptr() == buf_address
    # first step v = 1, θ = 1 - 0.5; second v = 0.9 + 1, θ = 0.5 - 0.5 * 1.9
    assert torch.allclose(p, torch.full((5,), 0.5 - 0.5 * 1.9, device=device))


def test_non_contiguous_parameter_is_updated_through_its_view(device):
    storage = torch.zeros(4, 6, device=device)
    view = storage.t()  # (6, 4), not contiguous
    sgd_step_(view, torch.ones(6, 4, device=device), 0.25)
    assert torch.equal(storage, torch.full((4, 6), -0.25, device=device))


def test_empty_parameter_is_a_no_op(device):
    p = torch.empty(0, device=device)
    assert sgd_step_(p, torch.empty(0, device=device), 0.1) is None


def test_bad_inputs_are_refused_with_the_argument_named(device):
    p, g = torch.zeros(3, device=device), torch.zeros(3, device=device)
    assert_raises(lambda: sgd_step_(p, g, 0.1, nesterov=True), ValueError, "nesterov", "momentum")
    assert_raises(lambda: sgd_step_(p, g, -0.1), ValueError, "lr", ">= 0")
    assert_raises(lambda: sgd_step_(p, g, 0.1, momentum=-1), ValueError, "momentum")
    assert_raises(
        lambda: sgd_step_(p, torch.zeros(4, device=device), 0.1), ValueError, "grad", "same shape"
    )
    assert_raises(lambda: sgd_step_(p.long(), g, 0.1), TypeError, "param")
    assert_raises(
        lambda: sgd_step_(p, g, 0.1, momentum=0.9, momentum_buffer=torch.zeros(2, device=device)),
        ValueError,
        "momentum_buffer",
    )
    assert_raises(lambda: sgd_step_([0.0], g, 0.1), TypeError, "param")


@pytest.mark.gpu
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_gpu_large_parameter(config):
    ours, ref, buf, ref_buf = _run_both((1023, 4099), config, "cuda")
    assert_close("param", ours, ref, 1e-5)


def _forward_step_backward(step, device):
    """forward -> optimiser step -> backward, as torch.optim would refuse it."""
    w = torch.ones(4, device=device, requires_grad=True)
    loss = (w * w).sum()  # saves w for the backward pass
    step(w)
    loss.backward()


@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "strided"])
def test_a_step_between_forward_and_backward_is_detected_by_autograd(device, contiguous):
    def step(w):
        with torch.no_grad():
            target = w if contiguous else w[::2]
            sgd_step_(target, torch.ones_like(target), 0.1, momentum=0.9)

    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        _forward_step_backward(step, device)
    # the same sequence with torch.optim raises the same error: that is the contract
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        _forward_step_backward(
            lambda w: (setattr(w, "grad", torch.ones_like(w)), torch.optim.SGD([w], 0.1).step()),
            device,
        )


def test_a_float16_momentum_buffer_beside_float32_parameters_is_refused(device):
    p = torch.ones(5, device=device)
    buf = torch.zeros(5, device=device, dtype=torch.float16)
    assert_raises(
        lambda: sgd_step_(p, torch.ones_like(p), 0.1, momentum=0.9, momentum_buffer=buf),
        ValueError,
        "momentum_buffer has dtype torch.float16 but param has torch.float32",
        "momentum_buffer.to(param.dtype)",
    )
