"""The roofline's byte and FLOP counts, checked against formulas worked by hand."""

from __future__ import annotations

import math

import pytest
import torch

from bigmodel_lab.kernels import roofline
from bigmodel_lab.kernels.roofline import work
from bigmodel_lab.verification import kernel_cases as cases


@pytest.mark.parametrize(("dtype", "size"), [(torch.float32, 4), (torch.float16, 2)], ids=str)
def test_an_activation_moves_each_element_in_and_out(dtype, size):
    n = 1000
    for op in ("sigmoid", "relu", "tanh"):
        assert work(op, (n,), dtype).bytes == 2 * size * n  # read x, write y: 8n in float32
        # backward reads x and ∂L/∂y and writes ∂L/∂x
        assert work(op, (n,), dtype, "forward+backward").bytes == 5 * size * n
    assert work("sigmoid", (10, 100), dtype).flops == 4 * n


def test_linear_counts_two_flops_per_multiply_add():
    m, k, n = 64, 5408, 32
    w = work("linear", (m, k, n), torch.float16)
    assert w.flops == 2 * m * n * k + m * n  # the bias: one addition per output
    assert w.bytes == 2 * (m * k + n * k + n + m * n)
    both = work("linear", (m, k, n), torch.float16, "forward+backward")
    assert both.flops == 6 * m * n * k + 2 * m * n  # ∂L/∂x and ∂L/∂W are a matmul each
    relu = work("linear_relu", (m, k, n), torch.float16)
    assert relu.flops == w.flops + m * n


def test_the_h100_bound_is_the_slower_of_memory_and_arithmetic():
    big = work("linear", (4096, 4096, 4096), torch.float16)
    b = roofline.bound(big, torch.float16)
    assert b["bound"] == "compute"
    assert b["target ms"] == pytest.approx(1e3 * 2 * 4096**3 / 989.4e12, rel=1e-3)
    small = roofline.bound(work("sigmoid", (8192, 8192), torch.float32), torch.float32)
    assert small["bound"] == "memory"
    assert small["target ms"] == pytest.approx(1e3 * 8 * 8192**2 / 3.35e12)
    # a batch of 64 through a 5408 x 64 layer reads the whole weight for few products
    thin = work("linear", (64, 5408, 64), torch.float16)
    assert thin.intensity < roofline.ridge_point(torch.float16)


def test_memory_bound_operations_lie_far_below_the_ridge_point():
    for row in roofline.table(torch.float32):
        op = row["op"]
        if op.startswith(("linear", "conv2d")):
            continue
        assert row["bound"] == "memory", row
        assert row["FLOP/byte"] < roofline.ridge_point(torch.float32) / 5, row


def test_the_table_covers_every_benchmark_call():
    rows = roofline.table(torch.bfloat16)
    calls = sum(len(s) for s in roofline.SIZES.values()) * 2 + 2 * len(roofline.OPTIMISER_SIZES)
    assert len(rows) == calls
    assert all(r["target ms"] > 0 and math.isfinite(r["target ms"]) for r in rows)
    with pytest.raises(ValueError, match="no roofline"):
        work("gelu", (3,), torch.float32)


@pytest.mark.parametrize(
    "op",
    ["sigmoid", "relu", "tanh", "softmax", "linear", "linear_tanh", "mse_loss", "conv2d"],
)
def test_forward_bytes_agree_with_the_benchmark_cases(op):
    """The benchmark's GB/s uses the kernel cases' Case.work; the roofline must count the same bytes."""
    case = cases.CASES[op]
    shape = case.shapes[-1]
    inputs = case.make(shape, torch.Generator().manual_seed(0))
    cast = {k: v.float() if v.is_floating_point() else v for k, v in inputs.items()}
    case_bytes, case_flops = case.work(cast)
    w = work(op, shape, torch.float32)
    assert w.bytes == case_bytes
    if case.bound == "compute":  # the roofline adds one per output for the bias, and f
        n_out = math.prod(case.kernel(**cast).shape)
        act = {"linear": 0, "linear_tanh": roofline.FLOPS_PER_ELEMENT["tanh"][0], "conv2d": 0}
        assert w.flops - case_flops == n_out * (1 + act[op])
