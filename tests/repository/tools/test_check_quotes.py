"""tools/check_quotes.py: a quote passes only when every fragment is verbatim in its article."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("check_quotes", ROOT / "tools" / "check_quotes.py")
check_quotes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_quotes)

ARTICLE = "### 4.1 激活函数\n\nReLU 函数是一种简单的线性激活函数，\n  其公式为 f(x) = max(0, x)。"


def record(printed: str, source: str = "001") -> dict:
    return dict(source=source, section="§4.1", quantity="q", printed=printed)


def test_a_verbatim_quote_passes_across_a_line_break():
    assert check_quotes.missing_fragments("简单的线性激活函数， 其公式为", ARTICLE) == []


@pytest.mark.parametrize(
    "printed",
    [
        "ReLU 函数是一种简单的线性激活函数。",  # full stop where the article has a comma
        "ReLU is a simple linear activation function",  # a translation is not a quote
        "f(x) = max(0,x)",  # a changed formula
    ],
)
def test_a_changed_quote_fails(printed):
    assert check_quotes.missing_fragments(printed, ARTICLE) != []


def test_each_fragment_is_checked_on_its_own():
    ok = "激活函数 … f(x) = max(0, x)"
    bad = "激活函数 … f(x) = min(0, x)"
    assert check_quotes.missing_fragments(ok, ARTICLE) == []
    assert check_quotes.missing_fragments(bad, ARTICLE) == ["f(x) = min(0, x)"]


def test_check_reports_each_bad_record_and_a_missing_article():
    records = [record("激活函数"), record("不存在的话"), record("激活函数", source="004")]
    problems = check_quotes.check(records, {"001": ARTICLE})
    assert sorted(problems) == [1, 2]
    assert "not found" in problems[2][0]


@given(st.text(alphabet="大模型的梯度下降 \n\t", min_size=1, max_size=40))
def test_any_substring_of_the_article_passes(text):
    article = "前言 " + text + " 结尾"
    words = check_quotes.normalise(text)
    if words:
        assert check_quotes.missing_fragments(words, article) == []


def test_missing_articles_folder_stops_with_a_message(tmp_path):
    with pytest.raises(SystemExit, match="no articles"):
        check_quotes.load_articles(tmp_path / "nowhere")
