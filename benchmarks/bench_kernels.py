"""Benchmark the Triton kernels of bigmodel_lab.kernels against torch eager and torch.compile.

Usage (on a machine with a CUDA GPU, from the repository root):

    .venv/bin/python benchmarks/bench_kernels.py                 # float32, every operation
    .venv/bin/python benchmarks/bench_kernels.py --dtype float16 --ops linear conv2d

For every operation and size the same inputs go to three providers: the Triton kernel
(``Case.kernel``), torch eager (``Case.torch_fn``) and ``torch.compile(Case.torch_fn)``. The
cases come from ``bigmodel_lab.verification.kernel_cases``, the module the tests use, so the benchmark
times exactly the computations the tests check. Each provider is timed for the forward pass
and for forward plus backward (``torch.autograd.grad``) with CUDA events: warm-up calls first
(compilation included there), then the median of ``--reps`` timed calls.

It reports, per row: milliseconds; the Triton kernel's speed relative to eager and compiled
torch (>1 means the kernel is faster); achieved GB/s for memory-bound operations or TFLOP/s
for matmul and convolution; and that figure as a fraction of the device's *measured* peak:
a large device-to-device copy for bandwidth, ``torch.matmul`` on 8192x8192 matrices of the
same dtype for arithmetic (TF32 off for float32, because the kernels compute float32 products
in full IEEE precision). Optimiser steps are compared with torch.optim (single-tensor,
foreach and, for Adam, fused implementations).

Beside each measurement stands its analytic target (``bigmodel_lab.kernels.roofline``): the
H100's lower bound on the call's time, max(bytes / 3.35 TB/s, FLOPs / peak), and the fraction
of it reached. Then the benchmark checks the project's targets and exits with status 1 if one
is missed:

- memory-bound kernels at least as fast as torch eager, and at the largest size above 80% of
  the measured copy bandwidth (forward);
- the fused cross-entropy faster than torch eager's, which is log_softmax then nll_loss (two
  kernels, the log-probabilities written to memory and read back);
- linear in float16 and bfloat16 within 80% of ``torch.matmul`` at 4096³ (forward).

The table is printed and written as CSV (with device name and versions) to
``benchmarks/results/kernels_<device>_<dtype>.csv`` unless ``--out`` says otherwise.

Without CUDA (or with TRITON_INTERPRET=1, where the kernels run in the CPU interpreter) the
script prints why it cannot measure anything and exits with status 2: timings of the
interpreter say nothing about the kernels.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path

import torch

RESULTS = Path(__file__).resolve().parent / "results"
DEVICE = "cuda"

# sizes per operation (the argument of Case.make), large enough to fill an H100; they live
# beside the roofline so that the compile check and the targets use the same calls
from bigmodel_lab.kernels.roofline import OPTIMISER_SIZES, SIZES  # noqa: E402

#: The targets checked on a GPU (see the module docstring).
MIN_COPY_FRACTION = 0.8  # memory-bound forward, largest size: of the measured copy bandwidth
MIN_MATMUL_FRACTION = 0.8  # linear at 4096³ in float16 / bfloat16: of torch.matmul's speed


def _fail(message: str) -> None:
    print(f"bench_kernels: {message}", file=sys.stderr)
    sys.exit(2)


# -- timing ---------------------------------------------------------------------------------


def time_ms(fn, warmup: int, reps: int) -> float:
    """Median wall time of fn() on the GPU in milliseconds, from CUDA events."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def peak_bandwidth_gbs(warmup: int, reps: int) -> float:
    """GB/s of a 1 GiB device-to-device copy (read 1 GiB + write 1 GiB)."""
    n = (1 << 30) // 4
    src = torch.empty(n, device="cuda", dtype=torch.float32).uniform_()
    dst = torch.empty_like(src)
    ms = time_ms(lambda: dst.copy_(src), warmup, reps)
    return 2 * n * 4 / (ms * 1e-3) / 1e9


