"""The torchrun script: it refuses to start without torchrun's environment, and runs with it."""

import pytest

from bigmodel_lab.distributed import train


def test_without_torchrun_it_says_how_to_start(monkeypatch, capsys):
    for name in train.NEEDED:
        monkeypatch.delenv(name, raising=False)
    assert train.main([]) == 2
    assert "torchrun --standalone" in capsys.readouterr().err


def test_torchrun_two_processes_on_gloo():
    out = train.run_torchrun(2, "--steps", "3", "--examples", "256")
    assert "world size 2, backend gloo" in out
    assert "max |Δθ| between ranks < 1e-06" in out


def test_a_failing_torchrun_raises_with_its_error_output():
    with pytest.raises(
        RuntimeError, match=r"exited with status 1 \(rank \d: ValueError: world_size 2 is larger"
    ):
        train.run_torchrun(2, "--examples", "1", "--global-batch", "2", "--steps", "1")


def test_the_commands_for_one_node_and_for_many():
    one = train.torchrun_command(8, "--steps", "20")
    assert (
        one
        == "torchrun --standalone --nproc-per-node 8 -m bigmodel_lab.distributed.train --steps 20"
    )
    two = train.torchrun_command(8, nnodes=2, endpoint="node0:29500")
    assert "--standalone" not in two
    assert "--nnodes 2 --nproc-per-node 8 --rdzv-backend c10d --rdzv-endpoint node0:29500" in two
    assert two.endswith("-m bigmodel_lab.distributed.train")
    with pytest.raises(ValueError, match="nproc_per_node"):
        train.torchrun_command(0)
    with pytest.raises(ValueError, match="HOST:PORT"):
        train.torchrun_command(8, nnodes=2, endpoint="node0")
