"""What every kernel file shares: the execution mode, input checks and block-size choices.

Execution mode. ``bigmodel_lab.kernels`` runs each Triton kernel one of two ways, fixed for the
whole process when the package is imported:

- compiled (``INTERPRETED is False``): Triton compiles the kernel for the GPU; tensors must be
  on a CUDA device;
- interpreted (``INTERPRETED is True``): Triton's interpreter runs every program instance one
  after the other on the CPU with NumPy. This is what happens on a machine without CUDA, where
  the package sets ``TRITON_INTERPRET=1`` before Triton decorates any kernel.

The checks below turn the interpreter's silent failure modes (bfloat16 garbage, pointers to the
wrong device) into errors that say what to do.
"""

from __future__ import annotations

import functools
import warnings

import torch
import triton
from torch.autograd.function import once_differentiable

#: True when kernels run in Triton's interpreter (CPU, NumPy); False when they are compiled.
INTERPRETED: bool = bool(triton.knobs.runtime.interpret)

#: The device that kernel tensors should live on in this process.
DEVICE: str = "cpu" if INTERPRETED else "cuda"

if INTERPRETED:
    # The interpreter computes each program with NumPy, which warns on inf - inf, 0 * inf and
    # the like. Compiled kernels and torch follow IEEE arithmetic without a word; the inf or
    # NaN that results is the kernel's answer (the tests check it), so the warning is noise.
    warnings.filterwarnings(
        "ignore", category=RuntimeWarning, module=r"triton\.runtime\.interpreter"
    )


class SlowInterpreterWarning(UserWarning):
    """A kernel launch that Triton's CPU interpreter will take a long time over."""


#: Multiply-adds per second that the interpreter reaches on a fast CPU (NumPy on whole tiles);
#: a slow or busy one manages a tenth of it. Convolutions gather their tiles and run slower.
INTERPRETER_MACS_PER_S = {"matmul": 1e9, "conv": 2e8}

#: A launch estimated above this many seconds (on a fast CPU) gets one warning per process:
#: 2048³ matmul, about 9 s, does; the book's launches, well under 0.1 s each, do not.
LONG_LAUNCH_S = 5.0

_warned_long_launch = False


def warn_if_long(op: str, macs: float, kind: str, instead: str) -> None:
    """Warn once per process when one interpreted launch of ``macs`` multiply-adds is long."""
    global _warned_long_launch
    seconds = macs / INTERPRETER_MACS_PER_S[kind]
    if not INTERPRETED or _warned_long_launch or seconds <= LONG_LAUNCH_S:
        return
    _warned_long_launch = True
    warnings.warn(
        f"{op}: this call does {macs:.2g} multiply-adds, and Triton's CPU interpreter runs "
        "the kernel's program instances one after another in NumPy: expect at least "
        f"{seconds:.0f} s for the forward pass (the backward pass does twice the work). The "
        f"kernels are for checking formulas on small inputs; for real work on a CPU use "
        f"{instead}, or run on a CUDA GPU, where they are compiled. (Shown once.)",
        SlowInterpreterWarning,
        stacklevel=3,
    )


SUPPORTED_DTYPES = (torch.float32, torch.float16, torch.bfloat16)

#: dtypes that the interpreter cannot compute with. ``compile_check`` empties it while it
#: records launches without running them, so that bfloat16 calls can be recorded on a CPU.
INTERPRETER_REFUSED_DTYPES: set[torch.dtype] = {torch.bfloat16}


