"""The kernel benchmark: its sizes, its targets, and its refusal to time the interpreter."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import torch

from bigmodel_lab.kernels import roofline

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_kernels.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_kernels", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_times_the_calls_the_roofline_describes(bench):
    assert bench.SIZES is roofline.SIZES
    assert bench.OPTIMISER_SIZES is roofline.OPTIMISER_SIZES


def _frame(bench, triton_ms, eager_ms, gbs, dtype):
    """A benchmark table for sigmoid, cross_entropy and linear at one size each."""
    rows = []
    for op, shape in (("sigmoid", "8192x8192"), ("cross_entropy", "4096x8192")):
        for provider, ms in (("triton", triton_ms), ("torch eager", eager_ms)):
            rows.append(
                {
                    "op": op,
                    "shape": shape,
                    "mode": "forward",
                    "provider": provider,
                    "ms": ms,
                    "GB/s": gbs if provider == "triton" else float("nan"),
                }
            )
    rows.append(
        {
            "op": "linear",
            "shape": "4096x4096x4096",
            "mode": "forward",
            "provider": "triton",
            "ms": triton_ms,
            "GB/s": float("nan"),
        }
    )
    return bench.add_roofline(pd.DataFrame(rows), dtype)


def test_targets_pass_and_fail_as_the_measurements_say(bench):
    peaks = {"GB/s": 3000.0}
    good = bench.check_targets(
        _frame(bench, 1.0, 1.2, 2500.0, torch.float16), peaks, torch.float16, 0.9
    )
    assert len(good) == 6 and all(met for _, met, _ in good), good
    slow = bench.check_targets(
        _frame(bench, 1.3, 1.2, 2000.0, torch.float16), peaks, torch.float16, 0.9
    )
    missed = {target for target, met, _ in slow if not met}
    assert any("as fast as torch eager" in t for t in missed)
    assert any("80% of copy bandwidth" in t for t in missed)
    assert any("faster than eager log_softmax" in t for t in missed)
    assert any("within 80% of torch.matmul" in t for t in missed)
    # float32 linear is not held to torch.matmul (it multiplies in IEEE precision, no TF32)
    fp32 = bench.check_targets(
        _frame(bench, 1.0, 1.2, 2500.0, torch.float32), peaks, torch.float32, 0.1
    )
    assert not any("torch.matmul" in t for t, _, _ in fp32)


def test_the_roofline_target_stands_beside_each_measurement(bench):
    frame = _frame(bench, 2.0, 2.0, 1.0, torch.float32)
    row = frame[(frame["op"] == "sigmoid") & (frame["provider"] == "triton")].iloc[0]
    assert row["H100 bound"] == "memory"
    assert row["H100 target ms"] == pytest.approx(1e3 * 8 * 8192**2 / 3.35e12)
    assert row["of target"] == pytest.approx(row["H100 target ms"] / 2.0)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: it would benchmark")
def test_without_cuda_the_benchmark_exits_with_a_clear_message():
    done = subprocess.run([sys.executable, str(BENCH)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "no CUDA device" in done.stderr and "interpreter" in done.stderr