def peak_tflops(dtype, warmup: int, reps: int) -> float:
    """TFLOP/s of torch.matmul on 8192x8192 matrices (TF32 off, so float32 means IEEE)."""
    torch.backends.cuda.matmul.allow_tf32 = False
    n = 8192
    a = torch.randn(n, n, device="cuda", dtype=dtype)
    b = torch.randn(n, n, device="cuda", dtype=dtype)
    ms = time_ms(lambda: torch.matmul(a, b), warmup, reps)
    return 2 * n**3 / (ms * 1e-3) / 1e12


# -- providers ------------------------------------------------------------------------------


def _forward_and_backward(fn, leaves, others, upstream):
    def run():
        out = fn(**leaves, **others)
        return torch.autograd.grad(out, list(leaves.values()), upstream)

    return run


def bench_case(case, shape, dtype, args, peaks):
    from bigmodel_lab.verification.kernel_triads import prepare

    gen = torch.Generator().manual_seed(0)
    cast, _ = prepare(case, case.make(shape, gen), dtype, DEVICE)
    bytes_fwd, flops_fwd = case.work(cast)
    providers = {"triton": case.kernel, "torch eager": case.torch_fn}
    if not args.no_compile:
        providers["torch.compile"] = torch.compile(case.torch_fn, dynamic=False)
    rows = []
    for mode in ("forward", "forward+backward"):
        leaves = {k: v.detach().requires_grad_() for k, v in cast.items() if k in case.grads}
        others = {k: v for k, v in cast.items() if k not in case.grads}
        with torch.no_grad():
            out = case.torch_fn(**cast)
        upstream = torch.ones_like(out) if out.dim() == 0 else torch.randn_like(out)
        for provider, fn in providers.items():
            if mode == "forward":

                def call(fn=fn):
                    with torch.no_grad():
                        return fn(**cast)
            else:
                call = _forward_and_backward(fn, leaves, others, upstream)
            try:
                ms = time_ms(call, args.warmup, args.reps)
            except Exception as exc:  # noqa: BLE001 - a failing provider is reported, not fatal
                print(f"  {case.name} {shape} {mode} {provider}: failed ({exc!r})", file=sys.stderr)
                ms = math.nan
            row = {
                "op": case.name,
                "shape": "x".join(map(str, shape)),
                "mode": mode,
                "provider": provider,
                "ms": ms,
                "GB/s": math.nan,
                "TFLOP/s": math.nan,
                "fraction of peak": math.nan,
            }
            if mode == "forward" and case.bound == "memory":
                row["GB/s"] = bytes_fwd / (ms * 1e-3) / 1e9
                row["fraction of peak"] = row["GB/s"] / peaks["GB/s"]
            elif case.bound == "compute":
                # backward of a matmul or convolution is two products of the forward's size
                flops = flops_fwd * (1 if mode == "forward" else 3)
                row["TFLOP/s"] = flops / (ms * 1e-3) / 1e12
                row["fraction of peak"] = row["TFLOP/s"] / peaks["TFLOP/s"]
            rows.append(row)
    return rows


def bench_optimisers(dtype, args, peaks):
    from bigmodel_lab.kernels import adam_step_, sgd_step_

    rows = []
    for n in OPTIMISER_SIZES:
        gen = torch.Generator().manual_seed(0)
        p = torch.randn(n, generator=gen).to(DEVICE, dtype)
        g = torch.randn(n, generator=gen).to(DEVICE, dtype)
        buf = torch.zeros_like(p)
        m, v = torch.zeros_like(p), torch.zeros_like(p)
        itemsize = p.element_size()

        def sgd_kernel(p=p, g=g, buf=buf):
            sgd_step_(p, g, 1e-3, momentum=0.9, momentum_buffer=buf)

        def adam_kernel(p=p, g=g, m=m, v=v):
            adam_step_(p, g, m, v, 10, lr=1e-3)

        providers = {"sgd": {"triton": sgd_kernel}, "adam": {"triton": adam_kernel}}
        for name, opt_cls, kwargs in (
            ("sgd", torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9}),
            ("adam", torch.optim.Adam, {"lr": 1e-3}),
        ):
            variants = {
                "torch.optim (single tensor)": {"foreach": False},
                "torch.optim (foreach)": {"foreach": True},
            }
            if name == "adam":
                variants["torch.optim (fused)"] = {"fused": True}
            for label, extra in variants.items():
                param = torch.nn.Parameter(p.clone())
                param.grad = g.clone()
                opt = opt_cls([param], **kwargs, **extra)
                opt.step()  # creates the state
                providers[name][label] = opt.step
        moved = {"sgd": 5 * n * itemsize, "adam": 7 * n * itemsize}  # reads + writes
        for name, provs in providers.items():
            for provider, fn in provs.items():
                ms = time_ms(fn, args.warmup, args.reps)
                gbs = moved[name] / (ms * 1e-3) / 1e9
                rows.append(
                    {
                        "op": f"{name}_step",
                        "shape": str(n),
                        "mode": "step",
                        "provider": provider,
                        "ms": ms,
                        "GB/s": gbs,
                        "TFLOP/s": math.nan,
                        "fraction of peak": gbs / peaks["GB/s"],
                    }
                )
    return rows


