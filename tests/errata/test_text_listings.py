"""The chapter-5 listings' constructs fail as the book says, and the log arithmetic is right
(bigmodel_lab.errata.text_listings)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.errata import text_listings as L


@pytest.mark.parametrize(
    "construct, error",
    [
        (L.import_legacy_torchtext, ImportError),
        (L.import_imdb_class, ImportError),
        (L.torchscript_attribute, AttributeError),
        (L.linear_on_packed_sequence, TypeError),
        (L.pack_time_major_as_batch_first, RuntimeError),
        (L.string_labels_without_vocab, ValueError),
        (L.pack_unsorted_training_batch, RuntimeError),
        (L.pandas_imported_as_pd, NameError),
    ],
)
def test_each_chapter_construct_raises(construct, error):
    with pytest.raises(error) as caught:
        construct()
    assert L.exception_text(construct) == f"{type(caught.value).__name__}: {caught.value}"


def test_exception_text_formats_type_and_message():
    def boom():
        raise KeyError("k")

    assert L.exception_text(boom) == "KeyError: 'k'"
    assert L.exception_text(lambda: None) == "no error"


def test_keras_word_index_orders_by_count_then_first_sight():
    assert L.keras_word_index(["b a", "a c", "c"]) == {"a": 1, "c": 2, "b": 3}


def test_the_chapter_trains_on_its_own_labels():
    inputs, targets = L.chapter_inputs(), L.chapter_targets()
    index = L.keras_word_index([label for _, label in L.CHAPTER_ROWS])
    assert inputs.shape == (5, 5)
    assert (inputs[:, :-1] == 0).all()
    assert [index[label] for _, label in L.CHAPTER_ROWS] == inputs[:, -1].tolist()
    assert targets.tolist() == [int(label == "好评") for _, label in L.CHAPTER_ROWS]
    assert L.chapter_split_sizes() == (4, 1)


@given(st.integers(1, 200), st.integers(1, 64))
def test_steps_and_their_inverse(steps, batch):
    lo, hi = L.examples_for_steps(steps, batch)
    assert L.keras_steps(lo, batch) == L.keras_steps(hi, batch) == steps
    if lo > 1:
        assert L.keras_steps(lo - 1, batch) == steps - 1
    assert L.keras_steps(hi + 1, batch) == steps + 1


def test_attainable_accuracies():
    assert L.attainable_accuracies(4) == [0, 0.25, 0.5, 0.75, 1]
    assert L.is_attainable(0.75, 4) and not L.is_attainable(0.6667, 4)
    assert L.is_attainable(0.6667, 3) and not L.is_attainable(0.9667, 1)
    assert all(math.isclose(a * 7, round(a * 7)) for a in L.attainable_accuracies(7))
    with pytest.raises(ValueError, match="n_examples: expected a positive int"):
        L.attainable_accuracies(0)
    with pytest.raises(ValueError, match="positive ints"):
        L.keras_steps(0)
    assert np.isclose(L.attainable_accuracies(1), [0, 1]).all()


def test_the_torchtext_stand_ins_behave_as_torchtext_0_11():
    import sys

    # the stand-in package knows IMDB, refuses IMDb, and leaves no module behind
    assert L.exception_text(lambda: L.import_imdb_class("IMDB")) == "no error"
    assert "cannot import name 'IMDb'" in L.exception_text(L.import_imdb_class)
    assert not [name for name in sys.modules if name.startswith("torchtext")]
    # Field.numericalize(use_vocab=False) calls int() on strings first, then builds the tensor
    assert L.legacy_numericalize(["1", "0", 1]).tolist() == [1, 0, 1]
    assert L.exception_text(L.string_labels_without_vocab) == (
        "ValueError: invalid literal for int() with base 10: 'pos'"
    )
    assert L.legacy_numericalize(["0.5"], dtype=torch.float32).item() == 0.5
    with pytest.raises(ValueError, match="can not be used with use_vocab=False"):
        L.legacy_numericalize(["a"], dtype=torch.bool)


@given(st.lists(st.integers(1, 3000), min_size=1, max_size=900), st.integers(1, 70), st.booleans())
def test_bucket_batches_keep_every_example_once(lengths, batch_size, train):
    batches = L.legacy_bucket_batches(lengths, batch_size, train=train)
    assert sorted(n for b in batches for n in b) == sorted(lengths)
    assert all(1 <= len(b) <= batch_size for b in batches)
    if not train:  # the test iterator sorts, and reverses each batch for packing
        assert all(L.is_decreasing(b) for b in batches)
        flat = [n for b in batches for n in b[::-1]]
        assert flat == sorted(lengths)


def test_training_batches_are_not_sorted_and_packing_them_fails():
    lengths = L.imdb_like_lengths()
    train = L.legacy_bucket_batches(lengths, 64, train=True)
    assert sum(L.is_decreasing(b) for b in train) == 0
    # sorted batches pack: the failure is the order, nothing else
    embedded = torch.zeros(64, max(train[0]), 4)
    ordered = torch.tensor(sorted(train[0], reverse=True))
    torch.nn.utils.rnn.pack_padded_sequence(embedded, ordered, batch_first=True)


def test_the_listing_model_ignores_n_layers_and_reads_padding_at_the_last_step():
    counts = {L.listing_parameters(n) for n in (1, 2, 3)}
    sizes = L.LISTING_SIZES
    expected = (
        sizes["vocab_size"] * sizes["embedding_dim"]
        + (sizes["embedding_dim"] + 1) * sizes["hidden_dim"]
        + (sizes["hidden_dim"] + 1) * sizes["output_dim"]
    )
    assert counts == {expected}
    assert abs(L.listing_embedding_std() - 1.0) < 0.01  # nn.Embedding's N(0, 1) rows
    rows = L.last_step_rows((6, 6, 4, 1))
    assert (rows[:2] != 0).all(), "the longest reviews give log-probabilities"
    assert (rows[2:] == 0).all(), "every shorter review gives padding"
    assert torch.allclose(rows[:2].exp().sum(dim=1), torch.ones(2), atol=1e-6)
