"""The kernels compile for real GPUs (sm_90 here, in float16; ``make gpu-compile`` does all).

Triton's interpreter runs the kernels everywhere else in the suite; these tests hand the same
launches to Triton's GPU compiler and ptxas, which need no GPU.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
import triton
import triton.language as tl

from bigmodel_lab.kernels import _common, compile_check

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "benchmarks" / "results" / "kernel_resources.csv"
KERNEL_DIR = ROOT / "bigmodel_lab" / "kernels"

ELEMENTWISE = [
    "_sigmoid_forward_kernel",
    "_sigmoid_backward_kernel",
    "_relu_forward_kernel",
    "_relu_backward_kernel",
    "_tanh_forward_kernel",
    "_tanh_backward_kernel",
    "_linear_backward_kernel",
    "_sgd_step_kernel",
    "_adam_step_kernel",
]
DOT_KERNELS = [
    "_linear_forward_kernel",
    "_conv2d_forward_kernel",
    "_conv2d_backward_kernel",
    "_conv2d_backward_input_kernel",
]


@triton.jit
def _broken_dot_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr):
    """Runs under the interpreter for BLOCK = 8, but tl.dot needs K >= 16 on a GPU."""
    offs = tl.arange(0, BLOCK)
    tile = offs[:, None] * BLOCK + offs[None, :]
    a = tl.load(x_ptr + tile)
    tl.store(y_ptr + tile, tl.dot(a, a))


@pytest.fixture(scope="module")
def launches():
    return compile_check.record()


def _broken_launch():
    x = torch.zeros(8, 8, dtype=torch.float16)
    return compile_check.Launch.from_call(_broken_dot_kernel, x, x, BLOCK=8, dtype="float16")


@pytest.fixture(scope="module")
def compiled(launches):
    """The make-test slice for sm_90, and the broken kernel for sm_80, in one child process."""
    requests = [(launch, 90) for launch in compile_check.slice_launches(launches)]
    requests.append((_broken_launch(), 80))
    return compile_check.compile_launches(requests)


@pytest.fixture(scope="module")
def slice_results(compiled):
    return compiled[:-1]


def test_every_jit_kernel_of_the_package_is_checked():
    in_source = set()
    for path in KERNEL_DIR.glob("*.py"):
        in_source |= set(
            re.findall(r"@triton\.jit\s*\ndef (_\w+_kernel)\(", path.read_text(encoding="utf-8"))
        )
    assert in_source, "no kernels found in the sources"
    assert set(compile_check.kernel_names()) == in_source


def test_recording_covers_every_kernel_in_every_dtype(launches):
    names = compile_check.kernel_names()
    for dtype in compile_check.DTYPES:
        seen = {launch.kernel for launch in launches if launch.dtype == dtype}
        assert seen == set(names), f"{dtype}: never launched: {set(names) - seen}"
    # the recorded tensors carry the wrapper's dtype (bfloat16 included, refused when run)
    for launch in launches:
        tensors = {dict(d)["tensor"] for _, d in launch.args if isinstance(d, tuple)}
        assert launch.dtype in tensors, f"{launch.kernel}: {launch.dtype} call, tensors {tensors}"


def test_autotuned_launches_are_recorded_once_per_configuration(launches):
    def blocks(kernel, dtype, names):
        return {
            tuple(dict(launch.args)[n] for n in names) + (launch.num_warps, launch.num_stages)
            for launch in launches
            if launch.kernel == kernel and launch.dtype == dtype
        }

    def expected(configs, names):
        return {tuple(c.kwargs[n] for n in names) + (c.num_warps, c.num_stages) for c in configs}

    mnk = ("BLOCK_M", "BLOCK_N", "BLOCK_K")
    assert blocks("_linear_forward_kernel", "float16", mnk) == expected(
        _common.MATMUL_CONFIGS_16BIT, mnk
    )
    assert blocks("_linear_forward_kernel", "float32", mnk) == expected(
        _common.MATMUL_CONFIGS_32BIT, mnk
    )
    for kernel in ELEMENTWISE:
        assert blocks(kernel, "float32", ("BLOCK",)) == expected(
            _common.ELEMENTWISE_CONFIGS, ("BLOCK",)
        )
    # kernels that are not autotuned launch with the GPU's fixed blocks and default options
    softmax = [l for l in launches if l.kernel == "_softmax_forward_kernel"]
    assert softmax and all(l.num_warps is None for l in softmax)
    assert max(dict(l.args)["BLOCK_C"] for l in softmax) == _common.GPU_CAPS["row_tile"]


def test_recording_leaves_the_package_as_it_was():
    if not _common.INTERPRETED:
        pytest.skip("records in this process only under the interpreter")

    def state():
        return (
            dict(_common.CAPS),
            _common.AUTOTUNE,
            set(_common.INTERPRETER_REFUSED_DTYPES),
            _common._warned_long_launch,
        )

    before = state()
    assert compile_check._record_here(["float16"])
    after = state()
    assert before == after
    assert set(compile_check.kernel_names()) and all(
        not isinstance(k, compile_check._Recorder)
        for k in compile_check._package_kernels().values()
    )


def test_every_kernel_compiles_for_h100_in_float16(slice_results):
    compile_check.assert_compiled(slice_results)
    assert {r.launch.kernel for r in slice_results} == set(compile_check.kernel_names())
    for r in slice_results:
        assert r.arch == 90 and r.launch.dtype == "float16"
        assert r.registers and 0 < r.registers <= 255
        assert r.shared_bytes <= compile_check.SHARED_LIMIT[90]


def test_16_bit_matmuls_and_convolutions_use_tensor_cores(slice_results):
    by_kernel = {r.launch.kernel: r for r in slice_results}
    for kernel in DOT_KERNELS:
        assert by_kernel[kernel].tensor_cores, f"{kernel}: no mma/wgmma in its PTX"
    for kernel in ELEMENTWISE:
        assert by_kernel[kernel].vector_loads, f"{kernel}: no vectorised global load"
        assert not by_kernel[kernel].tensor_cores


def test_committed_report_matches_what_the_kernels_compile_to(slice_results):
    assert REPORT.exists(), "run `make gpu-compile` to write the resource report"
    rows = compile_check.read_csv(REPORT)
    key = ("kernel", "arch", "dtype", "config", "signature")
    committed = {tuple(r[k] for k in key): r for r in rows}
    for r in slice_results:
        now = {k: str(v) for k, v in r.row().items()}
        was = committed.get(tuple(now[k] for k in key))
        assert was is not None, (
            f"{now['kernel']} {now['config']}: not in {REPORT.name}; rerun make gpu-compile"
        )
        assert was == now, f"{REPORT.name} is stale for {now['kernel']}: {was} != {now}"


def test_committed_report_covers_every_kernel_gpu_and_dtype():
    rows = compile_check.read_csv(REPORT)
    cells = {(r["kernel"], r["arch"], r["dtype"]) for r in rows}
    for kernel in compile_check.kernel_names():
        for arch in compile_check.ARCHS:
            for dtype in compile_check.DTYPES:
                assert (kernel, f"sm_{arch}", dtype) in cells, (kernel, arch, dtype)
    assert set(rows[0]) == set(compile_check.CSV_COLUMNS)
    # kernel, GPU, dtype, configuration and signature name one compiled kernel: one row each
    keys = [(r["kernel"], r["arch"], r["dtype"], r["config"], r["signature"]) for r in rows]
    assert len(set(keys)) == len(keys)


def test_a_failure_names_the_kernel_gpu_dtype_configuration_and_the_compiler_message(compiled):
    x = torch.zeros(8, 8, dtype=torch.float16)
    if _common.INTERPRETED:  # the interpreter accepts the kernel that the GPU compiler refuses
        _broken_dot_kernel[(1,)](x, x.clone(), BLOCK=8)
    result = compiled[-1]
    assert result.launch == _broken_launch() and result.arch == 80
    assert not result.ok
    for fragment in ("_broken_dot_kernel", "sm_80", "A100", "float16", "BLOCK=8", "K >= 16"):
        assert fragment in result.message, f"{fragment!r} missing from {result.message!r}"
    with pytest.raises(compile_check.CompileError, match="1 of 1 compilations failed"):
        compile_check.assert_compiled([result])


def test_a_launch_survives_json():
    x = torch.zeros(3, dtype=torch.bfloat16)
    launch = compile_check.Launch.from_call(
        _broken_dot_kernel, x, x[1:], BLOCK=16, dtype="bfloat16", num_warps=2
    )
    assert compile_check.Launch.from_json(launch.to_json()) == launch
    assert dict(dict(launch.args)["y_ptr"]) == {"offset": 2, "tensor": "bfloat16"}
    assert launch.config == "BLOCK=16 num_warps=2"
