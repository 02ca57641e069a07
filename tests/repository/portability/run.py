"""Re-execute notebooks under strict nbval with other CPU numerics: ``make portable``.

A notebook's compared outputs must not depend on the machine that runs it. Three things decide
the order in which a CPU adds partial sums, and so the last bits of every reduction:

- the vector instruction set that PyTorch dispatches to (``ATEN_CPU_CAPABILITY``);
- the BLAS kernel that NumPy's OpenBLAS picks for this processor (``OPENBLAS_CORETYPE``);
- the number of threads that split a reduction (``OMP_NUM_THREADS`` and friends).

A student's laptop, a GitHub runner and CI's machine differ in all three. This script runs
each notebook once per *setting* below, in a child process whose environment selects other
numerics on this same machine, and fails if any compared output differs from the committed
one. Settings run in parallel, one per core.

Usage::

    python tests/repository/portability/run.py [--settings NAME,...] [--combined] NOTEBOOK.ipynb ...

``--combined`` runs two settings that between them take every value once (pairwise cover),
which is what ``make test`` uses on the fast chapters; ``make portable`` runs every setting
on every notebook.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _threads(n: int) -> dict[str, str]:
    return {name: str(n) for name in THREADS}


#: One setting per value that the portability promise covers. OpenBLAS's Haswell kernel is
#: the one named in the issue; Sandybridge (AVX, no FMA) is a second kernel that every x86-64
#: machine with AVX can run, so that the check changes the BLAS even where Haswell is native.
SETTINGS: dict[str, dict[str, str]] = {
    "aten-default": {"ATEN_CPU_CAPABILITY": "default"},
    "aten-avx2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "blas-haswell": {"OPENBLAS_CORETYPE": "Haswell"},
    "blas-sandybridge": {"OPENBLAS_CORETYPE": "Sandybridge"},
    "threads-1": _threads(1),
    "threads-2": _threads(2),
}

#: Two settings that together take each value above once: scalar torch + Haswell BLAS + one
#: thread, then AVX2 torch + Sandybridge BLAS + two threads.
COMBINED: dict[str, dict[str, str]] = {
    "default+haswell+1thread": {
        **SETTINGS["aten-default"],
        **SETTINGS["blas-haswell"],
        **SETTINGS["threads-1"],
    },
    "avx2+sandybridge+2threads": {
        **SETTINGS["aten-avx2"],
        **SETTINGS["blas-sandybridge"],
        **SETTINGS["threads-2"],
    },
}

#: The environment every notebook run shares with ``make test`` (no progress bars, fixed hash).
BASE_ENV = {"BIGMODEL_LAB_PROGRESS": "0", "PYTHONHASHSEED": "0"}


def nbval_command(notebooks: list[str]) -> list[str]:
    """The strict nbval run of ``make test``, on these notebooks."""
    return [
        sys.executable,
        "-m",
        "pytest",
        *notebooks,
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(ROOT / "tests" / "nbval_sanitize.cfg"),
        "--nbval-cell-timeout=900",
        "-p",
        "no:cacheprovider",
        "-q",
        "--no-header",
        "-rf",
    ]


def run_setting(name: str, extra: dict[str, str], notebooks: list[str], log_dir: Path):
    """Run the notebooks under one setting; return (name, passed, seconds, log path)."""
    env = {**os.environ, **BASE_ENV, **extra}
    log = log_dir / f"{name}.log"
    start = time.perf_counter()
    with log.open("w") as out:
        out.write(f"# setting {name}: {extra}\n")
        out.flush()
        rc = subprocess.call(
            nbval_command(notebooks), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return name, rc == 0, time.perf_counter() - start, log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", help="executed .ipynb files to re-check")
    parser.add_argument("--combined", action="store_true", help="two settings that cover all")
    parser.add_argument("--settings", help="comma-separated names from: " + ", ".join(SETTINGS))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--log-dir", default=str(ROOT / ".cache" / "portable"))
    args = parser.parse_args(argv)

    chosen = COMBINED if args.combined else SETTINGS
    if args.settings:
        unknown = [s for s in args.settings.split(",") if s not in SETTINGS]
        if unknown:
            parser.error(f"unknown setting(s) {unknown}; choose from {list(SETTINGS)}")
        chosen = {s: SETTINGS[s] for s in args.settings.split(",")}
    missing = [nb for nb in args.notebooks if not (ROOT / nb).is_file()]
    if missing:
        parser.error(f"no such notebook(s): {missing}")

    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"portability: {len(args.notebooks)} notebook(s) x {len(chosen)} setting(s), "
        f"{args.jobs} at a time; logs in {log_dir}",
        flush=True,
    )
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(run_setting, name, extra, args.notebooks, log_dir)
            for name, extra in chosen.items()
        ]
        results = [f.result() for f in futures]

    failed = []
    for name, passed, seconds, log in results:
        print(f"  {'passed' if passed else 'FAILED'}  {name:<28} {seconds:6.0f} s", flush=True)
        if not passed:
            failed.append((name, log))
    for name, log in failed:
        print(f"\n--- {name}: outputs that differ ({log}) ---")
        lines = log.read_text().splitlines()
        shown = [line for line in lines if line.startswith(("FAILED", "E "))]
        print("\n".join(shown[-60:]))
    if failed:
        print(
            f"\n{len(failed)} setting(s) changed a compared output: a printed number depends on "
            "the machine. Print a bound at a stated tolerance instead (README.md, 'Portability')."
        )
        return 1
    print("portability: every compared output is the same under every setting")
    return 0


if __name__ == "__main__":
    sys.exit(main())
