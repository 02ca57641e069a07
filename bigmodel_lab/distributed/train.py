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
import re
import sys
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from ..display import format_bound
from .ddp import check_batches, flat_parameters, make_model, max_gap_to_rank0

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
                f"replicas after the last step: max |Δθ| between ranks {format_bound(gap, 1e-6)}"
            )
    finally:
        dist.destroy_process_group()
    return 0


MODULE = "bigmodel_lab.distributed.train"


def torchrun_command(
    nproc_per_node: int,
    *script_args: str,
    nnodes: int = 1,
    endpoint: str = "HOST:29500",
    job_id: str = "bigmodel-lab",
) -> str:
    """The ``torchrun`` line that starts this script, the same on every node.

    One node: ``--standalone`` (torchrun runs its own rendezvous on a free port). Several
    nodes: the c10d rendezvous at ``endpoint`` (a host every node can reach and a free port on
    it), where the nodes find each other and receive their ranks; the line is typed unchanged
    on each node. The script picks NCCL by itself when CUDA is there.
    """
    for name, value in (("nproc_per_node", nproc_per_node), ("nnodes", nnodes)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}.")
    if nnodes == 1:
        launcher = ["torchrun", "--standalone", "--nproc-per-node", str(nproc_per_node)]
    else:
        if ":" not in endpoint:
            raise ValueError(f"endpoint: expected HOST:PORT, got {endpoint!r}.")
        launcher = [
            "torchrun",
            "--nnodes",
            str(nnodes),
            "--nproc-per-node",
            str(nproc_per_node),
            "--rdzv-backend",
            "c10d",
            "--rdzv-endpoint",
            endpoint,
            "--rdzv-id",
            job_id,
        ]
    return " ".join([*launcher, "-m", MODULE, *script_args])


def run_torchrun(nproc_per_node: int, *script_args: str, timeout: float = 180.0) -> str:
    """Run :func:`torchrun_command` (one node) here, with this interpreter's torch; return what
    rank 0 printed, or raise with torchrun's own error output when it fails."""
    import subprocess

    command = torchrun_command(nproc_per_node, *script_args).split()
    # ``python -m torch.distributed.run`` is torchrun, without relying on PATH
    argv = [sys.executable, "-m", "torch.distributed.run", *command[1:]]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"torchrun did not finish within {timeout:.0f} s: {command}") from exc
    if done.returncode != 0:
        # torchrun prefixes each rank's lines with [rankN]; the exception lines name the cause
        causes = re.findall(r"^\[rank(\d+)\]: (\w+(?:Error|Exception)\b.*)$", done.stderr, re.M)
        named = "; ".join(f"rank {rank}: {text}" for rank, text in causes) or "no exception line"
        raise RuntimeError(
            f"torchrun exited with status {done.returncode} ({named}); its last output:\n"
            f"{done.stderr[-3000:]}"
        )
    return done.stdout


if __name__ == "__main__":
    sys.exit(main())