def check_tensor(name: str, t, *, ndim: int | tuple[int, ...] | None = None) -> torch.Tensor:
    """Check one floating input tensor and return it contiguous.

    Raises TypeError for a non-tensor or a non-floating dtype, and ValueError for an unsupported
    floating dtype, bfloat16 under the interpreter, the wrong rank, or the wrong device.
    """
    if not isinstance(t, torch.Tensor):
        raise TypeError(
            f"{name}: expected a torch.Tensor, got {type(t).__name__}. "
            f"Convert it with torch.as_tensor({name})."
        )
    if not t.dtype.is_floating_point:
        raise TypeError(
            f"{name}: expected a floating-point tensor, got dtype {t.dtype}. "
            f"Convert it first, e.g. {name}.float()."
        )
    if t.dtype not in SUPPORTED_DTYPES:
        raise ValueError(
            f"{name}: dtype {t.dtype} is not supported; the kernels take float32, "
            f"float16 or bfloat16 (they accumulate in float32). Use {name}.float()."
        )
    if INTERPRETED and t.dtype in INTERPRETER_REFUSED_DTYPES:
        raise ValueError(
            f"{name}: bfloat16 is refused under Triton's interpreter, which stores bfloat16 as raw "
            "16-bit integers and silently computes garbage with them. Use "
            f"{name}.float() on the CPU, or run on a CUDA GPU where bfloat16 is supported."
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if t.dim() not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name}: expected a {want} tensor, got shape {tuple(t.shape)} ({t.dim()}-D)."
            )
    check_device(name, t)
    return t.contiguous()


def check_device(name: str, t: torch.Tensor) -> None:
    """Compiled kernels need CUDA tensors; say so instead of letting Triton fail obscurely."""
    if not INTERPRETED and t.device.type != "cuda":
        raise ValueError(
            f"{name}: is on {t.device}, but this process compiles the kernels for CUDA. Move it "
            f"with {name}.cuda(), or set TRITON_INTERPRET=1 before importing "
            "bigmodel_lab.kernels to run every kernel on the CPU through Triton's interpreter."
        )


def check_same_device(**tensors: torch.Tensor) -> None:
    """All tensors of one call must live on the same device."""
    items = [(k, v) for k, v in tensors.items() if v is not None]
    first_name, first = items[0]
    for name, t in items[1:]:
        if t.device != first.device:
            raise ValueError(
                f"{name} is on {t.device} but {first_name} is on {first.device}; "
                f"move them to one device, e.g. {name}.to({first_name}.device)."
            )


def check_same_dtype(**tensors: torch.Tensor) -> None:
    """The kernels read every floating operand with one element type."""
    items = [(k, v) for k, v in tensors.items() if v is not None]
    first_name, first = items[0]
    for name, t in items[1:]:
        if t.dtype != first.dtype:
            raise ValueError(
                f"{name} has dtype {t.dtype} but {first_name} has {first.dtype}; "
                f"convert one, e.g. {name}.to({first_name}.dtype)."
            )


def check_same_shape(name_a: str, a: torch.Tensor, name_b: str, b: torch.Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )


def first_order_only(op: str, instead: str):
    """Decorate the backward of a kernel whose derivative is computed once, by a kernel.

    ``once_differentiable`` alone returns a gradient without a graph when the upstream gradient
    does not require grad, so with ``create_graph=True`` a gradient penalty or a Hessian-vector
    product would silently lose its term. Asking for a graph raises instead.
    """

    def wrap(backward):
        inner = once_differentiable(backward)

        @functools.wraps(backward)
        def checked(ctx, *grads):
            if torch.is_grad_enabled():  # autograd runs backward with grad on iff create_graph
                raise RuntimeError(
                    f"{op}: this kernel's backward computes first derivatives only, so "
                    "create_graph=True (second derivatives, a gradient penalty, a "
                    "Hessian-vector product) cannot be built through it. Use "
                    f"{instead} there, or kernels.sigmoid, tanh, relu and linear, which "
                    "support it."
                )
            return inner(ctx, *grads)

        return checked

    return wrap


# -- block sizes ------------------------------------------------------------------------------
# On a GPU a block is the work of one program instance, and thousands run at once: blocks are
# sized for the hardware (a few thousand elements, 64x64 matmul tiles). Under the interpreter
# programs run one after the other, each step a NumPy call, so the same kernels use far larger
# blocks there and launch a handful of programs. A block size changes at most the order in
# which float32 partial sums are added, never the formula.

