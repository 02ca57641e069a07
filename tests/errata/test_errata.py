import pytest

from bigmodel_lab import errata
from bigmodel_lab.errata import SOURCES, Kind, all_records, erratum, to_frame, to_markdown


@pytest.fixture
def isolated_registry(monkeypatch):
    monkeypatch.setattr(errata, "_REGISTRY", [])
    monkeypatch.setattr(errata, "_load_all", lambda: None)


def test_a_registered_function_supplies_the_computed_value(isolated_registry):
    calls = []

    @erratum(
        source="001",
        section="§4.3",
        quantity="q",
        printed="1.5",
        kind=Kind.ARITHMETIC,
        where="notebooks/x",
    )
    def _q():
        calls.append(1)
        return 2.0 / 3.0

    (rec,) = all_records()
    assert calls == [1]
    assert rec.computed == "0.666667" and rec.printed == "1.5" and rec.title == SOURCES["001"]


def test_records_are_sorted_by_source_then_numeric_section(isolated_registry):
    for source, section in [("002", "§4.1"), ("000", "§10.1"), ("000", "§4.5"), ("000", "§4.10")]:
        erratum(
            source=source,
            section=section,
            quantity="q",
            printed="p",
            kind=Kind.WRONG_FORMULA,
            where="notebooks/x",
        )(lambda: "v")
    got = [(r.source, r.section) for r in all_records()]
    assert got == [("000", "§4.5"), ("000", "§4.10"), ("000", "§10.1"), ("002", "§4.1")]
    assert [r.source for r in all_records(source="002")] == ["002"]


def test_renderers_escape_pipes_and_link_the_demonstration(isolated_registry):
    erratum(
        source="000",
        section="§4.1",
        quantity="a | b",
        printed="x",
        kind=Kind.ARITHMETIC,
        where="notebooks/01_forward_backward#sec",
    )(lambda: 1.0)
    md = to_markdown(all_records())
    assert "a \\| b" in md and "{ref}`01_forward_backward <sec>`" in md
    assert "shown in" not in to_markdown(all_records(), links=False)
    assert list(to_frame(all_records()).columns) == [
        "section",
        "quantity",
        "chapter printed",
        "code computes",
        "kind",
    ]


def test_bad_metadata_is_refused():
    with pytest.raises(ValueError, match="source"):
        erratum(
            source="007", section="§1", quantity="q", printed="p", kind=Kind.ARITHMETIC, where="w"
        )
    with pytest.raises(ValueError, match="kind"):
        erratum(source="000", section="§1", quantity="q", printed="p", kind="arithmetic", where="w")


def test_every_real_record_is_computed_and_points_at_a_notebook():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    records = all_records()
    assert records, "no errata records registered"
    for rec in records:
        assert rec.computed.strip(), rec
        assert rec.computed != rec.printed, f"{rec.section} {rec.quantity}: not an error"
        page = rec.where.split("#")[0]
        assert (root / f"{page}.md").is_file(), f"{rec.where}: no such notebook"


def test_computing_every_record_shows_a_progress_bar(monkeypatch, capsys):
    monkeypatch.setenv("BIGMODEL_LAB_PROGRESS", "1")
    errata.all_records(source="004")
    assert "errata records" in capsys.readouterr().err
    monkeypatch.setenv("BIGMODEL_LAB_PROGRESS", "0")
    errata.all_records(source="004")
    assert "errata records" not in capsys.readouterr().err
