"""The chapter's data splits: diabetes as the chapter splits it, and the noisy moons."""

import numpy as np
import pytest

from bigmodel_lab.optim.splits import ArraySplit, diabetes_split, moons_split


def test_diabetes_split_mirrors_the_chapter_and_standardises_on_fitting_rows(diabetes):
    # 442 rows: 80 % train (353), of which Keras' validation_split=0.2 holds out the last 71
    assert diabetes.sizes() == {"fit": 282, "validation": 71, "test": 89}
    np.testing.assert_allclose(diabetes.X_fit.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(diabetes.X_fit.std(axis=0), 1.0, atol=1e-5)
    assert abs(diabetes.X_test.mean()) > 1e-4  # test rows were not used for the statistics
    rows = {tuple(np.round(r, 5)) for r in diabetes.X_fit}
    assert not rows & {tuple(np.round(r, 5)) for r in diabetes.X_test}
    again = diabetes_split()
    assert np.array_equal(again.X_test, diabetes.X_test)
    with pytest.raises(ValueError, match="test_fraction"):
        diabetes_split(test_fraction=1.0)


def test_moons_test_set_is_a_separate_draw():
    split = moons_split(n_train=50, n_val=80, n_test=120, seed=3)
    assert split.sizes() == {"fit": 50, "validation": 80, "test": 120}
    seen = {tuple(r) for r in np.concatenate([split.X_fit, split.X_val])}
    assert not seen & {tuple(r) for r in split.X_test}
    again = moons_split(n_train=50, n_val=80, n_test=120, seed=3)
    assert np.array_equal(again.X_test, split.X_test)
    # the training and validation points do not depend on the size of the test set
    other = moons_split(n_train=50, n_val=80, n_test=10, seed=3)
    assert np.array_equal(other.X_fit, split.X_fit) and np.array_equal(other.X_val, split.X_val)
    with pytest.raises(ValueError, match="n_test"):
        moons_split(n_test=0)


def test_loaders_shuffle_the_fitting_rows_and_give_the_others_in_one_batch():
    split = moons_split(n_train=10, n_val=6, n_test=4)
    assert isinstance(split, ArraySplit)
    train, val, test = split.loaders(batch_size=4, seed=0)
    batches = list(train)
    assert [len(x) for x, _ in batches] == [4, 4, 2]
    assert all(y.shape == (len(x), 1) for x, y in batches)
    x_all = np.concatenate([x.numpy() for x, _ in batches])
    assert sorted(map(tuple, x_all)) == sorted(map(tuple, split.X_fit))
    assert [len(x) for x, _ in val] == [6] and [len(x) for x, _ in test] == [4]
    again = [x.numpy() for x, _ in split.loaders(batch_size=4, seed=0)[0]]
    assert all(np.array_equal(a, x.numpy()) for a, (x, _) in zip(again, batches, strict=True))