#: Upper limits on block sizes on a GPU, where thousands of programs run at once.
GPU_CAPS: dict[str, int] = {
    "elements": 1024,  # element-wise kernels
    "row_tile": 4096,  # rows x columns of softmax and losses
    "matmul_mn": 64,  # matmul tile rows and columns
    "matmul_k": 32,  # matmul step along the shared dimension
    "reduce": 1024,  # partial sums read per step
    "columns": 128,  # columns per program of a column sum
    "conv_pixels": 64,  # conv tile along pixels (n, i, j)
    "conv_channels": 64,  # conv tile along channels
    "conv_inner": 32,  # conv tile along (c, p, q) or (f, p, q)
    "conv_split": 512,  # pixels per chunk of the conv weight gradient's reduction
}

#: The same limits under the interpreter, where programs run one after the other: few, large
#: blocks ("conv_split": one chunk is fastest there).
INTERPRETER_CAPS: dict[str, int] = {
    "elements": 1 << 16,
    "row_tile": 1 << 16,
    "matmul_mn": 128,
    "matmul_k": 256,
    "reduce": 1 << 16,
    "columns": 1024,
    "conv_pixels": 8192,
    "conv_channels": 128,
    "conv_inner": 128,
    "conv_split": 1 << 62,
}

#: The limits this process uses. Tests shrink them (see tests/kernels/conftest.py) so that
#: small inputs still take every path a large input takes on a GPU: many programs, ragged last
#: blocks, loops of several steps, split reductions.
CAPS: dict[str, int] = dict(INTERPRETER_CAPS if INTERPRETED else GPU_CAPS)


def next_power_of_2(n: int) -> int:
    return 1 if n <= 1 else 1 << (int(n) - 1).bit_length()


def clamp_block(n: int, cap: int, minimum: int = 16) -> int:
    """The power of two that covers n, between ``minimum`` and ``cap``."""
    return max(minimum, min(next_power_of_2(n), cap))


def elementwise_block(n: int) -> int:
    """Elements per program for a flat, element-wise kernel over n elements."""
    return clamp_block(n, CAPS["elements"])


