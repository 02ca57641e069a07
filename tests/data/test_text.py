"""The labelled-text container that every text loader returns."""

import numpy as np
import pytest

from bigmodel_lab.data.text import TextDataset


def test_a_dataset_checks_pairs_and_labels():
    data = TextDataset("t", ["a", "b", "c"], np.array([0, 1, 1]))
    assert len(data) == 3 and data.counts() == {"negative": 1, "positive": 2}
    part = data.subset(np.array([2, 0]))
    assert part.texts == ["c", "a"] and part.labels.tolist() == [1, 0]
    with pytest.raises(ValueError, match="3 texts but 2 labels"):
        TextDataset("t", ["a", "b", "c"], np.array([0, 1]))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\]"):
        TextDataset("t", ["a"], np.array([2]))
    with pytest.raises(ValueError, match="1-D integer array"):
        TextDataset("t", ["a"], np.array([0.0]))
    with pytest.raises(TypeError, match="list of str"):
        TextDataset("t", ["a", 3], np.array([0, 1]))
    with pytest.raises(ValueError, match="integer positions"):
        data.subset(np.array([0.5]))
