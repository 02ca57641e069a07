"""The source chapters' constructs fail as the book says, and the log arithmetic is right."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.text import seed_checks as S


@pytest.mark.parametrize(
    "construct, error",
    [
        (S.import_legacy_torchtext, ImportError),
        (S.import_imdb_class, ImportError),
        (S.torchscript_attribute, AttributeError),
        (S.linear_on_packed_sequence, TypeError),
        (S.pack_time_major_as_batch_first, RuntimeError),
        (S.string_labels_without_vocab, ValueError),
        (S.pack_unsorted_training_batch, RuntimeError),
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


def test_the_torchtext_stand_ins_behave_as_torchtext_0_11():
    import sys

    # the stand-in package knows IMDB, refuses IMDb, and leaves no module behind
    assert S.exception_text(lambda: S.import_imdb_class("IMDB")) == "no error"
    assert "cannot import name 'IMDb'" in S.exception_text(S.import_imdb_class)
    assert not [name for name in sys.modules if name.startswith("torchtext")]
    # Field.numericalize(use_vocab=False) calls int() on strings first, then builds the tensor
    assert S.legacy_numericalize(["1", "0", 1]).tolist() == [1, 0, 1]
    assert S.exception_text(S.string_labels_without_vocab) == (
        "ValueError: invalid literal for int() with base 10: 'pos'"
    )
    assert S.legacy_numericalize(["0.5"], dtype=torch.float32).item() == 0.5
    with pytest.raises(ValueError, match="can not be used with use_vocab=False"):
        S.legacy_numericalize(["a"], dtype=torch.bool)


@given(st.lists(st.integers(1, 3000), min_size=1, max_size=900), st.integers(1, 70), st.booleans())
def test_bucket_batches_keep_every_example_once(lengths, batch_size, train):
    batches = S.legacy_bucket_batches(lengths, batch_size, train=train)
    assert sorted(n for b in batches for n in b) == sorted(lengths)
    assert all(1 <= len(b) <= batch_size for b in batches)
    if not train:  # the test iterator sorts, and reverses each batch for packing
        assert all(S.is_decreasing(b) for b in batches)
        flat = [n for b in batches for n in b[::-1]]
        assert flat == sorted(lengths)


def test_training_batches_are_not_sorted_and_packing_them_fails():
    lengths = S.imdb_like_lengths()
    train = S.legacy_bucket_batches(lengths, 64, train=True)
    assert sum(S.is_decreasing(b) for b in train) == 0
    # sorted batches pack: the failure is the order, nothing else
    embedded = torch.zeros(64, max(train[0]), 4)
    ordered = torch.tensor(sorted(train[0], reverse=True))
    torch.nn.utils.rnn.pack_padded_sequence(embedded, ordered, batch_first=True)


def test_the_listing_model_ignores_n_layers_and_reads_padding_at_the_last_step():
    counts = {S.listing_parameters(n) for n in (1, 2, 3)}
    sizes = S.LISTING_SIZES
    expected = (
        sizes["vocab_size"] * sizes["embedding_dim"]
        + (sizes["embedding_dim"] + 1) * sizes["hidden_dim"]
        + (sizes["hidden_dim"] + 1) * sizes["output_dim"]
    )
    assert counts == {expected}
    assert abs(S.listing_embedding_std() - 1.0) < 0.01  # nn.Embedding's N(0, 1) rows
    rows = S.last_step_rows((6, 6, 4, 1))
    assert (rows[:2] != 0).all(), "the longest reviews give log-probabilities"
    assert (rows[2:] == 0).all(), "every shorter review gives padding"
    assert torch.allclose(rows[:2].exp().sum(dim=1), torch.ones(2), atol=1e-6)
