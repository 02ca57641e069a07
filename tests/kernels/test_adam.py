"""adam_step_: ten consecutive steps against torch.optim.Adam, in place, input checks."""

import pytest
import torch
from assertions import assert_close, assert_raises

from bigmodel_lab.kernels import adam_step_

CONFIGS = [
    dict(),
    dict(lr=1e-2, weight_decay=1e-2),
    dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=1e-3, betas=(0.0, 0.5)),
]


def _run_both(shape, config, device, steps=10):
    gen = torch.Generator().manual_seed(4)
    start = torch.randn(shape, generator=gen)
    # gradients of different sizes, so that ε and the bias corrections both matter
    grads = [torch.randn(shape, generator=gen) * 10.0 ** (i % 3 - 1) for i in range(steps)]
    ours = start.clone().to(device)
    m, v = torch.zeros_like(ours), torch.zeros_like(ours)
    ref = start.clone().to(device).requires_grad_()
    opt = torch.optim.Adam([ref], **config)
    for step, g in enumerate(grads, start=1):
        adam_step_(ours, g.to(device), m, v, step, **config)
        ref.grad = g.to(device)
        opt.step()
        state = opt.state[ref]
        assert_close(f"exp_avg after step {step}", m, state["exp_avg"], 1e-5)
        assert_close(f"exp_avg_sq after step {step}", v, state["exp_avg_sq"], 1e-5)
        assert_close(f"param after step {step}", ours, ref.detach(), 1e-5)
    return ours


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("shape", [(1,), (3, 7), (127, 257)], ids=str)
def test_ten_steps_match_torch_optim(config, shape, device):
    _run_both(shape, config, device)


def test_many_programs(tiny_blocks, device):
    _run_both((17, 33), CONFIGS[1], device)


def test_first_step_moves_each_parameter_by_about_lr(device):
    # with m = (1-β₁)g and v = (1-β₂)g², the bias-corrected step is lr·g/(|g| + ε') ≈ ±lr
    p = torch.zeros(4, device=device)
    g = torch.tensor([3.0, -0.5, 1e-3, -20.0], device=device)
    adam_step_(p, g, torch.zeros(4, device=device), torch.zeros(4, device=device), 1, lr=0.01)
    assert torch.allclose(p, -0.01 * torch.sign(g), rtol=1e-4)


def test_bad_inputs_are_refused_with_the_argument_named(device):
    p = torch.zeros(3, device=device)
    z = torch.zeros(3, device=device)
    assert_raises(lambda: adam_step_(p, z, z.clone(), z.clone(), 0), ValueError, "step", ">= 1")
    assert_raises(
        lambda: adam_step_(p, z, z.clone(), z.clone(), 1, betas=(0.9, 1.0)),
        ValueError,
        "betas[1]",
        "[0, 1)",
    )
    assert_raises(
        lambda: adam_step_(p, z, z.clone(), z.clone(), 1, betas=0.9), ValueError, "betas", "pair"
    )
    assert_raises(lambda: adam_step_(p, z, z.clone(), z.clone(), 1, lr=-1e-3), ValueError, "lr")
    assert_raises(
        lambda: adam_step_(p, z, torch.zeros(2, device=device), z.clone(), 1),
        ValueError,
        "exp_avg",
        "same shape",
    )
    assert_raises(lambda: adam_step_(p, z, z.clone(), None, 1), TypeError, "exp_avg_sq")


@pytest.mark.gpu
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_gpu_large_parameter(config):
    _run_both((1023, 4099), config, "cuda")


def test_a_step_between_forward_and_backward_is_detected_by_autograd(device):
    w = torch.ones(4, device=device, requires_grad=True)
    m, v = torch.zeros(4, device=device), torch.zeros(4, device=device)
    loss = (w * w).sum()  # saves w for the backward pass
    with torch.no_grad():
        adam_step_(w, torch.ones_like(w), m, v, 1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize("moment", ["exp_avg", "exp_avg_sq"])
def test_float16_moments_beside_float32_parameters_are_refused(device, moment):
    p = torch.ones(5, device=device)
    moments = {"exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p)}
    moments[moment] = moments[moment].half()
    assert_raises(
        lambda: adam_step_(p, torch.ones_like(p), moments["exp_avg"], moments["exp_avg_sq"], 1),
        ValueError,
        f"{moment} has dtype torch.float16 but param has torch.float32",
        f"{moment}.to(param.dtype)",
    )
