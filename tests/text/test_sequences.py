"""Padding, truncation, windows and bucketed batches."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.text.sequences import (
    BatchLoader,
    length_quantile,
    make_loaders,
    pad_sequences,
    window_dataset,
    windowed_split,
    windows,
)
from bigmodel_lab.text.stratified_splits import IndexSplit

seqs = st.lists(st.lists(st.integers(2, 50), max_size=12), min_size=1, max_size=10)


@given(seqs, st.integers(1, 15), st.sampled_from(["pre", "post"]), st.sampled_from(["pre", "post"]))
def test_padding_keeps_the_chosen_part_of_each_sequence(data, max_len, padding, truncating):
    out, kept = pad_sequences(data, max_len, padding=padding, truncating=truncating)
    assert out.shape == (len(data), max_len) and out.dtype == np.int64
    for row, seq, n in zip(out, data, kept, strict=True):
        assert n == min(len(seq), max_len)
        expected = (seq[-max_len:] if truncating == "pre" else seq[:max_len]) if seq else []
        real = row[:n] if padding == "post" else row[max_len - n :]
        assert real.tolist() == expected
        assert (
            np.delete(row, np.arange(n) if padding == "post" else np.arange(max_len - n, max_len))
            == 0
        ).all()


def test_padding_defaults_and_errors():
    out, kept = pad_sequences([[1, 2], [3]])
    assert out.tolist() == [[1, 2], [3, 0]] and kept.tolist() == [2, 1]
    with pytest.raises(ValueError, match="padding: expected 'pre' or 'post'"):
        pad_sequences([[1]], 2, padding="left")
    with pytest.raises(ValueError, match="max_len: expected a positive int"):
        pad_sequences([[1]], 0)


def test_length_quantile():
    data = [[0] * n for n in range(1, 11)]
    assert length_quantile(data, 0.8) == 8
    assert length_quantile(data, 1.0) == 10
    with pytest.raises(ValueError, match="q: expected a share"):
        length_quantile(data, 0)


@given(st.lists(st.integers(0, 9), max_size=60), st.integers(1, 12), st.integers(1, 30))
def test_windows_tile_the_kept_end_of_the_text(ids, size, last):
    pieces = windows(ids, size, last=last, min_len=1)
    assert sum(pieces, []) == ids[-last:]
    assert all(0 < len(p) <= size for p in pieces) or pieces == [[]]


def test_a_short_trailing_window_is_dropped_unless_alone():
    assert windows(list(range(23)), 10, min_len=5) == [list(range(10)), list(range(10, 20))]
    assert windows([1, 2], 10, min_len=5) == [[1, 2]]
    with pytest.raises(ValueError, match="size: expected a positive int"):
        windows([1], 0)


def test_window_dataset_records_owners_and_labels():
    pieces, labels, owner = window_dataset([[1] * 25, [2] * 5], np.array([1, 0]), 10)
    assert len(pieces) == 3 and owner.tolist() == [0, 0, 1] and labels.tolist() == [1, 1, 0]


def test_windowed_split_trains_on_the_end_and_tests_on_everything():
    encoded = [list(range(1, 101)), list(range(101, 131)), list(range(131, 171))]
    split = IndexSplit(np.array([0]), np.array([1]), np.array([2]))
    win = windowed_split(encoded, np.array([1, 0, 1]), split, 10, train_last=20)
    train_ids = win.ids[win.split.train]
    assert sorted(train_ids.ravel().tolist()) == list(range(81, 101))
    assert sorted(win.ids[win.split.test].ravel().tolist()) == list(range(131, 171))
    assert win.test_owner.tolist() == [0] * 4 and win.val_owner.tolist() == [0] * 3
    assert win.labels[win.split.val].tolist() == [0, 0, 0]


def _loader(shuffle, seed=0):
    lengths = np.array([3, 1, 4, 0, 2, 5, 2])
    ids, _ = pad_sequences([[i + 1] * n for i, n in enumerate(lengths)], 5)
    return BatchLoader(ids, lengths, np.arange(7), batch_size=3, shuffle=shuffle, seed=seed, pool=2)


def test_every_example_appears_once_per_pass_in_trimmed_batches():
    loader = _loader(shuffle=True)
    assert len(loader) == 3
    for _ in range(2):
        seen = []
        for batch, target in loader:
            assert batch.tokens.shape[1] == int(batch.lengths.max())
            assert (batch.lengths >= 1).all()
            seen.extend(target.tolist())
        assert sorted(seen) == list(range(7))


def test_shuffling_is_seeded_and_changes_between_passes():
    def order(loader):
        return [t for _, target in loader for t in target.tolist()]

    a, b = _loader(True, seed=3), _loader(True, seed=3)
    first = order(a)
    assert first == order(b)
    assert [order(a) for _ in range(5)] != [first] * 5
    assert order(_loader(False)) == list(range(7))


def test_loader_errors_and_label_dtypes():
    ids = np.zeros((2, 3), dtype=np.int64)
    with pytest.raises(ValueError, match="one row each per example"):
        BatchLoader(ids, np.array([1]), np.array([0, 1]))
    with pytest.raises(ValueError, match="lengths: must lie in"):
        BatchLoader(ids, np.array([1, 4]), np.array([0, 1]))
    with pytest.raises(ValueError, match="2-D integer array"):
        BatchLoader(ids.astype(float), np.array([1, 1]), np.array([0, 1]))
    split = IndexSplit(np.array([0]), np.array([1]), np.array([1]))
    loaders = make_loaders(ids, np.array([1, 2]), np.array([0, 1]), split, binary=True)
    assert next(iter(loaders.train))[1].dtype == torch.float32
    loaders = make_loaders(ids, np.array([1, 2]), np.array([0, 1]), split)
    assert next(iter(loaders.test))[1].dtype == torch.long


@given(st.lists(st.integers(0, 30), min_size=1, max_size=40), st.floats(0.01, 1.0))
def test_length_quantile_is_the_shortest_length_covering_the_share(lengths, q):
    data = [[0] * n for n in lengths]
    cut = length_quantile(data, q)
    covered = np.mean(np.array(lengths) <= cut)
    assert covered >= q - 1e-9
    shorter = [n for n in lengths if n < cut]
    if shorter:
        assert np.mean(np.array(lengths) <= max(shorter)) < q - 1e-9
