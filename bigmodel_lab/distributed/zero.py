"""Sharding the optimiser: ZeroRedundancyOptimizer (ZeRO stage 1) and FSDP, on gloo.

``torch.distributed.optim.ZeroRedundancyOptimizer`` wraps an optimiser class (Adam here) so
that each rank keeps the state of only its share of the parameters. After the gradients are
all-reduced (by DDP, as before), each rank updates its own share and broadcasts the result to
the others, so the parameters remain full replicas while Adam's two moments are stored once
across the group instead of once per rank.

The share is made of whole parameter tensors, assigned greedily (largest first, to the rank
with the fewest elements so far). The state per rank is therefore 1/p of the whole only
when the tensors can be split evenly: a model made of equal layers can, chapter 4's CNN
cannot (its first dense layer holds almost all its weights).

FSDP (``torch.distributed.fsdp.fully_shard``) goes on to shard the parameters and
gradients themselves (ZeRO stage 3): each rank stores a slice of every tensor along its first
axis and gathers the full tensor only while a layer runs.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.optim import ZeroRedundancyOptimizer
from torch.nn.parallel import DistributedDataParallel

from bigmodel_lab.mnist.cnn import ChapterCNN


def equal_layers(width: int = 128, depth: int = 8, seed: int = 0) -> nn.Sequential:
    """``depth`` dense width×width layers with ReLU between: equal tensors, evenly shardable."""
    torch.manual_seed(seed)
    layers = []
    for i in range(depth):
        layers.append(nn.Linear(width, width))
        if i < depth - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def make_model(name: str, seed: int = 0) -> nn.Module:
    if name == "equal layers":
        return equal_layers(seed=seed)
    if name == "chapter 4 CNN":
        torch.manual_seed(seed)
        return ChapterCNN(dropout=0.0)
    raise ValueError(f"name: expected 'equal layers' or 'chapter 4 CNN', got {name!r}.")


def make_data(name: str, n: int = 32, seed: int = 0):
    """A fixed regression batch for the equal layers, random images and labels for the CNN."""
    gen = torch.Generator().manual_seed(seed)
    if name == "equal layers":
        return torch.randn(n, 128, generator=gen), torch.randn(n, 128, generator=gen)
    return torch.rand(n, 1, 28, 28, generator=gen), torch.randint(0, 10, (n,), generator=gen)


def _loss(name, out, target):
    if name == "equal layers":
        return nn.functional.mse_loss(out, target)
    return nn.functional.cross_entropy(out, target)


def state_bytes(optimizer: torch.optim.Optimizer) -> int:
    """Bytes of every tensor in the optimiser's state (Adam: exp_avg, exp_avg_sq, step) that
    this process stores: of a sharded tensor (FSDP's DTensor), only the local shard."""
    total = 0
    for state in optimizer.state.values():
        for t in state.values():
            if torch.is_tensor(t):
                local = t.to_local() if hasattr(t, "to_local") else t
                total += local.numel() * local.element_size()
    return total


def flat(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def train_unsharded(name: str, steps: int, lr: float = 1e-3, seed: int = 0, n: int = 32):
    """One process, plain Adam on the whole batch: (parameters after each step, state bytes)."""
    model = make_model(name, seed)
    x, y = make_data(name, n, seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(steps):
        optimizer.zero_grad()
        _loss(name, model(x), y).backward()
        optimizer.step()
        history.append(flat(model))
    return history, state_bytes(optimizer)


def zero_worker(rank, world_size, name, steps, lr=1e-3, seed=0, n=32):
    """DDP + ZeroRedundancyOptimizer(Adam) on this rank's shard of the batch.

    Returns this rank's optimiser-state bytes, the number of parameter elements it updates,
    and (rank 0) the full parameters after each step."""
    model = make_model(name, seed)
    x, y = make_data(name, n, seed)
    xs, ys = x.chunk(world_size)[rank], y.chunk(world_size)[rank]
    ddp = DistributedDataParallel(model)
    optimizer = ZeroRedundancyOptimizer(ddp.parameters(), optimizer_class=torch.optim.Adam, lr=lr)
    history = []
    for _ in range(steps):
        optimizer.zero_grad()
        _loss(name, ddp(xs), ys).backward()
        optimizer.step()
        history.append(flat(model))
    local = optimizer.optim  # the Adam that holds this rank's share
    owned = sum(p.numel() for group in local.param_groups for p in group["params"])
    return {
        "state_bytes": state_bytes(local),
        "elements": owned,
        "history": history if rank == 0 else None,
    }


def fsdp_worker(rank, world_size, steps, lr=1e-3, seed=0, n=32):
    """Chapter 4's CNN under FSDP2 (``fully_shard``) on the CPU with gloo, Adam.

    Returns the local and full shape of each parameter and (rank 0) the full parameters after
    each step; or, if this PyTorch cannot shard on the CPU, the error it raised."""
    try:
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.fsdp import fully_shard

        mesh = init_device_mesh("cpu", (world_size,))
        model = make_model("chapter 4 CNN", seed)
        for layer in (model.conv, model.fc1, model.fc2):
            fully_shard(layer, mesh=mesh)
        fully_shard(model, mesh=mesh)
        x, y = make_data("chapter 4 CNN", n, seed)
        xs, ys = x.chunk(world_size)[rank], y.chunk(world_size)[rank]
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        history = []
        for _ in range(steps):
            optimizer.zero_grad()
            _loss("chapter 4 CNN", model(xs), ys).backward()
            optimizer.step()
            full = torch.cat([p.detach().full_tensor().reshape(-1) for p in model.parameters()])
            history.append(full)
        shapes = [
            (name, tuple(p.to_local().shape), tuple(p.shape))
            for name, p in model.named_parameters()
        ]
        local_state = state_bytes(optimizer)  # Adam's moments of the local shards only
    except Exception as exc:  # noqa: BLE001 - what happened is the result
        dist.barrier()
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "shapes": shapes,
        "state_bytes": local_state,
        "history": history if rank == 0 else None,
    }


def sharding_worker(rank, world_size, steps, lr=1e-3, seed=0):
    """ZeRO on the equal layers and on chapter 4's CNN, then FSDP on the CNN, in one group."""
    return {
        "equal layers": zero_worker(rank, world_size, "equal layers", steps, lr, seed),
        "chapter 4 CNN": zero_worker(rank, world_size, "chapter 4 CNN", steps, lr, seed),
        "fsdp": fsdp_worker(rank, world_size, steps, lr, seed),
    }


def max_gaps(history, reference) -> list[float]:
    """max |Δθ| after each step between two runs' parameter histories."""
    return [
        float((a.double() - b.double()).abs().max())
        for a, b in zip(history, reference, strict=True)
    ]
