"""Compile every Triton kernel of the package for A100 and H100 GPUs, on a machine without one.

Without CUDA the kernels run through Triton's interpreter, which accepts programs that a GPU
compile can reject (block shapes, dtype rules, ``tl.dot`` constraints) and says nothing about
registers or shared memory. Triton's compiler, and the ``ptxas`` and ``cuobjdump`` inside the
triton wheel, need no GPU: given a ``GPUTarget`` they produce TTIR, TTGIR, LLVM IR, PTX and a
cubin. This module does it in three steps.

1. Record (:func:`record`). A child process under the interpreter calls every host wrapper,
   forward and backward, at the benchmark's sizes (``roofline.SIZES``) with the GPU's block
   limits (``_common.GPU_CAPS``) and autotuning switched on, as on a GPU. Every kernel is
   replaced by a recorder that notes its arguments and runs nothing, so inputs can be large
   and uninitialised, and bfloat16 is accepted. A launch that goes through ``triton.autotune``
   is recorded once per configuration the tuner would try. A :class:`Launch` keeps what
   Triton's JIT specialises a kernel on: tensor dtypes and alignment, integer values,
   constexprs, ``num_warps`` and ``num_stages``.
2. Compile (:func:`compile_launches`). A second child imports the package with
   ``TRITON_INTERPRET=0``: on a machine without CUDA the kernels are then plain JIT functions
   that nothing launches. Each launch is specialised by the JIT's own binder for the target's
   backend, exactly as ``JITFunction.run`` does before it compiles, and handed to
   ``triton.compile(ASTSource(...), target=GPUTarget("cuda", arch, 32))``.
3. Read the artefacts (:class:`Result`): registers and stack bytes per thread from
   ``cuobjdump --dump-resource-usage``; bytes of register spills from ptxas's own log (the
   children compile afresh, ``TRITON_ALWAYS_COMPILE=1``, so that ptxas runs and reports);
   shared memory from the compiled kernel's metadata, checked against what one block may use
   on that GPU; tensor-core instructions (``mma.sync`` / ``wgmma``) and vectorised global
   loads (``ld.global.v2/v4``) from the PTX.

A failure names the kernel, the GPU, the dtype, the configuration and the compiler's message.
Command line (``make gpu-compile``): ``python -m bigmodel_lab.kernels.compile_check --csv PATH``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import inspect
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

#: Compute capabilities compiled for, and the GPUs they stand for.
ARCHS = {80: "A100", 90: "H100"}

#: dtypes every host wrapper accepts (``_common.SUPPORTED_DTYPES``), by name.
DTYPES = ("float32", "float16", "bfloat16")

#: The most shared memory one block may use, bytes (CUDA C++ Programming Guide, "Technical
#: Specifications per Compute Capability": 163 KB on 8.0, 227 KB on 9.0).
SHARED_LIMIT = {80: 163 * 1024, 90: 227 * 1024}

#: The kernel files, in the order the report lists them.
MODULES = (
    "sigmoid",
    "relu",
    "tanh",
    "linear",
    "_reduce",
    "softmax",
    "cross_entropy",
    "mse_loss",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "max_pool2d",
    "sgd",
    "adam",
)

#: Columns of the resource report (``benchmarks/results/kernel_resources.csv``).
CSV_COLUMNS = (
    "kernel",
    "arch",
    "dtype",
    "config",
    "signature",
    "status",
    "registers",
    "spill_bytes",
    "stack_bytes",
    "shared_bytes",
    "tensor_cores",
    "vector_loads",
)

_TRITON_BIN = None  # set on first use: triton/backends/nvidia/bin


def _package_kernels() -> dict[str, object]:
    """Every launched kernel of the package, ``name -> kernel object``, in ``MODULES`` order."""
    found = {}
    for mod in MODULES:
        module = importlib.import_module(f"{__package__}.{mod}")
        for name, obj in vars(module).items():
            fn = getattr(obj, "fn", None)
            if name.endswith("_kernel") and fn is not None and fn.__module__ == module.__name__:
                found[name] = obj
    return found


def kernel_names() -> list[str]:
    """Names of every ``@triton.jit`` kernel the host wrappers launch."""
    return list(_package_kernels())


def uses_dot(kernel: str) -> bool:
    """Whether a kernel multiplies tiles with ``tl.dot`` (so tensor cores are relevant)."""
    obj = _package_kernels()[kernel]
    # the JIT keeps the source it read at import; the file may have changed since
    return "tl.dot(" in (getattr(obj, "src", None) or inspect.getsource(obj.fn))


# -- launches ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Launch:
    """One kernel launch as Triton's JIT sees it, in a form that survives JSON.

    args: (parameter name, descriptor) in parameter order; a tensor is described by
    ``{"tensor": dtype name, "offset": data_ptr % 16}``, any other value is itself.
    constexprs: the parameter names that are ``tl.constexpr``.
    dtype: the dtype of the host wrapper's call that made the launch.
    """

    kernel: str
    module: str
    dtype: str
    args: tuple
    constexprs: tuple
    num_warps: int | None = None
    num_stages: int | None = None

    @property
    def config(self) -> str:
        """The constexprs and launch options, e.g. ``BLOCK=1024 num_warps=4``."""
        parts = [f"{k}={v}" for k, v in self.args if k in self.constexprs]
        if self.num_warps is not None:
            parts.append(f"num_warps={self.num_warps}")
        if self.num_stages is not None:
            parts.append(f"num_stages={self.num_stages}")
        return " ".join(parts)

    def to_json(self) -> dict:
        return {**asdict(self), "args": [list(a) for a in self.args]}

    @classmethod
    def from_json(cls, d: dict) -> Launch:
        args = tuple((k, _freeze(v)) for k, v in d["args"])
        return cls(**{**d, "args": args, "constexprs": tuple(d["constexprs"])})

    @classmethod
    def from_call(cls, kernel, *args, dtype: str, num_warps=None, num_stages=None, **kwargs):
        """The launch ``kernel[grid](*args, **kwargs)`` would make (nothing runs)."""
        fn = kernel.fn
        bound = inspect.signature(fn).bind(*args, **kwargs)
        bound.apply_defaults()
        constexprs = tuple(
            name
            for name, p in inspect.signature(fn).parameters.items()
            if "constexpr" in str(p.annotation)
        )
        described = tuple((k, _describe(v)) for k, v in bound.arguments.items())
        return cls(fn.__name__, fn.__module__, dtype, described, constexprs, num_warps, num_stages)


def _freeze(v):
    """A tensor descriptor back from JSON (a list of pairs) as a hashable tuple of pairs."""
    return tuple(tuple(pair) for pair in v) if isinstance(v, list) else v


def _describe(v):
    if isinstance(v, torch.Tensor):
        return (("offset", v.data_ptr() % 16), ("tensor", str(v.dtype).removeprefix("torch.")))
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    raise TypeError(f"cannot record a kernel argument of type {type(v).__name__}")


class _Recorder:
    """Stands in for a kernel: ``kernel[grid](...)`` and ``launch_tunable`` record, not run."""

    def __init__(self, kernel, sink: list, dtype: str):
        self.fn, self._kernel, self._sink, self._dtype = kernel.fn, kernel, sink, dtype

    def __getitem__(self, grid):
        def launch(*args, num_warps=None, num_stages=None, **kwargs):
            self._sink.append(
                Launch.from_call(
                    self._kernel,
                    *args,
                    dtype=self._dtype,
                    num_warps=num_warps,
                    num_stages=num_stages,
                    **kwargs,
                )
            )

        return launch

    def autotune(self, configs):
        recorder = self

        class _Tuned:
            def __getitem__(self, grid):
                def launch(*args, **kwargs):
                    for cfg in configs:
                        recorder[grid](
                            *args,
                            num_warps=cfg.num_warps,
                            num_stages=cfg.num_stages,
                            **kwargs,
                            **cfg.kwargs,
                        )

                return launch

        return _Tuned()


def _workloads(dtype: torch.dtype):
    """(op, callable) pairs: each calls one host wrapper forward and backward, at one size."""
    from . import (
        adam_step_,
        binary_cross_entropy_with_logits,
        conv2d,
        cross_entropy,
        linear,
        max_pool2d,
        mse_loss,
        relu,
        sgd_step_,
        sigmoid,
        softmax,
        tanh,
    )
    from .roofline import OPTIMISER_SIZES, SIZES

    def leaf(*shape):  # uninitialised: no kernel reads it, and no page is touched
        return torch.empty(*shape, dtype=dtype).requires_grad_()

    def backward(out, *leaves):
        torch.autograd.grad(out, leaves, torch.empty_like(out))

    def unary(fn):
        def run(shape):
            x = leaf(*shape)
            backward(fn(x), x)

        return run

    def lin(activation):
        def run(shape):
            n, n_in, n_out = shape
            x, w, b = leaf(n, n_in), leaf(n_out, n_in), leaf(n_out)
            backward(linear(x, w, b, activation), x, w, b)

        return run

    def ce(shape):
        x = leaf(*shape)
        backward(cross_entropy(x, torch.zeros(shape[0], dtype=torch.long)), x)

    def pair(fn):
        def run(shape):  # fn(prediction, target); zeros are a valid target for either loss
            a, b = leaf(*shape), torch.zeros(*shape, dtype=dtype).requires_grad_()
            backward(fn(a, b), a, b)

        return run

    def conv(shape):
        n, c, h, w, f, kh, kw = shape
        x, weight, b = leaf(n, c, h, w), leaf(f, c, kh, kw), leaf(f)
        backward(conv2d(x, weight, b), x, weight, b)

    def pool(shape):
        x = leaf(*shape)
        backward(max_pool2d(x, 2), x)

    runs = {
        "sigmoid": unary(sigmoid),
        "relu": unary(relu),
        "tanh": unary(tanh),
        "linear": lin(None),
        "linear_relu": lin("relu"),
        "linear_sigmoid": lin("sigmoid"),
        "linear_tanh": lin("tanh"),
        "softmax": unary(softmax),
        "cross_entropy": ce,
        "mse_loss": pair(mse_loss),
        "binary_cross_entropy_with_logits": pair(binary_cross_entropy_with_logits),
        "conv2d": conv,
        "max_pool2d": pool,
    }
    for op, shapes in SIZES.items():
        for shape in shapes:
            yield op, lambda run=runs[op], shape=shape: run(shape)

    def optimisers(n):
        p, g = torch.empty(n, dtype=dtype), torch.empty(n, dtype=dtype)
        sgd_step_(p, g, 1e-3)
        buf = sgd_step_(p, g, 1e-3, momentum=0.9)  # first step: the buffer is created
        sgd_step_(p, g, 1e-3, momentum=0.9, momentum_buffer=buf, nesterov=True, weight_decay=0.1)
        m, v = torch.empty_like(p), torch.empty_like(p)
        adam_step_(p, g, m, v, 1)
        adam_step_(p, g, m, v, 2, weight_decay=0.1)

    for n in OPTIMISER_SIZES:
        yield "optimisers", lambda n=n: optimisers(n)


@contextlib.contextmanager
def _recording(sink: list, dtype: str):
    """Replace every kernel by a recorder, with the GPU's caps, autotuning and dtypes."""
    from . import _common

    saved = {}
    for name, kernel in _package_kernels().items():
        module = sys.modules[kernel.fn.__module__]
        saved[module, name] = kernel
        setattr(module, name, _Recorder(kernel, sink, dtype))
    caps, refused = dict(_common.CAPS), set(_common.INTERPRETER_REFUSED_DTYPES)
    autotune, warned = _common.AUTOTUNE, _common._warned_long_launch
    _common.CAPS.update(_common.GPU_CAPS)
    _common.INTERPRETER_REFUSED_DTYPES.clear()
    _common.AUTOTUNE = True
    try:
        with warnings.catch_warnings():  # nothing runs, so no launch is slow
            warnings.simplefilter("ignore", _common.SlowInterpreterWarning)
            yield
    finally:
        for (module, name), kernel in saved.items():
            setattr(module, name, kernel)
        _common.CAPS.update(caps)
        _common.INTERPRETER_REFUSED_DTYPES.update(refused)
        _common.AUTOTUNE, _common._warned_long_launch = autotune, warned


