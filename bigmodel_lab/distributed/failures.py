"""Small workers for :func:`bigmodel_lab.distributed.launch.spawn` that succeed or fail on purpose.

The chapter's failure-mode section and the tests run them: a spawned process imports its
function by name, so they live here and not in a notebook.
"""

from __future__ import annotations

import multiprocessing
import os

import torch
import torch.distributed as dist


def sum_of_ranks(rank: int, world_size: int) -> float:
    """All-reduce of each rank's number: every rank returns 0 + 1 + … + (p − 1)."""
    t = torch.tensor([float(rank)])
    dist.all_reduce(t)
    return float(t)


def raise_on(rank: int, world_size: int, bad_rank: int) -> float:
    """Like :func:`sum_of_ranks`, but rank ``bad_rank`` raises before the all-reduce."""
    if rank == bad_rank:
        raise ValueError(f"rank {rank} found a bad batch")
    return sum_of_ranks(rank, world_size)


def exit_on(rank: int, world_size: int, bad_rank: int, code: int = 3) -> float:
    """Rank ``bad_rank`` dies at once (as a process killed by the kernel would), the others
    wait in an all-reduce that can never complete."""
    if rank == bad_rank:
        os._exit(code)
    return sum_of_ranks(rank, world_size)


def live_children() -> list[int]:
    """Process ids of this process's multiprocessing children still alive (none after spawn)."""
    return [p.pid for p in multiprocessing.active_children()]


def sync_batch_norm_on_cpu(rank: int, world_size: int) -> str:
    """What ``nn.SyncBatchNorm`` says to a CPU batch inside a gloo process group: the error text
    (PyTorch all-reduces its statistics only for GPU-like devices), or "no error"."""
    bn = torch.nn.SyncBatchNorm(4)
    try:
        bn(torch.randn(8, 4, 3, 3))
    except ValueError as exc:
        return f"ValueError: {exc}"
    return "no error"
