"""Rebuild the executed ``.ipynb`` twin of each MyST notebook: ``make notebooks``.

Each chapter is a jupytext pair: ``NN_name.md`` is the source people edit, ``NN_name.ipynb``
holds the executed outputs that nbval compares. For each pair this script

1. refuses, with a message, when the ``.ipynb``'s inputs differ from the ``.md``'s and the
   ``.ipynb`` is the newer file: someone edited it in JupyterLab without the pairing, and
   rebuilding from the ``.md`` would silently throw those edits away;
2. carries the ``.md``'s inputs into the ``.ipynb`` (``jupytext --update`` keeps cell ids);
3. executes the ``.ipynb`` in place, in ``notebooks/``, so that *every* output is fresh.

(Step 3 matters: ``jupytext --update --execute`` executes first and then puts the old outputs
back on every cell whose input did not change, so a package change would never reach them.)

Usage: ``python tools/notebooks.py [--check-only] notebooks/01_forward_backward.md ...``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUN_ENV = {"BIGMODEL_LAB_PROGRESS": "0", "PYTHONHASHSEED": "0"}


def code_sources(nb) -> list[tuple[str, str]]:
    """The (cell type, source) of every cell: what a paired edit can change."""
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def unsynced_edit(md: Path, ipynb: Path) -> str | None:
    """Why the ``.ipynb`` must not be overwritten, or None when it is safe."""
    if not ipynb.exists():
        return None
    try:
        executed = nbformat.read(ipynb, as_version=4)
    except Exception as exc:  # a corrupt file is the user's to look at, not ours to replace
        return f"{ipynb.name} cannot be read ({exc}); fix or delete it, then run again"
    if code_sources(executed) == code_sources(jupytext.read(md)):
        return None
    if ipynb.stat().st_mtime > md.stat().st_mtime:
        return (
            f"{ipynb.name} has cells that differ from {md.name} and was saved after it: it "
            "was edited in Jupyter without the pairing, and rebuilding would discard those "
            f"edits. Carry them into the source with `jupytext --sync {ipynb}` (or copy them "
            f"into {md.name} by hand), or discard them with `git checkout {ipynb}`; then run "
            "this again."
        )
    return None


def rebuild(md: Path) -> None:
    ipynb = md.with_suffix(".ipynb")
    env = {**os.environ, **RUN_ENV}
    jupytext_cmd = str(BIN / "jupytext")
    subprocess.run([jupytext_cmd, "--quiet", "--to", "ipynb", "--update", md.name],
                   cwd=md.parent, env=env, check=True)  # fmt: skip
    subprocess.run([jupytext_cmd, "--quiet", "--execute", ipynb.name],
                   cwd=md.parent, env=env, check=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help="MyST notebooks (notebooks/NN_name.md)")
    parser.add_argument("--check-only", action="store_true", help="only look for lost edits")
    args = parser.parse_args(argv)
    sources = [Path(s).resolve() for s in args.sources]
    bad = [s for s in sources if s.suffix != ".md" or not s.is_file()]
    if bad:
        parser.error(f"expected existing .md notebooks, got {[str(b) for b in bad]}")
    problems = [p for p in (unsynced_edit(s, s.with_suffix(".ipynb")) for s in sources) if p]
    if problems:
        for p in problems:
            print(f"refusing: {p}", file=sys.stderr)
        return 1
    if args.check_only:
        return 0
    for md in sources:
        print(f"executing {md.relative_to(ROOT)}", flush=True)
        try:
            rebuild(md)
        except subprocess.CalledProcessError as exc:
            print(
                f"{md.name}: execution failed (exit {exc.returncode}); see above", file=sys.stderr
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
