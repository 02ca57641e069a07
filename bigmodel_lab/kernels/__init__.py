"""Triton kernels for the book's formulas, with autograd, on the GPU or on the CPU.

Every public function takes torch tensors and returns torch tensors; gradients flow through a
``torch.autograd.Function`` whose backward pass is itself a Triton kernel. One operation per
file, named as in ``bigmodel_lab.formulas``:

=====================================  ==========================================================
``sigmoid(x)``, ``relu(x)``, ``tanh(x)``  element-wise activations (``sigmoid.py`` ...)
``linear(x, weight, bias, activation)``  y = act(x Wᵀ + b), tiled matmul, bias and act fused
``softmax(x)``                           over the last dimension
``cross_entropy(logits, target)``        mean over the batch, integer targets, fused and stable
``mse_loss(pred, target)``               mean squared error
``binary_cross_entropy_with_logits``     mean, stable for large |logits|
``conv2d(x, weight, bias)``              stride 1, no padding, NCHW
``max_pool2d(x, kernel_size=2)``         stride = kernel_size, no padding
``sgd_step_``, ``adam_step_``            in-place optimiser steps with torch.optim semantics
``Linear``, ``Conv2d``                   nn.Module drop-ins built from the kernels
=====================================  ==========================================================

``tl_relu``, ``tl_sigmoid`` and ``tl_tanh`` (with their ``*_grad_from_output``) are the Triton
device functions that other kernels fuse, such as the dense layer's activation epilogue. The
referees that check every kernel against its formula and torch live one layer up, in
:mod:`bigmodel_lab.verification`; this package imports nothing of ours but the argument checks.

CPU and GPU. Triton decides at decoration time whether ``@triton.jit`` compiles a kernel or
hands it to its interpreter, by reading the environment variable ``TRITON_INTERPRET``; that
includes Triton's own helpers (``tl.zeros``, ``tl.sum``, ...), decorated when ``triton`` is
first imported. So this package sets ``TRITON_INTERPRET=1`` itself (``os.environ.setdefault``)
when ``torch.cuda.is_available()`` is False, *before* it imports Triton and decorates any
kernel. Consequences:

- without CUDA, every kernel runs in the interpreter on CPU tensors (slow, one program
  instance at a time, but exact enough to check every formula; bfloat16 is refused there);
- with CUDA, kernels are compiled and expect CUDA tensors, in float32, float16 or bfloat16;
- to use the interpreter on a CUDA machine, set ``TRITON_INTERPRET=1`` before the first import;
- an explicit ``TRITON_INTERPRET=0`` is respected (``setdefault`` does not override it); on a
  machine without CUDA the kernels then only compile, for a ``GPUTarget`` given explicitly:
  this is how ``compile_check`` builds them for A100 and H100 GPUs (nothing can launch them);
- import ``bigmodel_lab.kernels`` before ``triton``: if Triton was imported first without the
  variable, its helpers were built for compilation only, and the import here stops with an
  ImportError that says so (setting the variable afterwards cannot repair them).

``INTERPRETED`` and ``DEVICE`` report the mode this process chose.
"""

from __future__ import annotations

import os

try:
    import torch
except ImportError as exc:  # pragma: no cover - torch is a hard dependency
    raise ImportError("bigmodel_lab.kernels needs PyTorch: pip install torch") from exc

if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

try:
    import triton  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised on machines without triton
    raise ImportError(
        "bigmodel_lab.kernels needs Triton, which could not be imported "
        f"({exc}). Triton ships wheels for Linux only: on Linux run "
        "`pip install triton` (the project pins it in constraints.txt); on macOS or Windows use "
        "a Linux machine, WSL or a container. The rest of bigmodel_lab works without it."
    ) from exc

import triton.language as tl  # noqa: E402
from triton.runtime.jit import JITFunction  # noqa: E402

if triton.knobs.runtime.interpret and isinstance(tl.zeros, JITFunction):
    raise ImportError(
        "bigmodel_lab.kernels: Triton was imported before this package switched on Triton's CPU "
        "interpreter (TRITON_INTERPRET=1), so Triton's own helpers (tl.zeros, tl.sum, ...) were "
        "built for a GPU only and the kernels cannot run on the CPU. Import bigmodel_lab.kernels "
        "before triton (e.g. first in the notebook), or set TRITON_INTERPRET=1 in the environment "
        "before starting Python, and restart the interpreter or kernel."
    )

from ._common import DEVICE, INTERPRETED  # noqa: E402
from .adam import adam_step_  # noqa: E402
from .binary_cross_entropy_with_logits import binary_cross_entropy_with_logits  # noqa: E402
from .conv2d import conv2d  # noqa: E402
from .cross_entropy import cross_entropy  # noqa: E402
from .linear import ACTIVATIONS, linear  # noqa: E402
from .max_pool2d import max_pool2d  # noqa: E402
from .modules import Conv2d, Linear  # noqa: E402
from .mse_loss import mse_loss  # noqa: E402
from .relu import relu  # noqa: E402
from .sgd import sgd_step_  # noqa: E402
from .sigmoid import sigmoid  # noqa: E402
from .softmax import softmax  # noqa: E402
from .tanh import tanh  # noqa: E402

__all__ = [
    "ACTIVATIONS",
    "DEVICE",
    "INTERPRETED",
    "Conv2d",
    "Linear",
    "adam_step_",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "linear",
    "max_pool2d",
    "mse_loss",
    "relu",
    "sgd_step_",
    "sigmoid",
    "softmax",
    "tanh",
]
