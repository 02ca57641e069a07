"""Tokenisers: nothing is lost or invented, and jieba stays quiet."""

import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.text.tokenize import (
    KERAS_FILTERS,
    chinese_tokens,
    english_tokens,
    keras_style_tokens,
    tokenize_all,
)

ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@given(ascii_text)
def test_english_tokens_keep_every_non_space_character_in_order(text):
    if "<br" in text.lower():
        return
    assert "".join(english_tokens(text)) == "".join(text.lower().split())


def test_english_tokens_split_punctuation_and_keep_contractions():
    assert english_tokens("I didn't LIKE it,<br />sci-fi fans!") == [
        "i",
        "didn't",
        "like",
        "it",
        ",",
        "sci-fi",
        "fans",
        "!",
    ]
    assert english_tokens("it\u2019s") == ["it's"]


hanzi = st.text(
    alphabet=st.sampled_from(list("我喜欢这本书内容很好印刷清晰但是价格太贵了，。！ a")),
    max_size=40,
)


@given(hanzi)
def test_chinese_tokens_cover_the_text_without_blanks(text):
    tokens = chinese_tokens(text)
    assert "".join(tokens) == "".join(text.split())
    assert all(t.strip() == t and t for t in tokens)


def test_chinese_tokens_segment_words_and_are_repeatable():
    text = "我喜欢这本书，但是价格太贵了。"
    first = chinese_tokens(text)
    assert "喜欢" in first and "价格" in first and len(first) < len(text)
    assert chinese_tokens(text) == first


def test_jieba_prints_nothing_when_it_builds_its_dictionary():
    code = (
        "from bigmodel_lab.text.tokenize import chinese_tokens; print(chinese_tokens('我爱北京'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == ""
    assert "北京" in done.stdout


@given(st.text(max_size=60))
def test_keras_style_tokens_never_contain_filtered_characters_or_spaces(text):
    for token in keras_style_tokens(text):
        assert token and not set(token) & set(KERAS_FILTERS) and not any(c.isspace() for c in token)


def test_keras_style_splitting_leaves_chinese_clauses_whole():
    assert keras_style_tokens("Good, VERY good!") == ["good", "very", "good"]
    assert keras_style_tokens("很好，很快。") == ["很好，很快。"]


def test_non_text_input_is_refused():
    with pytest.raises(TypeError, match="text: expected a str, got int"):
        english_tokens(3)
    with pytest.raises(TypeError, match="got one str"):
        tokenize_all("a text", english_tokens)
    assert tokenize_all(["a b"], english_tokens) == [["a", "b"]]
