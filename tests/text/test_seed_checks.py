"""The source chapters' constructs fail as the book says, and the log arithmetic is right."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.text import seed_checks as S


@pytest.mark.parametrize(
    "construct, error",
    [
        (S.import_legacy_torchtext, ImportError),
        (S.torchscript_attribute, AttributeError),
        (S.linear_on_packed_sequence, TypeError),
        (S.pack_time_major_as_batch_first, RuntimeError),
        (S.string_labels_without_vocab, ValueError),
        (S.pandas_imported_as_pd, NameError),
    ],
)
def test_each_chapter_construct_raises(construct, error):
    with pytest.raises(error) as caught:
        construct()
    assert S.exception_text(construct) == f"{type(caught.value).__name__}: {caught.value}"


def test_exception_text_formats_type_and_message():
    def boom():
        raise KeyError("k")

    assert S.exception_text(boom) == "KeyError: 'k'"
    assert S.exception_text(lambda: None) == "no error"


def test_keras_word_index_orders_by_count_then_first_sight():
    assert S.keras_word_index(["b a", "a c", "c"]) == {"a": 1, "c": 2, "b": 3}


def test_the_chapter_trains_on_its_own_labels():
    inputs, targets = S.chapter_inputs(), S.chapter_targets()
    index = S.keras_word_index([label for _, label in S.CHAPTER_ROWS])
    assert inputs.shape == (5, 5)
    assert (inputs[:, :-1] == 0).all()
    assert [index[label] for _, label in S.CHAPTER_ROWS] == inputs[:, -1].tolist()
    assert targets.tolist() == [int(label == "好评") for _, label in S.CHAPTER_ROWS]
    assert S.chapter_split_sizes() == (4, 1)


@given(st.integers(1, 200), st.integers(1, 64))
def test_steps_and_their_inverse(steps, batch):
    lo, hi = S.examples_for_steps(steps, batch)
    assert S.keras_steps(lo, batch) == S.keras_steps(hi, batch) == steps
    if lo > 1:
        assert S.keras_steps(lo - 1, batch) == steps - 1
    assert S.keras_steps(hi + 1, batch) == steps + 1


def test_attainable_accuracies():
    assert S.attainable_accuracies(4) == [0, 0.25, 0.5, 0.75, 1]
    assert S.is_attainable(0.75, 4) and not S.is_attainable(0.6667, 4)
    assert S.is_attainable(0.6667, 3) and not S.is_attainable(0.9667, 1)
    assert all(math.isclose(a * 7, round(a * 7)) for a in S.attainable_accuracies(7))
    with pytest.raises(ValueError, match="n_examples: expected a positive int"):
        S.attainable_accuracies(0)
    with pytest.raises(ValueError, match="positive ints"):
        S.keras_steps(0)
    assert np.isclose(S.attainable_accuracies(1), [0, 1]).all()