def row_blocks(n_rows: int, n_cols: int) -> tuple[int, int]:
    """(rows, columns) per program for kernels that reduce along rows (softmax, losses)."""
    tile = CAPS["row_tile"]
    block_c = clamp_block(n_cols, tile)
    block_r = max(1, min(next_power_of_2(n_rows), tile // block_c))
    return block_r, block_c


def matmul_blocks(m: int, n: int, k: int) -> tuple[int, int, int]:
    """(BLOCK_M, BLOCK_N, BLOCK_K) for a tiled matmul; tl.dot needs every side >= 16."""
    return (
        clamp_block(m, CAPS["matmul_mn"]),
        clamp_block(n, CAPS["matmul_mn"]),
        clamp_block(k, CAPS["matmul_k"]),
    )


# -- autotuning (GPU only) ----------------------------------------------------------------------
# On a GPU the best block depends on the device and the size, so the kernels launched through
# ``launch_tunable`` let ``triton.autotune`` time a few configurations on the first call for
# each size and keep the fastest. Under the interpreter timings mean nothing: blocks are fixed.

#: True where ``launch_tunable`` autotunes: compiled kernels with the default caps. The
#: ``tiny_blocks`` test fixture switches it off, so that its small blocks are really used.
AUTOTUNE: bool = not INTERPRETED

#: Element-wise kernels: elements per program and warps (4 warps x 32 threads x 8 elements).
ELEMENTWISE_CONFIGS = (
    triton.Config({"BLOCK": 1024}, num_warps=4),
    triton.Config({"BLOCK": 2048}, num_warps=8),
    triton.Config({"BLOCK": 4096}, num_warps=8),
)

#: Matmul tiles for 16-bit operands (tensor cores), after the Triton matmul tutorial; the
#: largest needs (128·64 + 64·256) · 2 bytes · 3 stages = 144 KiB of shared memory.
MATMUL_CONFIGS_16BIT = (
    triton.Config({"BLOCK_M": 128, "BLOCK_N": 256, "BLOCK_K": 64}, num_warps=8, num_stages=3),
    triton.Config({"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 64}, num_warps=8, num_stages=4),
    triton.Config({"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 32}, num_warps=4, num_stages=4),
    triton.Config({"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32}, num_warps=4, num_stages=4),
)

#: Matmul tiles for float32 operands, multiplied in IEEE precision without tensor cores: every
#: product is a register multiply-add, so the tiles are kept to what ``compile_check`` found
#: to fit the registers on A100 and H100 (128x128x32 with 8 warps, or 64x128x32 with 4, used
#: all 255 registers per thread and spilled up to 24 bytes).
MATMUL_CONFIGS_32BIT = (
    triton.Config({"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 16}, num_warps=8, num_stages=3),
    triton.Config({"BLOCK_M": 64, "BLOCK_N": 128, "BLOCK_K": 32}, num_warps=8, num_stages=3),
    triton.Config({"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32}, num_warps=4, num_stages=3),
)


def matmul_configs(dtype: torch.dtype) -> tuple:
    """The matmul tiles autotuning tries for operands of this dtype."""
    return MATMUL_CONFIGS_32BIT if dtype == torch.float32 else MATMUL_CONFIGS_16BIT


_TUNERS: dict = {}


def launch_tunable(
    kernel, grid, *args, configs, key, fixed: dict, restore=(), **constexprs
) -> None:
    """Launch ``kernel[grid(blocks)](*args, **constexprs, **blocks)`` with tuned or fixed blocks.

    grid: a function of the dict of block constexprs, returning the launch grid. With
    ``AUTOTUNE``, ``triton.autotune`` picks the blocks among ``configs`` for each value of the
    arguments named in ``key`` (and of the tensors' dtypes); ``restore`` names the arguments a
    kernel updates in place, which the tuner restores after each trial. Otherwise the blocks
    are ``fixed``. ``compile_check`` hands in a recorder instead of a kernel: it provides
    ``autotune(configs)`` and so records every configuration the GPU would try.
    """
    if not AUTOTUNE:
        kernel[grid(fixed)](*args, **constexprs, **fixed)
        return
    if hasattr(kernel, "autotune"):
        tuner = kernel.autotune(configs)
    else:
        tuner = _TUNERS.get((kernel, configs))
        if tuner is None:
            tuner = triton.autotune(list(configs), key=list(key), restore_value=list(restore))(
                kernel
            )
            _TUNERS[kernel, configs] = tuner
    tuner[grid](*args, **constexprs)


def launch_elementwise(kernel, n: int, *args, restore=(), **constexprs) -> None:
    """Launch a flat element-wise kernel ``kernel(*args, n, BLOCK=..., **constexprs)``.

    ``restore``: arguments updated in place (optimiser steps), see ``launch_tunable``. An empty
    tensor launches nothing: there is no program to run and nothing to write.
    """
    if n == 0:
        return
    launch_tunable(
        kernel,
        lambda meta: (triton.cdiv(n, meta["BLOCK"]),),
        *args,
        n,
        configs=ELEMENTWISE_CONFIGS,
        key=("n",),
        fixed={"BLOCK": elementwise_block(n)},
        restore=restore,
        **constexprs,
    )


def write_back(target: torch.Tensor, result: torch.Tensor) -> None:
    """Make the kernel's in-place write visible to the caller's tensor and to autograd.

    If the kernel worked on a contiguous copy, copy its result back (``copy_`` bumps the
    version counter itself). If it wrote through the caller's own memory, bump the counter as
    torch's in-place ops do, so that a backward pass through a graph that saved the old values
    raises "modified by an inplace operation" instead of silently using the new ones.
    """
    if result.data_ptr() != target.data_ptr():
        with torch.no_grad():
            target.copy_(result)
    elif not target.is_inference():  # inference tensors keep no version counter
        torch.autograd.graph.increment_version(target)