def add_roofline(frame, dtype):
    """Add the H100's analytic lower bound on each call's time, and the fraction reached."""
    from bigmodel_lab.kernels import roofline

    def target(row):
        shape = tuple(int(v) for v in str(row["shape"]).split("x"))
        return roofline.bound(roofline.work(row["op"], shape, dtype, row["mode"]), dtype)

    bounds = frame.apply(target, axis=1, result_type="expand")
    frame["H100 bound"] = bounds["bound"]
    frame["H100 target ms"] = bounds["target ms"]
    frame["of target"] = frame["H100 target ms"] / frame["ms"]
    return frame


def check_targets(frame, peaks, dtype, matmul_4096_ms) -> list[tuple[str, bool, str]]:
    """(target, met, detail) for each of the project's targets that this run can judge."""
    checks = []
    fwd = frame[frame["mode"] == "forward"]
    memory_ops = [op for op in fwd["op"].unique() if not op.startswith(("linear", "conv2d"))]
    for op in memory_ops:
        rows = fwd[fwd["op"] == op]
        largest = rows.loc[rows["H100 target ms"].idxmax(), "shape"]  # the most bytes
        at = rows[rows["shape"] == largest].set_index("provider")["ms"]
        if "torch eager" in at:
            checks.append(
                (
                    f"{op} {largest}: at least as fast as torch eager",
                    bool(at["triton"] <= at["torch eager"]),
                    f"{at['triton']:.4g} ms vs {at['torch eager']:.4g} ms",
                )
            )
        gbs = rows[(rows["shape"] == largest) & (rows["provider"] == "triton")]["GB/s"].iloc[0]
        if not math.isnan(gbs):
            checks.append(
                (
                    f"{op} {largest}: above {MIN_COPY_FRACTION:.0%} of copy bandwidth",
                    bool(gbs >= MIN_COPY_FRACTION * peaks["GB/s"]),
                    f"{gbs:.0f} GB/s of {peaks['GB/s']:.0f}",
                )
            )
    ce = frame[
        (frame["op"] == "cross_entropy") & (frame["provider"].isin(["triton", "torch eager"]))
    ]
    for (shape, mode), rows in ce.groupby(["shape", "mode"], sort=False):
        at = rows.set_index("provider")["ms"]
        checks.append(
            (
                f"cross_entropy {shape} {mode}: faster than eager log_softmax + nll_loss",
                bool(at["triton"] < at["torch eager"]),
                f"{at['triton']:.4g} ms vs {at['torch eager']:.4g} ms",
            )
        )
    if dtype in (torch.float16, torch.bfloat16) and matmul_4096_ms is not None:
        rows = fwd[(fwd["op"] == "linear") & (fwd["shape"] == "4096x4096x4096")]
        if len(rows):
            ms = rows[rows["provider"] == "triton"]["ms"].iloc[0]
            checks.append(
                (
                    f"linear 4096³ forward: within {MIN_MATMUL_FRACTION:.0%} of torch.matmul",
                    bool(matmul_4096_ms / ms >= MIN_MATMUL_FRACTION),
                    f"{ms:.4g} ms vs torch.matmul {matmul_4096_ms:.4g} ms",
                )
            )
    return checks


