"""tools/translations.py: what a translation must keep, the glossary check, the YAML round trip."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
translations = sys.modules.setdefault("translations", importlib.util.module_from_spec(spec))
spec.loader.exec_module(translations)

MARKUP = st.sampled_from(
    [
        "$W^\\top \\delta$",
        "$$\\frac{1}{n}$$",
        "`formulas.linear`",
        "{glue:text}`ch04_acc:.1%`",
        "{ref}`ch01-mlp`",
        "[the errata](A1_errata.md)",
    ]
)


@given(st.lists(MARKUP, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_a_translation_may_reorder_the_markup_but_must_keep_all_of_it(pieces, rnd):
    english = " and ".join(f"word{i} {p}" for i, p in enumerate(pieces))
    shuffled = pieces[:]
    rnd.shuffle(shuffled)
    chinese = "，".join(f"词 {p}" for p in shuffled)
    assert translations.kept_markup(english) == translations.kept_markup(chinese)
    dropped = "，".join(f"词 {p}" for p in shuffled[1:])
    assert translations.kept_markup(english) != translations.kept_markup(dropped)


@pytest.mark.parametrize(
    "english, chinese, same",
    [
        ("see {ref}`the proof <ch01-proof>`", "见{ref}`证明 <ch01-proof>`", True),
        ("see {ref}`the proof <ch01-proof>`", "见{ref}`证明 <ch01-other>`", False),
        ("$a+b$", "$a + b$", False),  # math is copied, not retyped
        ("[text](https://x.org)", "[文字](https://x.org)", True),
        ("[text](https://x.org)", "[文字](https://y.org)", False),
        ("`fit(model)`", "`拟合(model)`", False),  # code stays English
    ],
)
def test_markup_cases(english, chinese, same):
    assert (translations.kept_markup(english) == translations.kept_markup(chinese)) is same


def test_chinese_in_the_english_is_found_outside_markup_only():
    text = (
        "weights (权重) and 「随着训练过程的进行，逐步减小学习率」 but not `中文` or $\\text{中}$"
    )
    assert translations.chinese_runs(text) == ["权重", "随着训练过程的进行，逐步减小学习率」"]


TERMS = [
    translations.Term("binary cross-entropy", ("二元交叉熵",)),
    translations.Term("cross-entropy", ("交叉熵",)),
    translations.Term("bias", ("偏置",)),
    translations.Term("overfitting", ("过拟合",)),
    translations.Term("dropout", ("Dropout", "随机失活")),
]


@pytest.mark.parametrize(
    "english, chinese, missing",
    [
        ("The cross-entropy falls.", "交叉熵下降。", []),
        ("The cross-entropy falls.", "损失下降。", ["cross-entropy"]),
        ("Binary cross-entropy", "二元交叉熵", []),  # the longer term masks the shorter
        ("Binary cross-entropy", "交叉熵", ["binary cross-entropy"]),
        ("Two biases", "两个偏置", []),
        ("Adam's bias correction", "Adam 的偏差修正", []),  # not the parameter
        ("the network over-fits", "网络过度拟合", ["overfitting"]),
        ("with DROPOUT", "使用 dropout", []),  # forms compare case-insensitively
        ("`bias` in code", "代码里的 `bias`", []),  # code is not prose
    ],
)
def test_glossary_terms_must_be_rendered_by_the_glossary_chinese(english, chinese, missing):
    found = translations.missing_terms(english, chinese, TERMS)
    assert [t.english for t in found] == missing


def test_the_real_glossary_gives_every_term_a_chinese_form():
    terms = translations.glossary_terms()
    assert len(terms) > 50
    names = {t.english for t in terms}
    assert {"learning rate", "L1 regularisation", "L2 regularisation", "dropout"} <= names
    assert not names & translations.AMBIGUOUS
    for term in terms:
        assert term.chinese and all(form.strip() for form in term.chinese), term


def _catalog(path: Path, msgids: list[str]) -> None:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid in msgids:
        po.append(polib.POEntry(msgid=msgid, msgstr=""))
    po.save(str(path))


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=30, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4, unique=True))
def test_yaml_round_trip_keeps_every_character(msgids):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        po_path, yml = Path(tmp, "page.po"), Path(tmp, "page.yml")
        _catalog(po_path, msgids)
        assert translations.export_yaml(po_path, yml) == len(msgids)
        import yaml

        rows = yaml.safe_load(yml.read_text(encoding="utf-8"))
        assert [r["en"] for r in rows] == msgids
        for row in rows:
            row["zh"] = "译：" + row["en"]
        yml.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
        assert translations.import_yaml(yml, po_path) == len(msgids)
        po = polib.pofile(str(po_path))
        assert {e.msgid: e.msgstr for e in po} == {m: "译：" + m for m in msgids}


def test_import_refuses_text_that_is_not_in_the_catalog(tmp_path):
    po_path, yml = tmp_path / "page.po", tmp_path / "page.yml"
    _catalog(po_path, ["The data"])
    yml.write_text("- en: The date\n  zh: 日期\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not in"):
        translations.import_yaml(yml, po_path)


def test_import_clears_the_fuzzy_flag(tmp_path):
    po_path, yml = tmp_path / "page.po", tmp_path / "page.yml"
    po = polib.POFile()
    po.append(polib.POEntry(msgid="The data", msgstr="旧译", flags=["fuzzy"]))
    po.save(str(po_path))
    yml.write_text("- en: The data\n  zh: 数据\n", encoding="utf-8")
    translations.import_yaml(yml, po_path)
    entry = polib.pofile(str(po_path))[0]
    assert entry.msgstr == "数据" and not entry.fuzzy
