"""What importing bigmodel_lab.kernels does to the environment, in fresh interpreters."""

import os
import subprocess
import sys

import pytest
import torch


def _python(code: str, **env_changes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


def test_a_missing_triton_gives_an_import_error_that_says_what_to_do():
    run = _python("import sys; sys.modules['triton'] = None\nimport bigmodel_lab.kernels")
    assert run.returncode != 0
    assert "ImportError" in run.stderr
    assert "needs Triton" in run.stderr and "pip install triton" in run.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="on a CUDA machine kernels are compiled")
def test_without_cuda_the_package_switches_on_the_interpreter():
    run = _python(
        "import os, bigmodel_lab.kernels as k\n"
        "print(os.environ['TRITON_INTERPRET'], k.INTERPRETED, k.DEVICE)"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "True", "cpu"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_an_explicit_triton_interpret_0_is_respected_and_explained():
    run = _python(
        "import torch, bigmodel_lab.kernels as k\nprint(k.INTERPRETED)\nk.relu(torch.zeros(2))",
        TRITON_INTERPRET="0",
    )
    assert run.stdout.split() == ["False"]
    assert "TRITON_INTERPRET=1" in run.stderr and "x: is on cpu" in run.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_importing_triton_first_is_explained():
    run = _python("import triton\nimport bigmodel_lab.kernels")
    assert run.returncode != 0
    assert "Import bigmodel_lab.kernels before triton" in run.stderr
