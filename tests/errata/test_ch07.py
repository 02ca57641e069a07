"""Chapter 7's erratum: 000 §1's BERT figure against the count from BERT's configuration."""

import re

import pytest

from bigmodel_lab import errata
from bigmodel_lab.distributed import memory
from bigmodel_lab.errata import ch07


def _record():
    (rec,) = errata.all_records(where=ch07.NB)
    return rec


def test_the_quoted_figure_is_the_one_the_module_checks():
    rec = _record()
    assert rec.section == "§1" and rec.kind is errata.Kind.WRONG_CLAIM
    yi = float(re.search(r"([\d.]+) 亿", rec.printed).group(1))
    assert yi * 1e8 == ch07.PRINTED_BERT


def test_the_article_counts_bert_in_billions_where_it_has_millions():
    ratio = ch07.bert_ratio()
    assert 900 < ratio < 1100  # a factor of 1000: millions read as billions
    assert memory.model_parameters("BERT-large") == pytest.approx(340e6, rel=0.02)
    assert f"{memory.model_parameters('BERT-large'):,}" in _record().computed


def test_the_gpt3_figure_of_the_same_sentence_is_right_so_it_is_no_erratum():
    assert memory.model_parameters("GPT-3 175B") == pytest.approx(1750e8, rel=0.005)
    assert not [r for r in errata.all_records(source="000") if "GPT-3" in r.quantity]
