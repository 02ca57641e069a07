"""The GPU path's autotuned launches, run through the interpreter with one configuration.

``triton.autotune`` times its configurations on a GPU; with a single configuration it times
nothing and just launches, which the interpreter can do. So the plumbing that only a GPU would
otherwise exercise (grid computed from the chosen blocks, blocks taken from the config, the
in-place arguments named for restoring) is checked here against torch.
"""

from __future__ import annotations

import pytest
import torch
import triton
from assertions import assert_close

from bigmodel_lab import kernels
from bigmodel_lab.kernels import _common


@pytest.fixture
def one_config_each(monkeypatch):
    monkeypatch.setattr(_common, "AUTOTUNE", True)
    monkeypatch.setattr(_common, "_TUNERS", {})
    # odd-sized blocks against odd sizes: several programs and ragged edges
    monkeypatch.setattr(_common, "ELEMENTWISE_CONFIGS", (triton.Config({"BLOCK": 64}),))
    tile = triton.Config({"BLOCK_M": 16, "BLOCK_N": 32, "BLOCK_K": 16})
    monkeypatch.setattr(_common, "MATMUL_CONFIGS_32BIT", (tile,))
    return _common


def test_autotuned_element_wise_and_matmul_launches_compute_the_same(one_config_each):
    x = torch.randn(1000, dtype=torch.float32)
    assert_close("sigmoid", kernels.sigmoid(x), torch.sigmoid(x), 1e-6)
    a, w, b = torch.randn(37, 29), torch.randn(19, 29), torch.randn(19)
    assert_close("linear", kernels.linear(a, w, b, "tanh"), torch.tanh(a @ w.T + b), 1e-5)
    tuned = {kernel.fn.__name__ for kernel, _ in one_config_each._TUNERS}
    assert tuned == {"_sigmoid_forward_kernel", "_linear_forward_kernel"}


def test_an_autotuned_optimiser_step_updates_in_place(one_config_each):
    p, g = torch.randn(300), torch.randn(300)
    ref = torch.nn.Parameter(p.clone())
    ref.grad = g.clone()
    opt = torch.optim.SGD([ref], lr=0.1, momentum=0.9)
    buf = kernels.sgd_step_(p, g, 0.1, momentum=0.9)
    opt.step()
    assert_close("param", p, ref.detach(), 1e-6)
    assert_close("buffer", buf, opt.state[ref]["momentum_buffer"], 1e-6)


def test_without_autotuning_the_fixed_blocks_are_used(monkeypatch):
    launched = {}

    class Spy:
        def __getitem__(self, grid):
            def run(*args, **kwargs):
                launched.update(grid=grid, **kwargs)

            return run

    monkeypatch.setattr(_common, "AUTOTUNE", False)
    _common.launch_elementwise(Spy(), 5000, "x", "y")
    assert launched["BLOCK"] == _common.elementwise_block(5000)
    assert launched["grid"] == (triton.cdiv(5000, launched["BLOCK"]),)
