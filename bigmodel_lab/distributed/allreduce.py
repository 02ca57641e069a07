"""All-reduce by hand: the ring algorithm with point-to-point messages, and its cost model.

All-reduce leaves on every one of p ranks the element-wise sum of the p ranks' tensors. The
ring algorithm (Patarasuk and Yuan, 2009; the one NCCL and gloo use for large messages) cuts
each rank's tensor into p chunks and passes chunks around the ring 0 → 1 → … → p−1 → 0:

1. reduce-scatter, p − 1 steps: at step s rank r sends chunk (r − s) mod p to rank r + 1 and
   adds the chunk (r − s − 1) mod p that arrives from rank r − 1 to its own. After the last
   step rank r holds the complete sum of chunk (r + 1) mod p.
2. all-gather, p − 1 steps: the finished chunks travel once more around the ring, each rank
   overwriting its copy with the one that arrives.

Each rank sends 2(p − 1) chunks of n/p elements: 2(p − 1)/p · n in all, less than 2n however
many ranks there are. With a latency α per message and a bandwidth β (bytes per second), the
time is about

    T(n) = 2(p − 1)·α + 2(p − 1)/p · (n · itemsize)/β.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import torch
import torch.distributed as dist


def ring_all_reduce(tensor: torch.Tensor) -> int:
    """Sum ``tensor`` over all ranks in place with the ring algorithm; return the bytes this
    rank sent. Every rank of the default group must call it with a tensor of the same shape."""
    p, rank = dist.get_world_size(), dist.get_rank()
    if not tensor.is_contiguous():
        raise ValueError("tensor: expected a contiguous tensor (the chunks are views of it).")
    if p == 1:
        return 0
    chunks = tensor.view(-1).tensor_split(p)  # sizes differ by at most one element
    right, left = (rank + 1) % p, (rank - 1) % p
    sent = 0

    def exchange(send_index: int, recv_index: int, reduce: bool) -> None:
        nonlocal sent
        outgoing = chunks[send_index]
        request = dist.isend(outgoing, right)  # non-blocking: everyone sends before receiving
        incoming = torch.empty_like(chunks[recv_index])
        dist.recv(incoming, left)
        request.wait()
        sent += outgoing.numel() * outgoing.element_size()
        if reduce:
            chunks[recv_index].add_(incoming)
        else:
            chunks[recv_index].copy_(incoming)

    for s in range(p - 1):  # reduce-scatter
        exchange((rank - s) % p, (rank - s - 1) % p, reduce=True)
    for s in range(p - 1):  # all-gather: rank r starts with its finished chunk (r + 1) mod p
        exchange((rank - s + 1) % p, (rank - s) % p, reduce=False)
    return sent


def ring_bytes_per_rank(n_bytes: float, p: int) -> float:
    """What the cost model says each rank sends: 2(p − 1)/p · n_bytes."""
    if not isinstance(p, int) or p < 1:
        raise ValueError(f"p: expected a positive integer, got {p!r}.")
    return 2 * (p - 1) / p * n_bytes


def model_time(n_bytes, p: int, alpha: float, beta: float):
    """T = 2(p − 1)α + 2(p − 1)/p · n_bytes/β (seconds)."""
    return 2 * (p - 1) * alpha + ring_bytes_per_rank(np.asarray(n_bytes, dtype=float), p) / beta


def fit_alpha_beta(n_bytes, seconds, p: int) -> tuple[float, float]:
    """Least-squares α (s per message) and β (bytes/s) of :func:`model_time` to measurements."""
    n_bytes, seconds = np.asarray(n_bytes, dtype=float), np.asarray(seconds, dtype=float)
    if n_bytes.shape != seconds.shape or n_bytes.size < 2:
        raise ValueError("n_bytes and seconds: expected two equal-length sequences of 2 or more.")
    design = np.stack([np.full_like(n_bytes, 2 * (p - 1)), ring_bytes_per_rank(n_bytes, p)], 1)
    # weight each point by 1/T, so that the small messages count as much as the large ones
    w = 1 / seconds
    (alpha, inv_beta), *_ = np.linalg.lstsq(design * w[:, None], seconds * w, rcond=None)
    if inv_beta <= 0:
        raise ValueError("the measured times do not grow with the message size; no β to fit.")
    return float(max(alpha, 0.0)), float(1 / inv_beta)


def check_worker(rank, world_size, sizes, seed=0):
    """On every rank: ring all-reduce of float64 random tensors of each size in ``sizes`` (odd
    sizes included) against dist.all_reduce; returns [(size, max |Δ|, bytes sent)]."""
    out = []
    gen = torch.Generator().manual_seed(seed + rank)
    for n in sizes:
        x = torch.randn(n, dtype=torch.float64, generator=gen)
        mine, theirs = x.clone(), x.clone()
        sent = ring_all_reduce(mine)
        dist.all_reduce(theirs)
        out.append((n, float((mine - theirs).abs().max()) if n else 0.0, sent))
    return out


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        dist.barrier()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timing_worker(rank, world_size, sizes, repeats=5):
    """Median seconds of the ring and of dist.all_reduce for float32 tensors of ``sizes``."""
    rows = []
    for n in sizes:
        x = torch.ones(n)
        ring = _median_seconds(lambda x=x: ring_all_reduce(x), repeats)
        library = _median_seconds(lambda x=x: dist.all_reduce(x), repeats)
        # the slowest rank decides when an all-reduce is over
        both = torch.tensor([ring, library], dtype=torch.float64)
        dist.all_reduce(both, op=dist.ReduceOp.MAX)
        rows.append(
            {
                "elements": n,
                "bytes": 4 * n,
                "ring": float(both[0]),
                "dist.all_reduce": float(both[1]),
            }
        )
    return rows


def ring_worker(rank, world_size, check_sizes, timing_sizes, repeats=5):
    """:func:`check_worker` then :func:`timing_worker` in one process group (one start-up)."""
    checks = check_worker(rank, world_size, check_sizes)
    timings = timing_worker(rank, world_size, timing_sizes, repeats) if timing_sizes else []
    return {"checks": checks, "timings": timings}


def plot_timings(rows, p: int, alpha: float, beta: float, ax=None):
    """Measured seconds of the ring and of dist.all_reduce against message bytes (log-log),
    beside the fitted model T(n) = 2(p − 1)α + 2(p − 1)/p · n/β."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.8))
    n = np.array([row["bytes"] for row in rows], dtype=float)
    ax.loglog(n, [row["ring"] for row in rows], "o", label="ring (ours), measured")
    ax.loglog(n, [row["dist.all_reduce"] for row in rows], "s", label="dist.all_reduce, measured")
    grid = np.logspace(np.log10(n.min()), np.log10(n.max()), 100)
    ax.loglog(grid, model_time(grid, p, alpha, beta), "-", label="model fitted to the ring")
    ax.set(
        xlabel="message size (bytes)",
        ylabel="seconds per all-reduce",
        title=f"all-reduce on {p} local gloo processes",
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax.figure
