"""Fixtures for the kernel tests: a fixed seed, GPU-only tests, and shrunken block sizes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

from bigmodel_lab.kernels import _common


@pytest.fixture(autouse=True)
def _fixed_seed():
    """Every test starts from the same random state."""
    torch.manual_seed(0)
    np.random.seed(0)  # noqa: NPY002 - seeds any code that still uses the global generator


@pytest.fixture(autouse=True)
def _gpu_only(request):
    """Tests marked ``gpu`` need compiled kernels on a CUDA device; skip them with the reason."""
    if request.node.get_closest_marker("gpu") is None:
        return
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU (none is available here)")
    if _common.INTERPRETED:
        pytest.skip("TRITON_INTERPRET=1 is set: kernels run in the interpreter, not compiled")


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """Under the interpreter every tl.dot is a NumPy matmul on a small tile; BLAS threads only
    add start-up cost there (five times slower on a busy 2-core machine). Results are unchanged."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Shrink every block-size cap to 16, so that small inputs need many programs, ragged last
    blocks, multi-step loops (the online softmax) and split reductions, as large inputs do.
    On a GPU autotuning is switched off too, or it would choose its own (large) blocks."""
    for key in _common.CAPS:
        monkeypatch.setitem(_common.CAPS, key, 16)
    monkeypatch.setattr(_common, "AUTOTUNE", False)
    return _common.CAPS


@pytest.fixture
def device():
    """Where kernel tensors live in this process: "cpu" (interpreter) or "cuda" (compiled)."""
    return _common.DEVICE
