"""Data parallelism: the gradient formula, and DistributedDataParallel against one process.

The formula. For a global batch B split into p shards B_1, ..., B_p of equal size b = |B|/p,
the mean loss is L(θ) = (1/|B|) Σ_{i∈B} ℓ_i(θ) = (1/p) Σ_r L_r(θ) with L_r the mean over shard
r, so its gradient is the mean of the per-shard gradients:

    ∇L(θ) = (1/p) Σ_r ∇L_r(θ).

DistributedDataParallel (DDP) computes ∇L_r on rank r and all-reduces the sum, divided by p,
during the backward pass; every rank then takes the same optimiser step and the replicas
stay equal. So p processes that each see one shard follow, step by step, the parameters of
one process that sees the whole global batch, up to float rounding (the two sum the same
numbers in a different order).

Two layers break the equality, by design rather than by error:

- dropout draws a random mask on each rank from that rank's generator: the step is a
  different random draw from the same distribution, not the same draw;
- batch norm normalises each shard with its own mean and variance (over b examples, not |B|),
  so the forward pass itself differs; ``nn.SyncBatchNorm`` all-reduces the statistics (GPU
  only in PyTorch).
"""

from __future__ import annotations

import time

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from bigmodel_lab.mnist.cnn import ChapterCNN

from . import launch


def check_batches(n_examples: int, world_size: int, global_batch: int, steps: int) -> int:
    """The per-rank batch size, after checking that the data can feed ``steps`` steps.

    DistributedSampler would silently repeat examples to give every rank a share of data that
    is too small; here that is an error that says what to change.
    """
    for name, value in (
        ("world_size", world_size),
        ("global_batch", global_batch),
        ("steps", steps),
    ):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}.")
    if world_size > n_examples:
        raise ValueError(
            f"world_size {world_size} is larger than the data ({n_examples} examples): some "
            "ranks would have nothing to train on. Use fewer processes or more data."
        )
    if global_batch % world_size:
        raise ValueError(
            f"global_batch {global_batch} is not divisible by world_size {world_size}: the "
            "shards must have equal size for their mean gradient to be the full-batch one."
        )
    per_rank = n_examples // world_size
    need = steps * (global_batch // world_size)
    if need > per_rank:
        raise ValueError(
            f"{steps} steps of global batch {global_batch} need {need} examples per rank, but "
            f"{n_examples} examples over {world_size} ranks give {per_rank}: use fewer steps, "
            "a smaller batch or more data."
        )
    return global_batch // world_size


def flat_parameters(model: nn.Module) -> torch.Tensor:
    """All parameters of ``model`` as one detached vector (in ``parameters()`` order)."""
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def flat_gradients(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.grad.detach().reshape(-1) for p in model.parameters()])


def make_model(seed: int, **model_kwargs) -> ChapterCNN:
    """Chapter 4's CNN, initialised from ``seed`` (the same on every rank and in the reference)."""
    torch.manual_seed(seed)
    return ChapterCNN(**model_kwargs)


def shard_gradient_gap(x, y, world_size: int, seed: int = 0, **model_kwargs) -> float:
    """max |∇L(full batch) − mean_r ∇L(shard r)| for chapter 4's CNN, in one process (float64).

    The model has no randomness in its forward pass here (dropout 0), so the two sides are the
    same sum in a different order."""
    n = len(x)
    check_batches(n, world_size, n, 1)
    model = make_model(seed, dropout=0.0, **model_kwargs).double()
    loss_fn = nn.CrossEntropyLoss()
    model.zero_grad()
    loss_fn(model(x.double()), y).backward()
    full = flat_gradients(model)
    mean = torch.zeros_like(full)
    for xs, ys in zip(x.double().chunk(world_size), y.chunk(world_size), strict=True):
        model.zero_grad()
        loss_fn(model(xs), ys).backward()
        mean += flat_gradients(model) / world_size
    return float((full - mean).abs().max())


def global_batches(n_examples: int, world_size: int, global_batch: int, steps: int, seed: int):
    """The indices each step of a DDP run uses, as one list per step of per-rank index lists.

    Rank r's DistributedSampler (shuffled with ``seed``, the same permutation on every rank)
    takes every p-th example of the permutation; its DataLoader cuts that into batches of
    global_batch/p. The union over ranks of step t's batches is the global batch of step t."""
    per_rank = check_batches(n_examples, world_size, global_batch, steps)
    dataset = range(n_examples)
    out = []
    orders = [
        list(DistributedSampler(dataset, world_size, r, shuffle=True, seed=seed, drop_last=True))
        for r in range(world_size)
    ]
    for t in range(steps):
        out.append([order[t * per_rank : (t + 1) * per_rank] for order in orders])
    return out


def _train_steps(model, optimizer, batches, loss_fn, after_step=None):
    history, grads = [flat_parameters(model)], []
    for xb, yb in batches:
        optimizer.zero_grad()
        loss_fn(model(xb), yb).backward()
        grads.append(flat_gradients(model))
        optimizer.step()
        history.append(flat_parameters(model))
        if after_step is not None:
            after_step(history[-1])
    return history, grads


