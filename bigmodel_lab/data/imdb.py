"""The IMDb Large Movie Review data set (Maas et al., 2011), for readers who are online.

The archive ``aclImdb_v1.tar.gz`` (84 MB) unpacks to ``aclImdb/{train,test}/{pos,neg}/`` with
one review per file named ``<id>_<rating>.txt`` (12,500 files per folder; ratings 7-10 are
positive, 1-4 negative). :func:`fetch_imdb` downloads it, checks the published SHA-256, and
unpacks it into the data cache through a temporary folder, so an interrupted run never leaves
a half-extracted tree; it skips all of this when the tree is already there.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from . import DataFileError, cache_dir, sha256
from .text import FETCH_COMMAND, TextDataset

URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
PER_CLASS = 12_500
SPLITS = ("train", "test")
MARKER = ".bigmodel_lab_complete"  # written last: its presence means the tree is whole
RESTORE = f"{FETCH_COMMAND} --imdb   (needs the network once)"
_NAME = re.compile(r"^(\d+)_(\d+)\.txt$")


def imdb_dir(root: Path | str | None = None) -> Path:
    """The ``aclImdb`` folder under ``root`` (default: the data cache)."""
    return (Path(root) if root is not None else cache_dir()) / "aclImdb"


def _download(url: str, dest: Path) -> None:
    part = dest.with_suffix(dest.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(part, "wb") as out:
            shutil.copyfileobj(response, out, length=1 << 20)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise DataFileError(f"could not download {url} ({exc}). Try again when online.") from None
    os.replace(part, dest)


def _safe_extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Extract regular files and folders only, all inside ``dest``."""
    if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
        tar.extractall(dest, filter="data")
        return
    root = dest.resolve()
    for member in tar.getmembers():
        target = (dest / member.name).resolve()
        if not (member.isfile() or member.isdir()) or root not in (target, *target.parents):
            raise DataFileError(f"{member.name}: unsafe archive member; refusing to extract.")
    tar.extractall(dest)  # noqa: S202 - every member was checked above


def fetch_imdb(
    root: Path | str | None = None,
    *,
    url: str = URL,
    expected_sha256: str = SHA256,
    force: bool = False,
) -> Path:
    """Download (if needed), verify and unpack the archive; return the ``aclImdb`` folder.

    An ``aclImdb`` folder without this project's marker file (a copy unpacked by hand, say) is
    never touched: the call refuses and says how to proceed. ``force`` replaces only a tree
    that this function unpacked itself.
    """
    target = imdb_dir(root)
    if not force and (target / MARKER).is_file():
        return target
    if (target.exists() or target.is_symlink()) and not (target / MARKER).is_file():
        raise DataFileError(
            f"{target}: exists but was not unpacked by bigmodel_lab (it has no {MARKER} "
            "file), so it is left as it is. Move it out of the way (e.g. `mv "
            f"{target} {target}.mine`) and run `{RESTORE}` again, or set BIGMODEL_LAB_DATA "
            "to another folder; to use your copy as it is, pass its parent folder as `root` "
            "to load_imdb."
        )
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    archive = parent / "aclImdb_v1.tar.gz"
    if force or not archive.is_file() or sha256(archive) != expected_sha256:
        _download(url, archive)
    actual = sha256(archive)
    if actual != expected_sha256:
        archive.unlink()
        raise DataFileError(
            f"{url}: the download has sha256 {actual}, expected {expected_sha256}; it was "
            f"deleted. Run `{RESTORE}` again."
        )
    with tempfile.TemporaryDirectory(dir=parent, prefix=".aclImdb_") as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            _safe_extract(tar, Path(tmp))
        unpacked = Path(tmp) / "aclImdb"
        if not unpacked.is_dir():
            raise DataFileError(f"{archive}: has no top-level aclImdb/ folder.")
        (unpacked / MARKER).write_text(expected_sha256 + "\n")
        if target.exists():  # only a tree with our marker gets here (checked above)
            old = Path(tmp) / "replaced"
            os.replace(target, old)  # removed with the temporary folder
        os.replace(unpacked, target)
    return target


def load_imdb(
    split: str = "train",
    root: Path | str | None = None,
    *,
    expected_per_class: int | None = PER_CLASS,
) -> TextDataset:
    """The reviews of one split, negatives then positives, each sorted by review id.

    ``expected_per_class`` (default 12,500) is checked against the number of files found;
    pass ``None`` to skip the check (e.g. on a trimmed copy). ``info["ratings"]`` holds the
    star rating taken from each file name.
    """
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}.")
    base = imdb_dir(root)
    texts, labels, ratings = [], [], []
    for label, sub in enumerate(("neg", "pos")):
        folder = base / split / sub
        if not folder.is_dir():
            raise DataFileError(f"{folder}: the folder is missing. To restore it: {RESTORE}")
        files = []
        for path in folder.iterdir():
            match = _NAME.match(path.name)
            if match is None:
                raise DataFileError(
                    f"{path}: unexpected file name (expected <id>_<rating>.txt). "
                    f"To restore the tree: {RESTORE}"
                )
            files.append((int(match.group(1)), int(match.group(2)), path))
        if expected_per_class is not None and len(files) != expected_per_class:
            raise DataFileError(
                f"{folder}: {len(files)} reviews, expected {expected_per_class}; the tree is "
                f"incomplete. To restore it: {RESTORE}"
            )
        for _, rating, path in sorted(files):
            texts.append(path.read_text(encoding="utf-8"))
            labels.append(label)
            ratings.append(rating)
    return TextDataset(
        name=f"imdb {split}",
        texts=texts,
        labels=np.asarray(labels, np.int64),
        info={"ratings": np.asarray(ratings, np.int64), "path": str(base)},
    )
