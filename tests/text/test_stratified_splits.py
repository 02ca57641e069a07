"""Stratified two- and three-way splits (bigmodel_lab.text.stratified_splits)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.text.stratified_splits import IndexSplit, split_three, stratified_split


@given(st.lists(st.integers(0, 2), min_size=10, max_size=80), st.integers(0, 5))
def test_stratified_split_partitions_and_keeps_proportions(labels, seed):
    labels = np.array(labels)
    counts = np.bincount(labels)
    if counts[counts > 0].min() < 2 or np.count_nonzero(counts) > int(np.ceil(0.2 * labels.size)):
        return  # too few examples for sklearn to stratify
    train, test = stratified_split(labels, seed=seed)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(labels.size))
    for c in np.unique(labels):
        expected = counts[c] * test.size / labels.size
        assert abs(np.sum(labels[test] == c) - expected) <= 1.0
    again = stratified_split(labels, seed=seed)
    assert all((a == b).all() for a, b in zip((train, test), again, strict=True))


def test_split_three_keeps_the_test_part_of_the_two_way_split():
    labels = np.repeat([0, 1], 50)
    split = split_three(labels, seed=0)
    assert isinstance(split, IndexSplit) and IndexSplit._fields == ("train", "val", "test")
    _, test = stratified_split(labels, seed=0)
    assert (split.test == test).all()
    assert not set(split.val) & set(split.train) and not set(split.val) & set(split.test)
    assert len(split.train) + len(split.val) + len(split.test) == 100
    assert np.mean(labels[split.val]) == 0.5
    with pytest.raises(ValueError, match="at least 2 examples"):
        stratified_split(np.array([0, 0, 0, 1]))
