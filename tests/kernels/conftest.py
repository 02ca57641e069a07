"""Fixtures for the kernel tests: one BLAS thread and shrunken block sizes (the fixed seed,
the device and GPU-only tests are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_limits

from bigmodel_lab.kernels import _common


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
