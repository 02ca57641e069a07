"""Does ``bigmodel_lab.training.fit`` cost anything over a hand-written PyTorch loop?

Both train the chapter-4 CNN (Adam 1e-3, batch 64, cross-entropy) on the same MNIST batches,
from the same initial weights, one epoch at a time, alternating so that drifts in machine load
hit both alike. Prints the time per epoch of each (wall clock and process CPU time) and the
ratio fit / plain; the target is a ratio within 1.1.

    .venv/bin/python benchmarks/bench_training_loop.py                # full epochs, 3 rounds
    .venv/bin/python benchmarks/bench_training_loop.py --examples 12800 --rounds 5
    .venv/bin/python benchmarks/bench_training_loop.py --csv results.csv

The progress bar of fit() follows BIGMODEL_LAB_PROGRESS as everywhere else (on by default,
which is the case that costs most); the script says which was measured.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time

import torch

from bigmodel_lab.data import mnist
from bigmodel_lab.mnist.batches import TensorBatches
from bigmodel_lab.mnist.cnn import ChapterCNN
from bigmodel_lab.progress import enabled
from bigmodel_lab.training import fit


def plain_epoch(model, loader, optimizer, loss_fn) -> None:
    """The loop every PyTorch tutorial writes, with nothing else in it."""
    model.train()
    for inputs, target in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), target)
        loss.backward()
        optimizer.step()


def helper_epoch(model, loader, optimizer, loss_fn) -> None:
    fit(model, loader, optimizer, loss_fn, epochs=1)


def timed(fn, *args) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=60_000,
        help="training examples per epoch (default: all 60,000)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="epochs timed per loop")
    parser.add_argument(
        "--threads",
        type=int,
        default=torch.get_num_threads(),
        help="torch threads (default: torch's choice)",
    )
    parser.add_argument("--csv", help="also write one row per timed epoch to this file")
    args = parser.parse_args()
    if not 64 <= args.examples <= 60_000:
        parser.error(f"--examples must lie in [64, 60000], got {args.examples}")
    if args.rounds < 1 or args.threads < 1:
        parser.error("--rounds and --threads must be positive")
    torch.set_num_threads(args.threads)

    x, y = mnist.load_tensors("train")
    x, y = x[: args.examples], y[: args.examples]
    loss_fn = torch.nn.CrossEntropyLoss()
    torch.manual_seed(0)
    start = ChapterCNN().state_dict()

    def fresh():
        model = ChapterCNN()
        model.load_state_dict(start)
        return model, torch.optim.Adam(model.parameters(), lr=1e-3)

    runs = {"plain": (plain_epoch, []), "fit": (helper_epoch, [])}
    warm_model, warm_opt = fresh()
    plain_epoch(warm_model, TensorBatches(x[:640], y[:640], 64), warm_opt, loss_fn)  # warm-up
    for r in range(args.rounds):
        order = ("plain", "fit") if r % 2 == 0 else ("fit", "plain")
        for name in order:
            fn, times = runs[name]
            model, opt = fresh()
            loader = TensorBatches(x, y, 64, shuffle=True, seed=r)  # same batches for both
            times.append(timed(fn, model, loader, opt, loss_fn))

    n_batches = len(TensorBatches(x, y, 64))
    print(
        f"chapter-4 CNN, {args.examples} examples = {n_batches} batches of 64 per epoch, "
        f"{args.rounds} epochs each, torch threads {torch.get_num_threads()}, "
        f"progress bar {'on' if enabled() else 'off'}"
    )
    med = {}
    for name, (_, times) in runs.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        med[name] = (wall, cpu)
        print(
            f"  {name:>5}: median {wall:7.2f} s wall, {cpu:7.2f} s CPU per epoch "
            f"({1000 * wall / n_batches:.2f} ms per batch)"
        )
    print(
        f"  ratio fit / plain: {med['fit'][0] / med['plain'][0]:.3f} (wall), "
        f"{med['fit'][1] / med['plain'][1]:.3f} (CPU); target <= 1.1"
    )
    if args.csv:
        with open(args.csv, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["loop", "round", "wall_s", "cpu_s", "batches", "threads"])
            for name, (_, times) in runs.items():
                for r, (wall, cpu) in enumerate(times):
                    writer.writerow(
                        [name, r, f"{wall:.4f}", f"{cpu:.4f}", n_batches, torch.get_num_threads()]
                    )


if __name__ == "__main__":
    main()