def _record_here(dtypes) -> list[Launch]:
    """Record in this process (which must run the interpreter: wrappers take CPU tensors)."""
    launches = []
    for name in dtypes:
        dtype = getattr(torch, name)
        sink: list[Launch] = []
        with _recording(sink, name):
            for _op, run in _workloads(dtype):
                run()
        for launch in sink:
            if launch not in launches:
                launches.append(launch)
    return launches


def record(dtypes=DTYPES) -> list[Launch]:
    """Every distinct launch the host wrappers make on a GPU at the benchmark's sizes.

    Runs in a child process under Triton's interpreter, whatever this process's mode.
    """
    out = _run_child("record", {"dtypes": list(dtypes)}, interpret=True)
    return [Launch.from_json(d) for d in out["launches"]]


# -- compiling -----------------------------------------------------------------------------------


@dataclass
class Result:
    """The outcome of compiling one launch for one GPU."""

    launch: Launch
    arch: int
    ok: bool
    message: str = ""  # the failure, naming kernel, GPU, dtype, configuration and the compiler
    signature: str = ""  # e.g. "*fp16:16,*fp16,i32:16,=1": ":16" divisible by 16, "=1" constant
    registers: int | None = None  # per thread
    spill_bytes: int | None = None  # registers ptxas stored to local memory, per thread
    stack_bytes: int | None = None  # stack frame and local memory per thread (spills included)
    uses_dot: bool = False  # the kernel calls tl.dot
    shared_bytes: int | None = None  # shared memory per block
    tensor_cores: bool | None = None  # mma.sync / wgmma in the PTX
    vector_loads: bool | None = None  # ld.global.v2 / .v4 in the PTX
    asm: dict = field(default_factory=dict)  # requested stages: "ttir", "ttgir", "llir", "ptx"

    def row(self) -> dict:
        """A row of the resource report."""

        def yes_no(v):
            return "" if v is None else ("yes" if v else "no")

        relevant_tc = self.uses_dot and self.launch.dtype != "float32"
        return {
            "kernel": self.launch.kernel,
            "arch": f"sm_{self.arch}",
            "dtype": self.launch.dtype,
            "config": self.launch.config,
            "signature": self.signature,
            "status": "ok" if self.ok else "failed",
            "registers": "" if self.registers is None else self.registers,
            "spill_bytes": "" if self.spill_bytes is None else self.spill_bytes,
            "stack_bytes": "" if self.stack_bytes is None else self.stack_bytes,
            "shared_bytes": "" if self.shared_bytes is None else self.shared_bytes,
            "tensor_cores": yes_no(self.tensor_cores) if relevant_tc else "",
            "vector_loads": "" if self.uses_dot else yes_no(self.vector_loads),
        }


