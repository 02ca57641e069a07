"""Start a process group of ``world_size`` processes on this machine, and always end it cleanly.

:func:`spawn` is what the chapter's notebook and the tests use instead of ``torchrun``:

- it picks a free TCP port for the rendezvous (:func:`free_port`), so two runs never collide;
- it starts one process per rank with ``torch.multiprocessing`` and the *spawn* start method
  (a fresh interpreter per rank: safe in Jupyter, and the same on Linux, macOS and Windows);
- each rank joins the group (``init_process_group``, backend gloo on CPUs), runs
  ``fn(rank, world_size, *args)`` and *always* destroys the group, also when ``fn`` raises;
- the parent waits at most ``timeout`` seconds; a rank that raises, dies or never joins
  ends the run with a :class:`DistributedError` that names the rank, and every child process
  is terminated and reaped before the error leaves :func:`spawn` (no zombies).

``fn`` must be a module-level function of an importable module: a spawned interpreter
imports it by name, so a function defined in a notebook cannot be used.
"""

from __future__ import annotations

import io
import os
import queue
import socket
import time
import traceback
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


class DistributedError(RuntimeError):
    """A multi-process run failed; ``ranks`` are the ranks the message names."""

    def __init__(self, message: str, ranks: list[int]):
        super().__init__(message)
        self.ranks = ranks


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free now: the operating system chooses it when we bind to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _dumps(obj) -> bytes:
    # plain bytes through the queue: tensors sent as shared memory would not outlive the child
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _loads(data: bytes):
    return torch.load(io.BytesIO(data), weights_only=False)


def _worker(rank, world_size, port, timeout, backend, results, fn, args):
    os.environ.update(
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        LOCAL_RANK=str(rank),
    )
    torch.set_num_threads(1)  # p processes share the machine's cores; one thread each
    results.put((rank, "started", None))
    code = 0
    try:
        dist.init_process_group(
            backend, rank=rank, world_size=world_size, timeout=timedelta(seconds=timeout)
        )
        out = fn(rank, world_size, *args)
        results.put((rank, "done", _dumps(out)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        code = 1
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        results.put((rank, "error", f"{text}\n{traceback.format_exc()}"))
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    # hand the messages to the pipe, then leave without the interpreter's teardown, which
    # takes seconds once torch's compiler stack is loaded (any optimiser step loads it)
    results.close()
    results.join_thread()
    os._exit(code)


def spawn(
    fn,
    world_size: int,
    *args,
    timeout: float = 120.0,
    backend: str = "gloo",
    ranks: list[int] | None = None,
):
    """Run ``fn(rank, world_size, *args)`` in ``world_size`` processes; return their results.

    Returns a list indexed by rank (``None`` for ranks not started here). ``ranks`` starts
    only some of the ranks, as one machine of a multi-machine job does; the others must join
    from elsewhere, and when they never do the run ends after ``timeout`` seconds with a
    :class:`DistributedError` naming them.
    """
    if not isinstance(world_size, int) or world_size < 1:
        raise ValueError(f"world_size: expected a positive integer, got {world_size!r}.")
    if not timeout > 0:
        raise ValueError(f"timeout: expected a positive number of seconds, got {timeout!r}.")
    ranks = list(range(world_size)) if ranks is None else sorted(set(ranks))
    if not ranks or not all(isinstance(r, int) and 0 <= r < world_size for r in ranks):
        raise ValueError(f"ranks: expected ranks in 0..{world_size - 1}, got {ranks!r}.")
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    port = free_port()
    procs = {
        r: ctx.Process(
            target=_worker,
            args=(r, world_size, port, timeout, backend, results, fn, args),
            daemon=True,
        )
        for r in ranks
    }
    out: list = [None] * world_size
    started, finished, errors = set(), set(), {}
    # a rank still joining has `timeout` to do so after it starts; allow the start-up on top
    deadline = time.monotonic() + timeout + 60.0
    try:
        for p in procs.values():
            p.start()
        while len(finished) < len(ranks):
            message = _next(results, 0.1)
            if message is not None:
                _record(*message, out, started, finished, errors)
            dead = [r for r, p in procs.items() if r not in finished and not p.is_alive()]
            if errors or dead:
                time.sleep(0.5)  # let the other ranks' last messages arrive
                while (message := _next(results, 0.0)) is not None:
                    _record(*message, out, started, finished, errors)
                dead = [
                    r
                    for r, p in procs.items()
                    if r not in finished and r not in errors and not p.is_alive()
                ]
                if errors or dead:
                    raise _error_for(errors, dead, procs, world_size, started)
            if time.monotonic() > deadline:
                late = [r for r in ranks if r not in finished]
                raise DistributedError(
                    f"rank {_names(late)} did not finish within {timeout:.0f} s (+60 s to start).",
                    late,
                )
        return out
    finally:
        _reap(procs.values())


def _next(results, wait: float):
    try:
        return results.get(timeout=wait) if wait else results.get_nowait()
    except queue.Empty:
        return None


def _names(ranks) -> str:
    return ", ".join(map(str, ranks))


def _record(rank, kind, payload, out, started, finished, errors):
    if kind == "started":
        started.add(rank)
    elif kind == "done":
        out[rank] = _loads(payload)
        finished.add(rank)
    else:
        errors[rank] = payload


def _error_for(errors, dead, procs, world_size, started) -> DistributedError:
    """One message naming the ranks at fault: a rank that died comes first (the others' errors
    are then only its consequence), then a rank that never joined, then ranks that raised."""
    if dead:
        codes = _names(procs[r].exitcode for r in dead)
        return DistributedError(
            f"rank {_names(dead)} died without a result (exit code {codes}).", dead
        )
    first = min(errors)
    summary = errors[first].splitlines()[0]
    absent = sorted(set(range(world_size)) - started)
    if absent and "timed out" in errors[first].lower():
        # the first line is ours and the same on every run; torch's words (with the port) follow
        return DistributedError(
            f"rank {_names(absent)} never joined the process group of {world_size}: "
            f"rank {first} gave up waiting for it.\n(rank {first}: {summary})",
            absent,
        )
    # a rank that raised tears its connections down, and its peers then fail inside a
    # collective: name the ranks whose error is not such a consequence
    causes = [r for r in sorted(errors) if not _is_consequence(errors[r])] or sorted(errors)
    first = causes[0]
    summary = errors[first].splitlines()[0]
    after = sorted(set(errors) - set(causes))
    # whether the peers' errors arrived in time to be named depends on timing: second line
    also = f"(then rank {_names(after)} lost its peers)\n" if after else ""
    return DistributedError(
        f"rank {_names(causes)} raised an exception: {summary}\n{also}"
        f"--- rank {first} traceback ---\n{errors[first]}",
        causes,
    )


_CONSEQUENCES = ("connection closed by peer", "connection reset by peer", "broken pipe")


def _is_consequence(error: str) -> bool:
    return any(text in error.lower() for text in _CONSEQUENCES)


def _reap(procs) -> None:
    """Terminate and join every child still alive, then kill what ignores SIGTERM."""
    procs = [p for p in procs if p.pid is not None]  # a start that failed left nothing to reap
    for p in procs:
        if p.is_alive():
            p.join(timeout=2.0)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5.0)
        if p.is_alive():
            p.kill()
            p.join()
