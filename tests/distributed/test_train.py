"""The torchrun script: it refuses to start without torchrun's environment, and runs with it."""

import os
import subprocess
import sys

from bigmodel_lab.distributed import train


def test_without_torchrun_it_says_how_to_start(monkeypatch, capsys):
    for name in train.NEEDED:
        monkeypatch.delenv(name, raising=False)
    assert train.main([]) == 2
    assert "torchrun --standalone" in capsys.readouterr().err


def test_torchrun_two_processes_on_gloo():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            "2",
            "-m",
            "bigmodel_lab.distributed.train",
            "--steps",
            "3",
            "--examples",
            "256",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "world size 2, backend gloo" in done.stdout
    assert "max |Δθ| between ranks < 1e-06" in done.stdout