class CompileError(AssertionError):
    """Some launches did not compile; the message lists each with the compiler's text."""


def compile_launches(
    launches, archs=tuple(ARCHS), *, stages=(), jobs: int = 1, timeout: float | None = None
) -> list[Result]:
    """Compile each launch for each GPU in ``archs`` (80, 90) in child processes.

    launches: Launch objects, or (Launch, arch) pairs, each compiled for its own arch only.
    stages: compiler stages whose text each Result keeps in ``asm`` ("ttir", "ptx", ...).
    jobs: child processes compiling side by side. Results come in the order of the requests.
    """
    requests = []
    for item in launches:
        pairs = [item] if isinstance(item, tuple) else [(item, arch) for arch in archs]
        requests += [(launch.to_json(), arch) for launch, arch in pairs]
    # one kernel's launches go to one child, which compiles each distinct specialisation once
    kernels = list(dict.fromkeys(launch["kernel"] for launch, _ in requests))
    chunks = [
        [r for r in requests if kernels.index(r[0]["kernel"]) % max(1, jobs) == i]
        for i in range(max(1, jobs))
    ]
    children = [
        _start_child("compile", {"requests": chunk, "stages": list(stages)}, interpret=False)
        for chunk in chunks
        if chunk
    ]
    answers = [_finish_child(child, timeout) for child in children]
    results = {}
    for chunk, answer in zip([c for c in chunks if c], answers, strict=True):
        for (launch, arch), res in zip(chunk, answer["results"], strict=True):
            results[json.dumps(launch, sort_keys=True), arch] = res
    out = []
    for launch, arch in requests:
        res = results[json.dumps(launch, sort_keys=True), arch]
        out.append(Result(launch=Launch.from_json(launch), arch=arch, **res))
    return out


