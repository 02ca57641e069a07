"""The chapter's torch experiments: data splits, baselines, the failing listing, training."""

import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression

from bigmodel_lab.optim import experiments as E
from bigmodel_lab.training import EarlyStopping


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    monkeypatch.setenv("BIGMODEL_LAB_PROGRESS", "0")
    with E.single_thread():
        yield


@pytest.fixture(scope="module")
def diabetes():
    return E.diabetes_split()


def test_diabetes_split_mirrors_the_chapter_and_standardises_on_fitting_rows(diabetes):
    # 442 rows: 80 % train (353), of which Keras' validation_split=0.2 holds out the last 71
    assert diabetes.sizes() == {"fit": 282, "validation": 71, "test": 89}
    np.testing.assert_allclose(diabetes.X_fit.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(diabetes.X_fit.std(axis=0), 1.0, atol=1e-5)
    assert abs(diabetes.X_test.mean()) > 1e-4  # test rows were not used for the statistics
    rows = {tuple(np.round(r, 5)) for r in diabetes.X_fit}
    assert not rows & {tuple(np.round(r, 5)) for r in diabetes.X_test}
    again = E.diabetes_split()
    assert np.array_equal(again.X_test, diabetes.X_test)
    with pytest.raises(ValueError, match="test_fraction"):
        E.diabetes_split(test_fraction=1.0)


def test_baselines_agree_with_scikit_learn(diabetes):
    base = E.regression_baselines(diabetes)
    ref = LinearRegression().fit(diabetes.X_fit.astype(float), diabetes.y_fit.astype(float))
    ref_mse = np.mean((ref.predict(diabetes.X_test.astype(float)) - diabetes.y_test) ** 2)
    assert base["linear regression"] == pytest.approx(ref_mse, rel=1e-6)
    assert base["predict the mean"] == pytest.approx(
        np.mean((diabetes.y_test - diabetes.y_fit.astype(float).mean()) ** 2), rel=1e-9
    )


def test_regression_model_is_the_chapters_and_training_lowers_the_loss(diabetes):
    model = E.regression_mlp(10)
    assert [m.out_features for m in model if isinstance(m, torch.nn.Linear)] == [128, 64, 1]
    assert sum(p.numel() for p in model.parameters()) == (10 * 128 + 128) + (128 * 64 + 64) + 65
    model, history = E.train_regression(diabetes, epochs=4)
    assert len(history.val_loss) == 4 and history.train_loss[-1] < history.train_loss[0]
    assert E.predict_numpy(model, diabetes.X_test).shape == (89,)


def test_the_chapter_classifier_listing_fails_where_the_book_says():
    errors = E.chapter_classifier_errors()
    assert [kind for _, kind, _ in errors] == [
        "RuntimeError",
        "NameError",
        "ValueError",
        "RuntimeError",
    ]
    assert "ambiguous" in errors[0][2] and "num_epochs" in errors[1][2]
    assert "target size" in errors[2][2] and "Long" in errors[3][2]


def test_corrected_classifier_learns_the_rule():
    x, y = E.classifier_data(100)
    np.testing.assert_array_equal(y[:, 0].numpy(), (x.sum(dim=1) > 0).float().numpy())
    model, losses, acc = E.train_classifier(epochs=300)
    assert losses.shape == (300,) and losses[-1] < 0.5 * losses[0]
    assert acc > 0.9  # the rule is linear: a 10-20-1 network on 100 examples should find it


def test_early_stopping_restores_the_best_epoch():
    split = E.moons_split(n_train=60, n_val=200)
    stopper = EarlyStopping(patience=5)
    model, history = E.train_moons(split, epochs=200, width=64, stopper=stopper)
    assert stopper.stopped and len(history.val_loss) < 200
    assert stopper.best_epoch == int(np.argmin(history.val_loss)) + 1
    loss = torch.nn.BCEWithLogitsLoss()
    with torch.no_grad():
        model.eval()
        restored = loss(
            model(torch.from_numpy(split.X_val)), torch.from_numpy(split.y_val)[:, None]
        ).item()
    assert restored == pytest.approx(min(history.val_loss), rel=1e-5)


def test_moons_test_set_is_a_separate_draw():
    split = E.moons_split(n_train=50, n_val=80, n_test=120, seed=3)
    assert split.sizes() == {"fit": 50, "validation": 80, "test": 120}
    seen = {tuple(r) for r in np.concatenate([split.X_fit, split.X_val])}
    assert not seen & {tuple(r) for r in split.X_test}
    again = E.moons_split(n_train=50, n_val=80, n_test=120, seed=3)
    assert np.array_equal(again.X_test, split.X_test)
    # the training and validation points do not depend on the size of the test set
    other = E.moons_split(n_train=50, n_val=80, n_test=10, seed=3)
    assert np.array_equal(other.X_fit, split.X_fit) and np.array_equal(other.X_val, split.X_val)
    with pytest.raises(ValueError, match="n_test"):
        E.moons_split(n_test=0)


def test_moons_scores_agree_with_the_loss_and_a_count():
    split = E.moons_split(n_train=40, n_val=50, n_test=60)
    model, _ = E.train_moons(split, epochs=3, width=16)
    loss, acc = E.moons_scores(model, split.X_test, split.y_test)
    with torch.no_grad():
        logits = model(torch.from_numpy(split.X_test))
    ref = torch.nn.BCEWithLogitsLoss()(logits, torch.from_numpy(split.y_test)[:, None]).item()
    assert loss == pytest.approx(ref, rel=1e-6)
    assert acc == pytest.approx(np.mean((logits[:, 0].numpy() > 0) == split.y_test))


def test_dropconnect_replaces_only_the_hidden_to_hidden_layer():
    from bigmodel_lab.optim.dropconnect import DropConnectLinear

    model = E.moons_mlp(32, dropconnect=0.4)
    kinds = [type(m).__name__ for m in model if isinstance(m, torch.nn.Linear)]
    assert kinds == ["Linear", "DropConnectLinear", "Linear"]
    assert isinstance(model[3], DropConnectLinear) and model[3].p == 0.4
    torch.manual_seed(0)
    plain = E.moons_mlp(32)
    torch.manual_seed(0)
    same = E.moons_mlp(32, dropconnect=0.4)
    same.eval()
    x = torch.randn(5, 2)
    assert torch.equal(plain(x), same(x))  # same initial weights; eval mode drops nothing
    with pytest.raises(ValueError, match="dropconnect"):
        E.moons_mlp(dropconnect=1.0)


def test_weight_decay_in_the_update_budget_runs_shrinks_the_weights():
    split = E.moons_split(n_train=30, n_val=50)
    plain = E.train_moons_updates(split, batch_size=30, updates=20, width=16)
    decayed = E.train_moons_updates(split, batch_size=30, updates=20, width=16, weight_decay=5.0)
    assert plain["train_loss"] != decayed["train_loss"]
    assert np.isfinite(decayed["val_loss"])
    again, model = E.train_moons_updates(
        split, batch_size=30, updates=20, width=16, weight_decay=5.0, return_model=True
    )
    assert again == decayed  # seeded: the same run
    assert E.moons_scores(model, split.X_val, split.y_val)[0] == pytest.approx(
        decayed["val_loss"], rel=1e-6
    )


def test_update_budget_is_exact_and_bad_batches_are_refused():
    split = E.moons_split(n_train=30, n_val=50)
    res = E.train_moons_updates(split, batch_size=7, updates=11, width=16)
    assert res["updates"] == 11 and np.isfinite(res["val_loss"])
    rows = E.batch_size_study(split, (5, 30), epochs=2, updates=3, width=16)
    assert [(r["batch size"], r["updates"]) for r in rows] == [(5, 12), (5, 3), (30, 2), (30, 3)]
    with pytest.raises(ValueError, match="batch_size"):
        E.train_moons_updates(split, batch_size=31, updates=1)
    with pytest.raises(ValueError, match="dropout"):
        E.moons_mlp(dropout=1.0)
