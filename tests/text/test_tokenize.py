"""Tokenisers: nothing is lost or invented, and jieba stays quiet."""

import os
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.text.tokenize import (
    KERAS_FILTERS,
    chinese_tokens,
    english_tokens,
    keras_style_tokens,
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


def test_a_planted_jieba_cache_in_the_temp_folder_changes_nothing(tmp_path):
    # jieba's own initialize() loads <tmp>/jieba.cache with marshal, unchecked. Plant one that
    # makes the whole sentence a single word: the segmentation must not change.
    sentence = "我们在野生动物园玩"
    code = (
        "import marshal, os, tempfile, jieba\n"
        "t = jieba.Tokenizer(); freq, total = t.gen_pfdict(t.get_dict_file())\n"
        f"s = {sentence!r}\n"
        "freq.update({s[:i]: freq.get(s[:i], 0) for i in range(1, len(s))})\n"
        "freq[s] = 10 ** 12\n"
        "path = os.path.join(tempfile.gettempdir(), 'jieba.cache')\n"
        "with open(path, 'wb') as f: marshal.dump((freq, total + 10 ** 12), f)\n"
        "planted = os.path.getmtime(path)\n"
        "from bigmodel_lab.text.tokenize import chinese_tokens\n"
        "print(' '.join(chinese_tokens(s)))\n"
        "assert os.path.getmtime(path) == planted\n"
        "assert sorted(os.listdir(tempfile.gettempdir())) == ['jieba.cache']\n"
        "t2 = jieba.Tokenizer(); t2.initialize()\n"  # the planted file does fool jieba itself
        "print(' '.join(t2.lcut(s)))\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    ours, jiebas_own = run.stdout.splitlines()
    assert ours == "我们 在 野生 动物园 玩"
    assert jiebas_own == sentence  # the planted cache is real: the test would catch a reader