def assert_compiled(results) -> None:
    """Raise CompileError naming every launch that failed, with the compiler's message."""
    failed = [r for r in results if not r.ok]
    if failed:
        raise CompileError(
            f"{len(failed)} of {len(results)} compilations failed:\n\n"
            + "\n\n".join(r.message for r in failed)
        )


def _compile_here(request: dict, arch: int, stages) -> dict:
    """Specialise a launch as JITFunction.run does, compile it for ``arch``, read its artefacts."""
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend
    from triton.runtime.jit import create_function_from_signature

    launch = Launch.from_json(request)
    what = (
        f"{launch.kernel} ({launch.module}) for sm_{arch} ({ARCHS.get(arch, '?')}), "
        f"{launch.dtype}, {launch.config or 'default options'}"
    )
    try:
        fn = getattr(importlib.import_module(launch.module), launch.kernel)
        target = GPUTarget("cuda", arch, 32)
        backend = make_backend(target)
        binder = create_function_from_signature(fn.signature, fn.params, backend)
        kwargs = {k: _stand_in(v) for k, v in launch.args}
        opts = {
            k: v
            for k, v in (("num_warps", launch.num_warps), ("num_stages", launch.num_stages))
            if v is not None
        }
        bound, specialization, _ = binder(**kwargs, **opts)
        options, signature, constexprs, attrs = fn._pack_args(
            backend, {**kwargs, **opts}, bound, specialization, opts
        )
        with contextlib.redirect_stdout(io.StringIO()) as log:  # TRITON_DUMP_PTXAS_LOG
            kernel = triton.compile(
                triton.compiler.ASTSource(fn, signature, constexprs, attrs),
                target=target,
                options=options.__dict__,
            )
    except Exception as exc:  # noqa: BLE001 - every compiler failure is reported, with its text
        return {"ok": False, "message": f"{what} failed to compile:\n{_error_text(exc)}"}
    ptx = kernel.asm["ptx"]
    usage = _resource_usage(kernel.asm["cubin"], launch.kernel)
    res = {
        "ok": True,
        "signature": _signature_text(specialization, fn.params),
        "registers": usage["REG"],
        "spill_bytes": _spill_stores(log.getvalue(), launch.kernel),
        "stack_bytes": usage["LOCAL"] + usage["STACK"],
        "uses_dot": "tl.dot(" in fn.src,
        "shared_bytes": int(kernel.metadata.shared),
        "tensor_cores": bool(re.search(r"\b(mma\.sync|wgmma\.mma_async)\b", ptx)),
        "vector_loads": bool(re.search(r"\bld\.global[\w.:]*\.v[248]\.", ptx)),
        "asm": {s: kernel.asm[s] for s in stages},
    }
    limit = SHARED_LIMIT.get(arch)
    if limit is not None and res["shared_bytes"] > limit:
        res["ok"] = False
        res["message"] = (
            f"{what} compiled but cannot launch: it needs {res['shared_bytes']} bytes of shared "
            f"memory per block, and sm_{arch} allows at most {limit}. Use smaller blocks or "
            "fewer pipeline stages (num_stages)."
        )
    return res


