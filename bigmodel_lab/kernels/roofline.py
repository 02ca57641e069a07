"""How fast each kernel could run on an H100: bytes moved, FLOPs, and the bound they imply.

A kernel call can finish no sooner than its bytes take to cross the GPU's memory, and no
sooner than its arithmetic takes (the roofline model of Williams, Waterman and Patterson,
Communications of the ACM 52(4), 2009):

    t ≥ max(bytes / B, flops / P)         B: memory bandwidth, P: peak arithmetic rate

``bytes`` counts the compulsory traffic: every tensor the call's kernels read or write, once
each (tiles a matmul re-reads from L2 and per-program partial sums are not counted). ``flops``
counts one per addition, multiplication, division, comparison, exponential or logarithm of the
formula, per element; for a matmul or convolution 2 per multiply-add. An operation whose
arithmetic intensity flops / bytes lies below the ridge point P / B is memory-bound: its
target is bytes / B.

H100 SXM5 figures, NVIDIA H100 Tensor Core GPU datasheet (2023) and the Hopper architecture
whitepaper: HBM3 bandwidth 3.35 TB/s; dense float16 and bfloat16 tensor-core throughput
989.4 TFLOP/s (the datasheet's 1979 is with 2:4 sparsity); float32 without tensor cores
66.9 TFLOP/s (the kernels multiply float32 in IEEE precision, not TF32).

``SIZES`` are the benchmark's sizes (``benchmarks/bench_kernels.py`` imports them from here),
so the targets it prints are computed for exactly the calls it times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

#: The H100 SXM5's HBM3 bandwidth, bytes per second.
H100_BANDWIDTH = 3.35e12

#: The H100 SXM5's dense peak arithmetic rate per dtype, FLOP per second.
H100_PEAK_FLOPS = {
    torch.float32: 66.9e12,  # CUDA cores, fused multiply-add, no tensor cores
    torch.float16: 989.4e12,  # tensor cores, dense
    torch.bfloat16: 989.4e12,  # tensor cores, dense
}

#: Benchmark sizes per operation, the argument of the cases' ``make`` in ``verification/kernel_cases.py``.
SIZES: dict[str, list[tuple[int, ...]]] = {
    "sigmoid": [(1024, 1024), (4096, 4096), (8192, 8192)],
    "relu": [(1024, 1024), (4096, 4096), (8192, 8192)],
    "tanh": [(1024, 1024), (4096, 4096), (8192, 8192)],
    "linear": [(64, 5408, 64), (1024, 1024, 1024), (4096, 4096, 4096)],
    "linear_relu": [(64, 5408, 64), (4096, 4096, 4096)],
    "linear_sigmoid": [(4096, 4096, 4096)],
    "linear_tanh": [(4096, 4096, 4096)],
    "softmax": [(4096, 1024), (4096, 8192), (65536, 10)],
    "cross_entropy": [(65536, 10), (4096, 8192), (1024, 50000)],
    "mse_loss": [(1024, 1024), (8192, 8192)],
    "binary_cross_entropy_with_logits": [(1024, 1024), (8192, 8192)],
    "conv2d": [(64, 1, 28, 28, 32, 3, 3), (32, 64, 56, 56, 64, 3, 3), (16, 128, 28, 28, 128, 3, 3)],
    "max_pool2d": [(64, 32, 26, 26), (32, 64, 112, 112), (16, 256, 56, 56)],
}

#: Benchmark sizes (elements) of the optimiser steps.
OPTIMISER_SIZES = [1 << 20, 1 << 24, 1 << 26]

#: FLOPs per element of the element-wise and row kernels, (forward, backward), counted from
#: their formulas: e.g. σ(x) = 1/(1 + e) with e = e^(-|x|) is exp, add, divide, select;
#: its gradient g · e/(1 + e)² is exp, add, multiply, divide, multiply.
FLOPS_PER_ELEMENT = {
    "sigmoid": (4, 5),
    "relu": (1, 2),
    "tanh": (6, 6),
    "softmax": (5, 4),  # max, subtract, exp, add; divide / multiply-add, subtract, multiply
    "cross_entropy": (5, 5),
    "mse_loss": (3, 2),
    "binary_cross_entropy_with_logits": (9, 6),
    "max_pool2d": (1, 1),  # one comparison per input element; one select
    "sgd_step": (4, 0),  # weight decay, momentum, update: multiply-adds
    "adam_step": (12, 0),
}

_ACTIVATION_FLOPS = {"": 0, **{f: FLOPS_PER_ELEMENT[f][0] for f in ("relu", "sigmoid", "tanh")}}


@dataclass(frozen=True)
class Work:
    """What one call moves and computes."""

    bytes: float
    flops: float

    def __add__(self, other: Work) -> Work:
        return Work(self.bytes + other.bytes, self.flops + other.flops)

    @property
    def intensity(self) -> float:
        """FLOPs per byte."""
        return self.flops / self.bytes if self.bytes else math.inf


def _linear(shape, s, activation, mode):
    m, k, n = shape  # (batch, n_in, n_out): x (m, k), W (n, k), y (m, n)
    act = _ACTIVATION_FLOPS[activation]
    fwd = Work(s * (m * k + n * k + n + m * n), 2.0 * m * n * k + m * n * (1 + act))
    if mode == "forward":
        return fwd
    delta = Work(3 * s * m * n, 2.0 * m * n) if activation else Work(0, 0)  # Δ from ∂L/∂y, y
    grad_x = Work(s * (m * n + n * k + m * k), 2.0 * m * n * k)  # Δ W
    grad_w = Work(s * (m * n + m * k + n * k), 2.0 * m * n * k)  # Δᵀ X
    grad_b = Work(s * (m * n + n), 1.0 * m * n)  # column sums of Δ
    return fwd + delta + grad_x + grad_w + grad_b


def _conv2d(shape, s, mode):
    n, c, h, w, f, kh, kw = shape
    out = n * f * (h - kh + 1) * (w - kw + 1)
    x, weight = n * c * h * w, f * c * kh * kw
    macs = 2.0 * out * c * kh * kw
    fwd = Work(s * (x + weight + f + out), macs + out)
    if mode == "forward":
        return fwd
    # ∂L/∂w (and ∂L/∂b, fused) reads g and x; float32 partial sums are added per chunk after
    grad_w = Work(s * (out + x) + 4 * (weight + f), macs + out)
    grad_x = Work(s * (out + weight + x), macs)
    return fwd + grad_w + grad_x


def work(op: str, shape: tuple[int, ...], dtype: torch.dtype, mode: str = "forward") -> Work:
    """Bytes and FLOPs of one call of ``op`` at ``shape`` (the benchmark's argument).

    mode: "forward", "forward+backward", or "step" for "sgd_step" / "adam_step" (shape (n,)).
    """
    if mode not in ("forward", "forward+backward", "step"):
        raise ValueError(f"mode: expected 'forward', 'forward+backward' or 'step', got {mode!r}.")
    s = torch.empty((), dtype=dtype).element_size()
    if op.startswith("linear"):
        return _linear(shape, s, op.removeprefix("linear").lstrip("_"), mode)
    if op == "conv2d":
        return _conv2d(shape, s, mode)
    if op not in FLOPS_PER_ELEMENT:
        raise ValueError(f"op: no roofline for {op!r}; known: {sorted(SIZES)}.")
    per_elt_fwd, per_elt_bwd = FLOPS_PER_ELEMENT[op]
    numel = math.prod(shape)
    if op == "sgd_step":  # reads θ, g, v; writes θ, v (momentum)
        return Work(5 * s * numel, per_elt_fwd * numel)
    if op == "adam_step":  # reads θ, g, m, v; writes θ, m, v
        return Work(7 * s * numel, per_elt_fwd * numel)
    flops_fwd, flops_bwd = per_elt_fwd * numel, per_elt_bwd * numel
    if op in ("sigmoid", "relu", "tanh", "softmax"):
        fwd = Work(2 * s * numel, flops_fwd)  # read x, write y
        bwd = Work(3 * s * numel, flops_bwd)  # read x (or y) and ∂L/∂y, write ∂L/∂x
    elif op == "cross_entropy":
        rows = shape[0]
        # logits and int64 targets in; float32 row maximum and log-sum saved for backward
        fwd = Work(s * numel + 8 * rows + 8 * rows, flops_fwd)
        bwd = Work(2 * s * numel + 8 * rows + 8 * rows, flops_bwd)  # logits in, gradient out
    elif op in ("mse_loss", "binary_cross_entropy_with_logits"):
        fwd = Work(2 * s * numel, flops_fwd)  # two inputs in, a scalar out
        bwd = Work(4 * s * numel, flops_bwd)  # two inputs in, two gradients out
    elif op == "max_pool2d":
        n, c, h, w = shape
        pooled = n * c * (h // 2) * (w // 2)
        fwd = Work(s * (numel + pooled) + 4 * pooled, flops_fwd)  # x in; y, int32 argmax out
        bwd = Work(s * (pooled + numel) + 4 * pooled, flops_bwd)  # argmax, ∂L/∂y in; ∂L/∂x out
    else:  # sgd_step and adam_step returned above
        raise AssertionError(op)
    return fwd if mode == "forward" else fwd + bwd


def bound(w: Work, dtype: torch.dtype) -> dict:
    """The H100's lower bound on the time of one call, and what sets it."""
    t_memory = w.bytes / H100_BANDWIDTH
    t_compute = w.flops / H100_PEAK_FLOPS[dtype]
    return {
        "bound": "memory" if t_memory >= t_compute else "compute",
        "target ms": 1e3 * max(t_memory, t_compute),
        "memory ms": 1e3 * t_memory,
        "compute ms": 1e3 * t_compute,
    }


def ridge_point(dtype: torch.dtype) -> float:
    """FLOPs per byte above which an H100 kernel is compute-bound rather than memory-bound."""
    return H100_PEAK_FLOPS[dtype] / H100_BANDWIDTH


def table(dtype: torch.dtype = torch.float32) -> list[dict]:
    """One row per operation, benchmark size and mode: bytes, FLOPs, intensity and H100 bound."""
    rows = []
    cases = [(op, shape) for op, shapes in SIZES.items() for shape in shapes]
    for op, shape in cases:
        for mode in ("forward", "forward+backward"):
            rows.append(_row(op, shape, mode, dtype))
    for op in ("sgd_step", "adam_step"):
        for n in OPTIMISER_SIZES:
            rows.append(_row(op, (n,), "step", dtype))
    return rows


def _row(op, shape, mode, dtype):
    w = work(op, shape, dtype, mode)
    return {
        "op": op,
        "shape": "x".join(map(str, shape)),
        "mode": mode,
        "MB": w.bytes / 1e6,
        "GFLOP": w.flops / 1e9,
        "FLOP/byte": w.intensity,
        **bound(w, dtype),
    }