def max_gap_to_rank0(flat: torch.Tensor) -> float:
    """max over ranks of max |θ_rank − θ_0|: rank 0 broadcasts its vector, the gaps are
    all-reduced with MAX (every rank must call this)."""
    reference = flat.clone()
    dist.broadcast(reference, src=0)
    gap = (flat.double() - reference.double()).abs().max().reshape(1)
    dist.all_reduce(gap, op=dist.ReduceOp.MAX)
    return float(gap)


def train_single(x, y, world_size, global_batch, steps, *, lr=0.1, seed=0, **model_kwargs):
    """One process, the same global batches as a DDP run of ``world_size`` ranks: the reference.

    Returns (parameters before and after each step, gradient of each step)."""
    steps_idx = global_batches(len(x), world_size, global_batch, steps, seed)
    model = make_model(seed, **model_kwargs)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    batches = []
    for shards in steps_idx:
        idx = torch.tensor([i for shard in shards for i in shard])
        batches.append((x[idx], y[idx]))
    return _train_steps(model, optimizer, batches, nn.CrossEntropyLoss())


def ddp_worker(rank, world_size, x, y, global_batch, steps, configs, lr, seed, timed_steps):
    """One rank of a DDP run; ``configs`` is a list of ChapterCNN keyword dicts, run in turn.

    Returns, per config, the parameters before and after each step, each step's (all-reduced)
    gradient, and, for the first config only, the seconds per step of ``timed_steps`` more
    steps (the slowest rank's, through the barriers)."""
    per_rank = check_batches(len(x), world_size, global_batch, steps + timed_steps)
    sampler = DistributedSampler(
        TensorDataset(x, y), world_size, rank, shuffle=True, seed=seed, drop_last=True
    )
    loader = DataLoader(TensorDataset(x, y), batch_size=per_rank, sampler=sampler, drop_last=True)
    results = []
    for index, kwargs in enumerate(configs):
        model = make_model(seed, **kwargs)
        torch.manual_seed(seed + 1000 + rank)  # each rank its own dropout stream
        ddp = DistributedDataParallel(model)  # broadcasts rank 0's parameters and buffers
        optimizer = torch.optim.SGD(ddp.parameters(), lr=lr)
        batches = list(loader)
        gaps = []
        history, grads = _train_steps(
            ddp,
            optimizer,
            batches[:steps],
            nn.CrossEntropyLoss(),
            after_step=lambda flat, gaps=gaps: gaps.append(max_gap_to_rank0(flat)),
        )
        seconds = None
        if timed_steps and index == 0:
            extra = batches[steps : steps + timed_steps]
            dist.barrier()
            start = time.perf_counter()
            for xb, yb in extra:
                optimizer.zero_grad()
                nn.functional.cross_entropy(ddp(xb), yb).backward()
                optimizer.step()
            dist.barrier()
            seconds = (time.perf_counter() - start) / timed_steps
        results.append(
            {
                "history": history if rank == 0 else None,
                "grads": grads if rank == 0 else None,
                "between_ranks": gaps,
                "seconds_per_step": seconds,
            }
        )
    return results


def run_ddp(
    x,
    y,
    world_size,
    global_batch,
    steps,
    configs=({"dropout": 0.0},),
    *,
    lr=0.1,
    seed=0,
    timed_steps=0,
    timeout=120.0,
):
    """Spawn ``world_size`` gloo processes running :func:`ddp_worker`; return their results."""
    check_batches(len(x), world_size, global_batch, steps + timed_steps)
    return launch.spawn(
        ddp_worker,
        world_size,
        x,
        y,
        global_batch,
        steps,
        list(configs),
        lr,
        seed,
        timed_steps,
        timeout=timeout,
    )


def scaling_table(seconds_per_step: dict[int, float], global_batch: int):
    """Throughput of a fixed global batch at each number of processes: examples per second,
    speed-up over one process and efficiency (speed-up / processes)."""
    import pandas as pd

    if 1 not in seconds_per_step:
        raise ValueError("seconds_per_step: expected a measurement at 1 process, the baseline.")
    if not all(s > 0 for s in seconds_per_step.values()):
        raise ValueError(f"seconds_per_step: expected positive times, got {seconds_per_step}.")
    base = seconds_per_step[1]
    rows = [
        {
            "processes": p,
            "examples/s": global_batch / s,
            "speed-up": base / s,
            "efficiency": base / s / p,
        }
        for p, s in sorted(seconds_per_step.items())
    ]
    return pd.DataFrame(rows).set_index("processes")


def agreement(
    ranks_results, x, y, world_size, global_batch, steps, config, *, index=0, lr=0.1, seed=0
):
    """Compare config ``index`` of a DDP run with :func:`train_single` on the same batches.

    Returns per-step lists: max |Δθ| between rank 0 and the single process after each step,
    max |Δ∇| between their gradients, and max |Δθ| between the ranks (DDP's replicas)."""
    ref_history, ref_grads = train_single(
        x, y, world_size, global_batch, steps, lr=lr, seed=seed, **config
    )
    rank0 = ranks_results[0][index]

    def gaps(a, b):
        return [float((u.double() - v.double()).abs().max()) for u, v in zip(a, b, strict=True)]

    return {
        "step": list(range(1, steps + 1)),
        "parameters": gaps(rank0["history"][1:], ref_history[1:]),
        "gradient": gaps(rank0["grads"], ref_grads),
        "between ranks": rank0["between_ranks"],
    }