def _specialisation_key(request: dict, arch: int) -> str:
    """What the compiled code depends on: kernel, target, specialised signature, options."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend
    from triton.runtime.jit import create_function_from_signature

    launch = Launch.from_json(request)
    try:
        fn = getattr(importlib.import_module(launch.module), launch.kernel)
        backend = make_backend(GPUTarget("cuda", arch, 32))
        binder = create_function_from_signature(fn.signature, fn.params, backend)
        _, specialization, _ = binder(**{k: _stand_in(v) for k, v in launch.args})
    except Exception:  # noqa: BLE001 - _compile_here reports the error
        return json.dumps([request, arch], sort_keys=True)
    return repr(
        (launch.module, launch.kernel, arch, specialization, launch.num_warps, launch.num_stages)
    )


def _spill_stores(ptxas_log: str, name: str) -> int | None:
    """Bytes of spill stores that ptxas reports for one function (``ptxas -v``)."""
    match = re.search(
        rf"Function properties for {re.escape(name)}\s*\n\s*\d+ bytes stack frame, "
        r"(\d+) bytes spill stores",
        ptxas_log,
    )
    return int(match.group(1)) if match else None


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause) not in text:
        text += f"\ncaused by {type(cause).__name__}: {cause}"
    return text


class _TensorStandIn:
    """What the JIT's binder reads from a tensor argument: its dtype and address."""

    def __init__(self, dtype: str, offset: int):
        self.dtype = getattr(torch, dtype)
        self._ptr = 1024 + offset  # any address with the recorded alignment

    def data_ptr(self) -> int:
        return self._ptr


