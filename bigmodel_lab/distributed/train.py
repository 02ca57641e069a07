"""Data-parallel training of chapter 4's CNN, started by ``torchrun``: one script for CPUs and GPUs.

torchrun starts one process per rank and gives each its place in the job through environment
variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). This script reads them,
picks NCCL and one GPU per process when CUDA is available and gloo on the CPU otherwise, and
trains with DistributedDataParallel and a DistributedSampler:

    torchrun --standalone --nproc-per-node 2 -m bigmodel_lab.distributed.train --steps 20

Rank 0 prints the mean loss of the first and last global batch and the largest difference
between the ranks' parameters at the end (DDP keeps them equal).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from .ddp import bound, check_batches, flat_parameters, make_model, max_gap_to_rank0

NEEDED = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--global-batch", type=int, default=64)
    parser.add_argument("--examples", type=int, default=2048, help="first N training images")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per collective")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    missing = [name for name in NEEDED if name not in os.environ]
    if missing:
        print(
            f"{', '.join(missing)} not set: start this script with torchrun, e.g.\n"
            "  torchrun --standalone --nproc-per-node 2 -m bigmodel_lab.distributed.train",
            file=sys.stderr,
        )
        return 2
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ["LOCAL_RANK"])
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    else:
        torch.set_num_threads(1)
    backend = "nccl" if cuda else "gloo"
    dist.init_process_group(backend, timeout=timedelta(seconds=args.timeout))
    try:
        from bigmodel_lab.data import mnist

        x, y = mnist.load_tensors("train")
        x, y = x[: args.examples], y[: args.examples]
        per_rank = check_batches(len(x), world, args.global_batch, args.steps)
        data = TensorDataset(x, y)
        sampler = DistributedSampler(
            data, world, rank, shuffle=True, seed=args.seed, drop_last=True
        )
        loader = DataLoader(data, batch_size=per_rank, sampler=sampler, drop_last=True)
        model = make_model(args.seed, dropout=0.0).to(device)
        ddp = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)
        optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr)
        losses = []
        for step, (xb, yb) in enumerate(loader):
            if step == args.steps:
                break
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(ddp(xb), yb)
            loss.backward()
            optimizer.step()
            mean = loss.detach().clone()
            dist.all_reduce(mean)  # the mean over the global batch: shards are equal in size
            losses.append(float(mean) / world)
        gap = max_gap_to_rank0(flat_parameters(model))
        if rank == 0:
            print(
                f"world size {world}, backend {backend}, {device.type}: {args.steps} steps of "
                f"global batch {args.global_batch} ({per_rank} per rank)\n"
                f"mean loss of the global batch: step 1 {losses[0]:.3f}, "
                f"step {args.steps} {losses[-1]:.3f}\n"
                f"replicas after the last step: max |Δθ| between ranks {bound(gap, 1e-6)}"
            )
    finally:
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