def add_ratios(frame):
    """Add "triton speed-up" = this provider's time / the Triton kernel's time for the same
    operation, size and mode (> 1: the Triton kernel is faster; 1 on the Triton row)."""
    keys = ["op", "shape", "mode"]
    triton_ms = frame[frame["provider"] == "triton"].set_index(keys)["ms"].rename("_triton_ms")
    frame = frame.join(triton_ms, on=keys)
    frame["triton speed-up"] = frame["ms"] / frame["_triton_ms"]
    return frame.drop(columns="_triton_ms")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dtype", choices=["float32", "float16", "bfloat16"], default="float32")
    parser.add_argument("--ops", nargs="*", help="operation names (default: all, plus optimisers)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--no-compile", action="store_true", help="skip torch.compile")
    parser.add_argument("--no-optimisers", action="store_true")
    parser.add_argument("--out", type=Path, help="CSV path (default: benchmarks/results/...)")
    args = parser.parse_args(argv)

    if not torch.cuda.is_available():
        _fail(
            "no CUDA device is available, so there is nothing to measure. The kernels run "
            "on this machine only through Triton's CPU interpreter, whose timings say nothing "
            "about GPU performance. Run this script on a machine with an NVIDIA GPU."
        )
    import pandas as pd
    import triton

    from bigmodel_lab import kernels
    from bigmodel_lab.verification.kernel_cases import CASES

    if kernels.INTERPRETED:
        _fail(
            "TRITON_INTERPRET=1 is set, so the kernels run in the CPU interpreter; unset it "
            "to benchmark the compiled kernels."
        )
    dtype = getattr(torch, args.dtype)
    names = args.ops or list(SIZES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        _fail(f"--ops: unknown operation(s) {unknown}; choose from {list(SIZES)}.")

    device = torch.cuda.get_device_name()
    print(
        f"device: {device}; torch {torch.__version__}, triton {triton.__version__}, "
        f"CUDA {torch.version.cuda}; dtype {args.dtype}"
    )
    peaks = {
        "GB/s": peak_bandwidth_gbs(args.warmup, args.reps),
        "TFLOP/s": peak_tflops(dtype, args.warmup, args.reps),
    }
    print(
        f"measured peaks: copy {peaks['GB/s']:.0f} GB/s, matmul {peaks['TFLOP/s']:.1f} "
        f"TFLOP/s ({args.dtype})"
    )

    rows = []
    for name in names:
        for shape in SIZES[name]:
            print(f"  {name} {shape} ...", flush=True)
            rows += bench_case(CASES[name], shape, dtype, args, peaks)
    if not args.no_optimisers and not args.ops:
        rows += bench_optimisers(dtype, args, peaks)

    frame = add_roofline(add_ratios(pd.DataFrame(rows)), dtype)
    matmul_4096_ms = None
    if "linear" in names:
        a = torch.randn(4096, 4096, device="cuda", dtype=dtype)
        matmul_4096_ms = time_ms(lambda: torch.matmul(a, a), args.warmup, args.reps)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = {
        "device": device,
        "torch": torch.__version__,
        "triton": triton.__version__,
        "cuda": torch.version.cuda,
        "python": platform.python_version(),
        "dtype": args.dtype,
        "peak copy GB/s": round(peaks["GB/s"], 1),
        "peak matmul TFLOP/s": round(peaks["TFLOP/s"], 2),
        "measured at": stamp,
    }
    out = args.out or RESULTS / f"kernels_{device.replace(' ', '_')}_{args.dtype}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.assign(**meta).to_csv(out, index=False)
    with pd.option_context("display.width", 200, "display.max_rows", None):
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"written to {out}")
    checks = check_targets(frame, peaks, dtype, matmul_4096_ms)
    for target, met, detail in checks:
        print(f"{'met   ' if met else 'MISSED'} {target} ({detail})")
    if not all(met for _, met, _ in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
