import pytest
from hypothesis import given, settings, strategies as st

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


def test_only_the_chosen_page_s_records_are_computed(isolated_registry):
    computed = []
    for page in ["notebooks/01_a#x", "notebooks/02_b", "notebooks/01_a"]:
        erratum(
            source="001",
            section="§1",
            quantity=page,
            printed="p",
            kind=Kind.ARITHMETIC,
            where=page,
        )(lambda page=page: computed.append(page) or "v")
    got = all_records(where="notebooks/01_")
    assert [r.where for r in got] == ["notebooks/01_a#x", "notebooks/01_a"]
    assert computed == ["notebooks/01_a#x", "notebooks/01_a"]
    assert all_records(source="000", where="notebooks/01_") == []


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


def _myst_cell_text(markdown: str) -> str:
    """The text of the last cell of a Markdown table, parsed as the book parses it (MyST)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(
        MdParserConfig(enable_extensions={"dollarmath", "amsmath"}), RendererHTML
    )
    inline = [t for t in parser.parse(markdown) if t.type == "inline"][-1]
    assert {c.type for c in inline.children} <= {"text"}, [c.type for c in inline.children]
    return "".join(c.content for c in inline.children)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("\\`*_{}[]<>()#+-.!$&~^=:'\"/;,?%@| ax1是（）…")),
        min_size=1,
    ).filter(lambda s: s.strip() == s)
)
def test_the_printed_column_renders_character_for_character(printed):
    # LaTeX, code and Chinese quotes must reach the page as the article prints them: no math,
    # no emphasis, no swallowed backslash
    rec = errata.Erratum(
        source="003",
        section="§4.1",
        quantity="q",
        printed=printed,
        computed="1",
        kind=Kind.WRONG_FORMULA,
        where="notebooks/x",
    )
    row = to_markdown([rec], links=False).splitlines()[-1]
    cell = row.partition(" | q | ")[2].rpartition(" | 1 | wrong formula |")[0]
    assert _myst_cell_text(f"| a |\n|---|\n| {cell} |\n") == printed


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
