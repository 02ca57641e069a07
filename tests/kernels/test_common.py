"""Input checks and block sizes shared by every kernel (bigmodel_lab.kernels._common)."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from assertions import assert_raises

from bigmodel_lab.kernels import _common, conv2d, linear, sgd_step_, sigmoid
from bigmodel_lab.kernels._common import (
    CAPS,
    INTERPRETED,
    check_same_device,
    check_tensor,
    elementwise_block,
    matmul_blocks,
    next_power_of_2,
    row_blocks,
)


@pytest.mark.skipif(not INTERPRETED, reason="bfloat16 is refused only under the interpreter")
def test_bfloat16_is_refused_under_the_interpreter():
    assert_raises(
        lambda: sigmoid(torch.zeros(3, dtype=torch.bfloat16)),
        ValueError,
        "x",
        "bfloat16",
        "interpreter",
        ".float()",
    )


def test_check_tensor_names_the_argument_and_the_problem(device):
    assert_raises(lambda: check_tensor("weights", 3.0), TypeError, "weights", "float")
    assert_raises(
        lambda: check_tensor("weights", torch.zeros(2, dtype=torch.int32)),
        TypeError,
        "weights",
        "int32",
        ".float()",
    )
    assert_raises(
        lambda: check_tensor("weights", torch.zeros(2, dtype=torch.float64)),
        ValueError,
        "weights",
        "float64",
    )
    assert_raises(
        lambda: check_tensor("weights", torch.zeros(2, 2, device=device), ndim=(1, 3)),
        ValueError,
        "weights",
        "1-D or 3-D",
        "(2, 2)",
    )
    t = torch.zeros(3, 4, device=device).t()
    assert check_tensor("weights", t).is_contiguous()


def test_tensors_on_different_devices_are_refused(device):
    a = torch.zeros(2, device=device)
    assert_raises(lambda: check_same_device(a=a, b=a.to("meta")), ValueError, "b", "meta", "a")


@pytest.mark.gpu
def test_compiled_kernels_refuse_cpu_tensors_with_advice():
    assert_raises(
        lambda: sigmoid(torch.zeros(3)), ValueError, "x", "cpu", ".cuda()", "TRITON_INTERPRET=1"
    )
    assert_raises(
        lambda: check_same_device(x=torch.zeros(1, device="cuda"), w=torch.zeros(1)),
        ValueError,
        "w",
        "cpu",
        "cuda",
    )


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 1000, 10**7])
def test_block_sizes_are_powers_of_two_within_the_caps(n):
    b = elementwise_block(n)
    assert b & (b - 1) == 0 and 16 <= b <= max(16, CAPS["elements"])
    assert b >= min(n, CAPS["elements"])  # covers n when allowed to
    r, c = row_blocks(max(n, 1), 33)
    assert r * c <= max(CAPS["row_tile"], c) and c >= 33
    assert all(16 <= s for s in matmul_blocks(n, 3, 5))
    assert next_power_of_2(n) >= n


def test_device_matches_the_mode():
    assert _common.DEVICE == ("cpu" if _common.INTERPRETED else "cuda")


@pytest.mark.parametrize(
    "value", [0.1, np.float32(0.1), np.float64(0.1), torch.tensor(0.1), np.array(0.1), 0]
)
def test_scalar_arguments_accept_any_number(value, device):
    p = torch.ones(3, device=device)
    sgd_step_(p, torch.ones_like(p), value)  # np.float32(0.1) was "expected a number"
    assert torch.allclose(p, torch.full_like(p, 1.0 - float(value)))


def test_a_launch_the_interpreter_takes_long_over_is_announced_once(monkeypatch, device):
    monkeypatch.setattr(_common, "_warned_long_launch", False)
    monkeypatch.setattr(_common, "LONG_LAUNCH_S", 1e-9)  # every launch counts as long
    x, w = torch.ones(4, 3, device=device), torch.ones(2, 3, device=device)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _common.SlowInterpreterWarning)
        linear(x, w)
        linear(x, w)
        conv2d(torch.ones(1, 1, 3, 3, device=device), torch.ones(1, 1, 2, 2, device=device))
    slow = [str(w.message) for w in caught if w.category is _common.SlowInterpreterWarning]
    if INTERPRETED:
        assert len(slow) == 1, slow
        assert "kernels.linear: this call does 24 multiply-adds" in slow[0]
        assert "torch.nn.functional.linear" in slow[0] and "CUDA GPU" in slow[0]
    else:
        assert slow == []  # compiled kernels are fast: nothing to say


def test_long_launch_threshold_catches_a_2048_cubed_matmul_and_spares_the_book():
    seconds = {
        "2048³ matmul": 2048**3 / _common.INTERPRETER_MACS_PER_S["matmul"],
        # the largest launches chapters 1, 4 and 6 make: the kernel cases and KernelCNN's layers
        "(127, 65) x (257, 65)ᵀ": 127 * 257 * 65 / _common.INTERPRETER_MACS_PER_S["matmul"],
        "KernelCNN fc1, batch 64": 64 * 5408 * 64 / _common.INTERPRETER_MACS_PER_S["matmul"],
        "KernelCNN conv, batch 64": 64 * 26 * 26 * 32 * 9 / _common.INTERPRETER_MACS_PER_S["conv"],
    }
    assert seconds["2048³ matmul"] > _common.LONG_LAUNCH_S
    assert all(s < _common.LONG_LAUNCH_S / 10 for k, s in seconds.items() if "2048" not in k)


def test_numpy_warnings_from_inside_the_interpreter_do_not_reach_the_user():
    code = (
        "import torch; from bigmodel_lab import kernels\n"
        "x = torch.tensor([[float('inf'), -float('inf'), 1.0, float('nan')]])\n"
        "kernels.softmax(x); kernels.mse_loss(x, torch.zeros_like(x))\n"
        "kernels.linear(x, torch.ones(3, 4), None, 'sigmoid')\n"
        "kernels.cross_entropy(x, torch.tensor([0]))\n"
        "print('done')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "done", run.stderr
    assert "RuntimeWarning" not in run.stderr, run.stderr
