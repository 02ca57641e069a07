import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from bigmodel_lab import errata
from bigmodel_lab.errata import SOURCES, Kind, all_records, ch01, erratum, to_frame, to_markdown
from bigmodel_lab.formulas import binary_cross_entropy, sigmoid
from bigmodel_lab.verification import numerical_gradient


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


# -- the chapter-1 records' computations ---------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.5, 12.0), depth=st.integers(2, 12))
def test_the_weights_not_sigmoid_prime_decide_the_backward_gain(scale, depth):
    factors, gain = ch01.backward_gain(scale, depth)
    assert np.isclose(factors, 0.25 ** (depth - 1), rtol=1e-12)
    assert np.isclose(gain, (scale / 4) ** (depth - 1), rtol=1e-9)
    if scale > 4:  # σ' ≤ 1/4 everywhere, and yet the error grows
        assert gain > 1 > factors


def test_backward_gain_refuses_bad_arguments():
    with pytest.raises(ValueError, match="depth"):
        ch01.backward_gain(8.0, depth=1)
    with pytest.raises(ValueError, match="scale"):
        ch01.backward_gain(0.0)


@given(y_hat=st.floats(0.01, 0.99))
def test_output_deltas_are_the_derivatives_of_their_losses(y_hat):
    z = np.array([np.log(y_hat / (1 - y_hat))])
    for y in (0.0, 1.0):
        d = ch01.output_delta_examples(y_hat, y)
        t = np.array([y])
        bce = numerical_gradient(lambda t=t: binary_cross_entropy(sigmoid(z), t), z)[0]
        half_se = numerical_gradient(lambda y=y: 0.5 * float((sigmoid(z)[0] - y) ** 2), z)[0]
        assert abs(d["binary cross-entropy"] - bce) < 1e-6
        assert abs(d["1/2 squared error"] - half_se) < 1e-6
    # the two cross-entropies agree at y = 1 and differ at y = 0: why the book uses y = 0
    one, zero = ch01.output_delta_examples(y_hat, 1.0), ch01.output_delta_examples(y_hat, 0.0)
    assert np.isclose(one["binary cross-entropy"], one["categorical CE -y log(y_hat)"])
    assert zero["categorical CE -y log(y_hat)"] == 0 < zero["binary cross-entropy"]


def test_output_delta_examples_refuse_impossible_values():
    with pytest.raises(ValueError, match="y_hat"):
        ch01.output_delta_examples(1.0, 0.0)
    with pytest.raises(ValueError, match="label"):
        ch01.output_delta_examples(0.5, 0.3)


@given(n=st.integers(2, 8), seed=st.integers(0, 1000))
def test_the_bias_gradient_of_a_sum_over_samples_is_the_sum(n, seed):
    g = ch01.output_bias_gradient_example(n, seed)
    assert np.allclose(g["finite differences"], g["formula summed over samples"], atol=1e-7)
    assert g["formula on the batch"].shape == (2, n) != g["b"].shape
    assert not np.allclose(g["formula, first sample"], g["formula summed over samples"])


def test_layer_two_reads_the_first_layer_not_x():
    s = ch01.weight_gradient_shapes()
    assert s["∂L/∂W^(2) = δ^(2) a^(1)ᵀ"] == s["W^(2)"] != s["δ^(2) xᵀ"]


def test_chapter_one_records():
    import re
    from pathlib import Path

    # metadata only (declared() computes nothing): the values are tested above, function by function
    records = [m for m in errata.declared() if m["where"].startswith("notebooks/01_")]
    by_quantity = {m["quantity"]: m for m in records}
    # 001 §4.2.2 δ_k = ŷ_k - y_k is right for the sigmoid + binary cross-entropy it is used with
    assert not [m for m in records if m["printed"] == r"\delta_k = \hat{y}_k - y_k"]
    for q in ["ReLU(x) for x > 0", "is ReLU linear?", "ReLU and vanishing gradients"]:
        assert by_quantity[q]["kind"] is Kind.WRONG_CLAIM
    assert {(m["source"], m["section"]) for m in records} >= {("003", "§4.1.3"), ("004", "§4.2")}
    text = (
        Path(__file__).resolve().parents[2] / "notebooks" / "01_forward_backward.md"
    ).read_text()
    labels = set(re.findall(r"^\(([\w-]+)\)=$", text, re.M))
    for m in records:
        assert m["where"].partition("#")[2] in labels, m
