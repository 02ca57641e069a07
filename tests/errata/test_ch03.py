"""The chapter-3 errata records: computed from bigmodel_lab.worked, linked to real labels."""

import re
from pathlib import Path

from bigmodel_lab import errata
from bigmodel_lab.errata import sigmoid_2layer_as_printed as s2_printed

ROOT = Path(__file__).resolve().parents[2]


def ch03_records():
    return [r for r in errata.all_records() if r.where.startswith("notebooks/03_")]


def test_records_cover_the_three_source_chapters():
    assert {(r.source, r.section.split(".")[0]) for r in ch03_records()} == {
        ("000", "§4"),
        ("001", "§4"),
        ("003", "§4"),
    }


def test_every_record_links_to_a_label_that_exists():
    text = (ROOT / "notebooks" / "03_worked_examples.md").read_text()
    labels = set(re.findall(r"^\(([\w-]+)\)=$", text, re.M))
    for r in ch03_records():
        page, _, label = r.where.partition("#")
        assert page == "notebooks/03_worked_examples"
        assert label in labels, r


def test_every_printed_value_of_001_differs_from_the_computed_one():
    records = [r for r in ch03_records() if r.source == "001"]
    for line in s2_printed.LINES:
        if line.printed == "—" or line.key.startswith(("step ", "dsig")):
            continue
        (rec,) = [r for r in records if r.quantity.startswith(line.quantity)]
        assert line.printed in rec.printed
        assert line.printed not in rec.computed.split(), rec


def test_the_skipped_parameters_record_names_w12_and_w22_only():
    # the chapter prints "b_3 ← b_3 − α·δ_3 = ... = 0.1 + 0.039 = 0.139": b3 is updated
    (skipped,) = [
        r for r in ch03_records() if r.quantity.startswith("parameters left out of the update")
    ]
    assert "w12'" in skipped.computed and "w22'" in skipped.computed
    assert "b3'" not in skipped.computed
    (b3,) = [r for r in ch03_records() if r.quantity.startswith("updated b3")]
    assert b3.printed.endswith("= 0.1 + 0.039 = 0.139") and "0.139" not in b3.computed


def test_the_vector_theta_record_sits_where_theta_is_first_a_vector():
    # 003 §4.2.2 only calls θ "模型参数"; §4.3.2 gives it five entries
    records = [r for r in ch03_records() if r.source == "003"]
    assert not [r for r in records if r.section == "§4.2.2"]
    (theta,) = [r for r in records if r.quantity.startswith("softmax(θ · Embedding(x))")]
    assert theta.section == "§4.3.2" and "[0.1, 0.2, 0.3, 0.4, 0.5]" in theta.printed
