"""The plots several chapters share (bigmodel_lab.plotting)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.plotting import confusion_matrix, learning_curves, plot_confusion_matrix
from bigmodel_lab.training import History


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=40))
def test_the_confusion_matrix_counts_every_pair_once(pairs):
    y_true = np.array([t for t, _ in pairs], dtype=np.int64)
    y_pred = np.array([p for _, p in pairs], dtype=np.int64)
    cm = confusion_matrix(y_true, y_pred, 4)
    assert cm.sum() == len(pairs)
    for i in range(4):
        for j in range(4):
            assert cm[i, j] == sum(1 for t, p in pairs if (t, p) == (i, j))


def test_the_confusion_matrix_refuses_arrays_of_different_shapes():
    with pytest.raises(ValueError, match=r"y_true and y_pred differ in shape: \(3,\) vs \(2,\)"):
        confusion_matrix([0, 1, 1], [0, 1], 2)


def test_learning_curves_draw_validation_only_when_there_is_some():
    history = History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.8])
    fig = learning_curves(history, title="t")
    assert [len(a.lines) for a in fig.axes] == [1, 1]
    history.val_loss, history.val_acc = [1.1, 0.7], [0.4, 0.7]
    fig = learning_curves(history)
    assert [len(a.lines) for a in fig.axes] == [2, 2]
    assert [line.get_label() for line in fig.axes[1].lines] == ["train acc", "val acc"]


def test_the_heat_map_writes_every_count():
    cm = np.array([[5, 1], [0, 7]])
    fig = plot_confusion_matrix(cm, ["a", "b"], title="cm")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(texts) == ["0", "1", "5", "7"]
