"""The launcher with real processes and the gloo backend: results, and every failure it names."""

import time

import pytest

from bigmodel_lab.distributed import failures, launch
from bigmodel_lab.distributed.launch import DistributedError


def test_free_port_is_a_usable_port_number():
    port = launch.free_port()
    assert 1024 <= port <= 65535


def test_two_processes_all_reduce_with_gloo():
    assert launch.spawn(failures.sum_of_ranks, 2, timeout=30) == [1.0, 1.0]
    assert failures.live_children() == []


def test_a_rank_that_never_joins_ends_in_a_timeout_that_names_it():
    start = time.monotonic()
    with pytest.raises(DistributedError, match=r"rank 1 never joined the process group of 2") as e:
        launch.spawn(failures.sum_of_ranks, 2, timeout=2, ranks=[0])
    assert e.value.ranks == [1]
    # the first line is the same on every run (torch's text, with its port, comes after it)
    first = str(e.value).splitlines()[0]
    assert first == "rank 1 never joined the process group of 2: rank 0 gave up waiting for it."
    assert time.monotonic() - start < 30
    assert failures.live_children() == []


def test_a_rank_that_raises_is_named_with_its_message():
    with pytest.raises(
        DistributedError, match=r"rank 1 raised .*ValueError: rank 1 found a bad"
    ) as e:
        launch.spawn(failures.raise_on, 2, 1, timeout=20)
    assert e.value.ranks == [1]
    first = str(e.value).splitlines()[0]
    assert first == "rank 1 raised an exception: ValueError: rank 1 found a bad batch"
    assert failures.live_children() == []


def test_a_rank_that_dies_is_named_with_its_exit_code():
    with pytest.raises(DistributedError, match=r"rank 0 died without a result \(exit code 3\)"):
        launch.spawn(failures.exit_on, 2, 0, 3, timeout=20)
    assert failures.live_children() == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"world_size": 0}, "world_size"),
        ({"world_size": 2, "timeout": 0}, "timeout"),
        ({"world_size": 2, "ranks": [2]}, "ranks"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(kwargs, message):
    with pytest.raises(ValueError, match=message):
        launch.spawn(failures.sum_of_ranks, **kwargs)