def _stand_in(v):
    if isinstance(v, tuple):
        d = dict(v)
        return _TensorStandIn(d["tensor"], d["offset"])
    return v


def _signature_text(specialization, params) -> str:
    """The non-constexpr arguments as specialised: ``*fp16:16`` (divisible by 16), ``=1``
    (an integer argument equal to 1, which Triton compiles in as a constant)."""
    parts = []
    for param, (kind, attr) in zip(params, specialization, strict=True):
        if param.is_constexpr:
            continue
        if kind == "constexpr":
            parts.append(f"={attr}")
        else:
            parts.append(kind + (":16" if attr == "D" else ""))
    return ",".join(parts)


def _bin(tool: str) -> str:
    global _TRITON_BIN
    if _TRITON_BIN is None:
        import triton

        _TRITON_BIN = Path(triton.__file__).parent / "backends" / "nvidia" / "bin"
    return str(_TRITON_BIN / tool)


def _resource_usage(cubin: bytes, name: str) -> dict[str, int]:
    """REG, STACK, SHARED, LOCAL of one function, from ``cuobjdump --dump-resource-usage``."""
    with tempfile.NamedTemporaryFile(suffix=".cubin") as f:
        f.write(cubin)
        f.flush()
        text = subprocess.run(
            [_bin("cuobjdump"), "--dump-resource-usage", f.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    match = re.search(rf"Function {re.escape(name)}:\s*\n\s*(.*)", text)
    if match is None:
        raise RuntimeError(f"cuobjdump reported no function {name}:\n{text}")
    return {k: int(v) for k, v in re.findall(r"(\w+)(?:\[\d+\])?:(\d+)", match.group(1))}


# -- child processes -----------------------------------------------------------------------------


def _start_child(task: str, payload: dict, *, interpret: bool):
    tmp = tempfile.TemporaryDirectory(prefix="compile_check_")
    request, answer = Path(tmp.name) / "request.json", Path(tmp.name) / "answer.json"
    request.write_text(json.dumps({"task": task, "sys_path": sys.path, **payload}))
    env = dict(os.environ, TRITON_INTERPRET="1" if interpret else "0")
    if not interpret:  # compile afresh, so that ptxas runs and prints its log (spills)
        env.update(TRITON_ALWAYS_COMPILE="1", TRITON_DUMP_PTXAS_LOG="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            f"{__package__}.compile_check",
            "--child",
            str(request),
            str(answer),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, tmp, answer


def _finish_child(child, timeout) -> dict:
    proc, tmp, answer = child
    with tmp:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        if proc.returncode != 0 or not answer.exists():
            raise RuntimeError(
                f"the compile_check child process failed (exit status {proc.returncode}):\n"
                f"{output[-4000:]}"
            )
        return json.loads(answer.read_text())


def _run_child(task: str, payload: dict, *, interpret: bool, timeout=None) -> dict:
    return _finish_child(_start_child(task, payload, interpret=interpret), timeout)


def _child_main(request_path: str, answer_path: str) -> None:
    request = json.loads(Path(request_path).read_text())
    for p in request["sys_path"]:
        if p not in sys.path:
            sys.path.append(p)
    # the default stays as on a GPU (fused multiply-add on); only the notice is silenced
    warnings.filterwarnings("ignore", message="TRITON_DEFAULT_FP_FUSION")
    from bigmodel_lab import kernels

    if request["task"] == "record":
        assert kernels.INTERPRETED, "recording needs the interpreter (CPU tensors)"
        launches = _record_here(request["dtypes"])
        answer = {"launches": [launch.to_json() for launch in launches]}
    else:
        assert not kernels.INTERPRETED, "compiling needs TRITON_INTERPRET=0"
        results, done = [], {}
        for launch, arch in request["requests"]:
            with contextlib.redirect_stdout(io.StringIO()):  # ptxas logs of other launches
                key = _specialisation_key(launch, arch)
                if key not in done:  # launches that differ only in values Triton ignores
                    done[key] = _compile_here(launch, arch, request["stages"])
            results.append(done[key])
        answer = {"results": results}
    Path(answer_path).write_text(json.dumps(answer))


# -- reading the artefacts -----------------------------------------------------------------------


def compile_kernel(
    kernel: str, dtype: str = "float32", arch: int = 90, stages=("ttir", "ptx"), index: int = 0
) -> Result:
    """Compile the ``index``-th launch (in recording order) of one kernel, keeping ``stages``.

    Raises CompileError if it does not compile.
    """
    launches = [launch for launch in record([dtype]) if launch.kernel == kernel]
    if not launches:
        raise ValueError(f"kernel: no launch of {kernel!r} was recorded; see kernel_names().")
    (result,) = compile_launches([launches[index]], [arch], stages=stages)
    assert_compiled([result])
    return result


def _strip_locations(line: str) -> str:
    """Remove MLIR's `` loc(...)`` source locations (nested parentheses) from one line."""
    out, i = [], 0
    while (j := line.find(" loc(", i)) != -1:
        out.append(line[i:j])
        depth, k = 0, j + 4
        while k < len(line):
            depth += {"(": 1, ")": -1}.get(line[k], 0)
            k += 1
            if depth == 0:
                break
        i = k
    out.append(line[i:])
    return "".join(out)


def readable_ir(text: str) -> str:
    """TTIR or TTGIR without source locations (file paths and line numbers)."""
    lines = [_strip_locations(line) for line in text.splitlines() if not line.startswith("#loc")]
    return "\n".join(line.rstrip() for line in lines if line.strip())


def ptx_instructions(ptx: str) -> list[str]:
    """The instructions of a kernel's PTX body: no directives, labels, comments or debug info."""
    body = ptx[ptx.index("{", ptx.index(".entry")) + 1 : ptx.index("$L__func_end0")]
    out = []
    for line in body.splitlines():
        line = line.split("//")[0].strip()
        if not line or line.startswith((".", "$", "{", "}")):
            continue
        out.append(re.sub(r"\s+", " ", line))
    return out


def count_instructions(ptx: str, prefix: str) -> int:
    """How many PTX instructions start with ``prefix`` (after an optional @predicate)."""
    return sum(re.sub(r"^@!?%p\d+ ", "", line).startswith(prefix) for line in ptx_instructions(ptx))


# -- the report ----------------------------------------------------------------------------------


def slice_launches(launches) -> list[Launch]:
    """The representative slice ``make test`` compiles: each kernel's first float16 launch."""
    chosen = {}
    for launch in launches:
        if launch.dtype == "float16":
            chosen.setdefault(launch.kernel, launch)
    return list(chosen.values())


def write_csv(results, path) -> None:
    unique = {tuple(r.row().items()) for r in results}  # launches that compiled alike: one row
    rows = sorted(
        (dict(r) for r in unique),
        key=lambda r: (r["kernel"], r["arch"], r["dtype"], r["config"], r["signature"]),
    )
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def summary(rows) -> dict:
    """The report's headline from its rows (dicts as in the CSV)."""
    ok = [r for r in rows if r["status"] == "ok"]
    return {
        "compiled": len(ok),
        "failed": len(rows) - len(ok),
        "spilling": sorted(
            {(r["kernel"], r["arch"], r["dtype"]) for r in ok if _int(r, "spill_bytes")}
        ),
        "no_tensor_cores": sorted(
            {(r["kernel"], r["arch"], r["dtype"]) for r in ok if r["tensor_cores"] == "no"}
        ),
        "vector_loads": sorted({r["kernel"] for r in ok if r["vector_loads"] == "yes"}),
        "scalar_loads": sorted({r["kernel"] for r in ok if r["vector_loads"] == "no"}),
    }


def _int(row, key) -> int:
    return int(row[key]) if row[key] != "" else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archs", type=int, nargs="+", default=list(ARCHS))
    parser.add_argument("--dtypes", nargs="+", default=list(DTYPES), choices=DTYPES)
    parser.add_argument("--slice", action="store_true", help="only the make-test slice")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--csv", type=Path, help="write the resource report here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child_main(*args.child)
        return 0
    launches = record(args.dtypes)
    if args.slice:
        launches = slice_launches(launches)
    print(f"compile_check: {len(launches)} launches x {len(args.archs)} GPUs", flush=True)
    results = compile_launches(launches, args.archs, jobs=args.jobs)
    if args.csv:
        write_csv(results, args.csv)
        print(f"written to {args.csv}")
    rows = [r.row() for r in results]
    _print_matrix(rows, args.archs, args.dtypes)
    head = summary(rows)
    print(f"register spills (ptxas spill stores > 0): {head['spilling'] or 'none'}")
    print(
        f"16-bit dot kernels without tensor-core instructions: {head['no_tensor_cores'] or 'none'}"
    )
    print(f"vectorised global loads: {', '.join(head['vector_loads']) or 'none'}")
    print(f"scalar global loads only: {', '.join(head['scalar_loads']) or 'none'}")
    try:
        assert_compiled(results)
    except CompileError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def matrix(rows, archs, dtypes) -> list[dict]:
    """kernel x (arch, dtype): "ok n" when its n configurations all compiled, else failures."""
    out = []
    for kernel in dict.fromkeys(r["kernel"] for r in rows):
        line = {"kernel": kernel}
        for arch in archs:
            for dtype in dtypes:
                cell = [
                    r
                    for r in rows
                    if r["kernel"] == kernel and r["arch"] == f"sm_{arch}" and r["dtype"] == dtype
                ]
                bad = sum(r["status"] != "ok" for r in cell)
                line[f"sm_{arch} {dtype}"] = (
                    "-"
                    if not cell
                    else (f"ok {len(cell)}" if not bad else f"FAILED {bad}/{len(cell)}")
                )
        out.append(line)
    return out


def _print_matrix(rows, archs, dtypes) -> None:
    table = matrix(rows, archs, dtypes)
    if not table:
        return
    cols = list(table[0])
    widths = {c: max(len(c), *(len(str(t[c])) for t in table)) for c in cols}
    print("  ".join(c.ljust(widths[c]) for c in cols))
    for t in table:
        print("  ".join(str(t[c]).ljust(widths[c]) for c in cols))


if __name__ == "__main__":
    sys.exit(main())
