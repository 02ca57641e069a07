"""Shared test configuration: a fixed seed for every test, hypothesis kept quick, the device that
kernel tensors live on, and GPU-only tests (marked ``gpu``) skipped with their reason."""

import numpy as np
import pytest
import torch
from hypothesis import settings

settings.register_profile("book", max_examples=40, deadline=None, derandomize=True)
settings.load_profile("book")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


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
    if _kernel_mode().INTERPRETED:
        pytest.skip("TRITON_INTERPRET=1 is set: kernels run in the interpreter, not compiled")


@pytest.fixture
def device():
    """Where kernel tensors live in this process: "cpu" (interpreter) or "cuda" (compiled)."""
    return _kernel_mode().DEVICE


def _kernel_mode():
    from bigmodel_lab.kernels import _common  # imported on first use: most tests need no Triton

    return _common
