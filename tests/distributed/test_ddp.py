"""Data parallelism: the shard-gradient formula, and real DDP runs against one process."""

import pytest
import torch

from bigmodel_lab.distributed import ddp


@pytest.fixture
def data():
    gen = torch.Generator().manual_seed(0)
    return torch.rand(64, 1, 28, 28, generator=gen), torch.randint(0, 10, (64,), generator=gen)


@pytest.mark.parametrize("p", [1, 2, 4, 8])
def test_full_batch_gradient_is_the_mean_of_shard_gradients(data, p):
    x, y = data
    assert ddp.shard_gradient_gap(x[:32], y[:32], p) < 1e-12


def test_unequal_shards_would_not_average_to_the_full_gradient(data):
    x, y = data
    with pytest.raises(ValueError, match="not divisible"):
        ddp.shard_gradient_gap(x[:30], y[:30], 4)


def test_global_batches_cover_each_rank_disjointly():
    steps = ddp.global_batches(40, 4, 8, 5, seed=0)
    seen = [i for step in steps for shard in step for i in shard]
    assert sorted(seen) == list(range(40))
    assert all(len(shard) == 2 for step in steps for shard in step)


def test_two_process_ddp_follows_one_process_step_by_step(data):
    x, y = data
    configs = [{"dropout": 0.0}, {"dropout": 0.5}]
    out = ddp.run_ddp(x, y, 2, 16, 3, configs, timed_steps=1, timeout=60)
    same = ddp.agreement(out, x, y, 2, 16, 3, configs[0], index=0)
    assert max(same["parameters"]) < 1e-6
    assert max(same["gradient"]) < 1e-6
    assert max(same["between ranks"]) < 1e-6
    # dropout: each rank draws its own masks, so the steps differ from one process's draw
    dropped = ddp.agreement(out, x, y, 2, 16, 3, configs[1], index=1)
    assert max(dropped["gradient"]) > 1e-4
    assert max(dropped["between ranks"]) < 1e-6  # yet the replicas stay equal
    assert out[0][0]["seconds_per_step"] > 0


@pytest.mark.parametrize(
    "n, world, batch, steps, message",
    [
        (3, 4, 4, 1, "larger than the data"),
        (64, 3, 16, 1, "not divisible"),
        (64, 2, 16, 5, "need 40 examples per rank"),
        (64, 0, 16, 1, "world_size"),
    ],
)
def test_data_that_cannot_feed_the_ranks_is_refused(n, world, batch, steps, message):
    with pytest.raises(ValueError, match=message):
        ddp.check_batches(n, world, batch, steps)


def test_run_ddp_refuses_before_spawning(data):
    x, y = data
    with pytest.raises(ValueError, match="larger than the data"):
        ddp.run_ddp(x[:2], y[:2], 4, 4, 1)
