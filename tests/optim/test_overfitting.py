"""Over-fitting on the noisy moons: the network, its scores, dropout and DropConnect, early
stopping, weight decay, the update budget and the batch-size study."""

import numpy as np
import pytest
import torch

from bigmodel_lab.optim.dropconnect import DropConnectLinear
from bigmodel_lab.optim.overfitting import (
    batch_size_study,
    moons_mlp,
    moons_scores,
    single_thread,
    train_moons,
    train_moons_updates,
)
from bigmodel_lab.optim.splits import moons_split
from bigmodel_lab.training import EarlyStopping

pytestmark = pytest.mark.usefixtures("quiet_single_thread")


def test_single_thread_sets_one_thread_and_restores_the_previous_setting():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with single_thread():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        with pytest.raises(KeyError), single_thread():
            raise KeyError("restored even when the block fails")
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)


def test_early_stopping_restores_the_best_epoch():
    split = moons_split(n_train=60, n_val=200)
    stopper = EarlyStopping(patience=5)
    model, history = train_moons(split, epochs=200, width=64, stopper=stopper)
    assert stopper.stopped and len(history.val_loss) < 200
    assert stopper.best_epoch == int(np.argmin(history.val_loss)) + 1
    loss = torch.nn.BCEWithLogitsLoss()
    with torch.no_grad():
        model.eval()
        restored = loss(
            model(torch.from_numpy(split.X_val)), torch.from_numpy(split.y_val)[:, None]
        ).item()
    assert restored == pytest.approx(min(history.val_loss), rel=1e-5)


def test_moons_scores_agree_with_the_loss_and_a_count():
    split = moons_split(n_train=40, n_val=50, n_test=60)
    model, _ = train_moons(split, epochs=3, width=16)
    loss, acc = moons_scores(model, split.X_test, split.y_test)
    with torch.no_grad():
        logits = model(torch.from_numpy(split.X_test))
    ref = torch.nn.BCEWithLogitsLoss()(logits, torch.from_numpy(split.y_test)[:, None]).item()
    assert loss == pytest.approx(ref, rel=1e-6)
    assert acc == pytest.approx(np.mean((logits[:, 0].numpy() > 0) == split.y_test))


def test_dropconnect_replaces_only_the_hidden_to_hidden_layer():
    model = moons_mlp(32, dropconnect=0.4)
    kinds = [type(m).__name__ for m in model if isinstance(m, torch.nn.Linear)]
    assert kinds == ["Linear", "DropConnectLinear", "Linear"]
    assert isinstance(model[3], DropConnectLinear) and model[3].p == 0.4
    torch.manual_seed(0)
    plain = moons_mlp(32)
    torch.manual_seed(0)
    same = moons_mlp(32, dropconnect=0.4)
    same.eval()
    x = torch.randn(5, 2)
    assert torch.equal(plain(x), same(x))  # same initial weights; eval mode drops nothing
    with pytest.raises(ValueError, match="dropconnect"):
        moons_mlp(dropconnect=1.0)


def test_weight_decay_in_the_update_budget_runs_shrinks_the_weights():
    split = moons_split(n_train=30, n_val=50)
    plain = train_moons_updates(split, batch_size=30, updates=20, width=16)
    decayed = train_moons_updates(split, batch_size=30, updates=20, width=16, weight_decay=5.0)
    assert plain["train_loss"] != decayed["train_loss"]
    assert np.isfinite(decayed["val_loss"])
    again, model = train_moons_updates(
        split, batch_size=30, updates=20, width=16, weight_decay=5.0, return_model=True
    )
    assert again == decayed  # seeded: the same run
    assert moons_scores(model, split.X_val, split.y_val)[0] == pytest.approx(
        decayed["val_loss"], rel=1e-6
    )


def test_update_budget_is_exact_and_bad_batches_are_refused():
    split = moons_split(n_train=30, n_val=50)
    res = train_moons_updates(split, batch_size=7, updates=11, width=16)
    assert res["updates"] == 11 and np.isfinite(res["val_loss"])
    rows = batch_size_study(split, (5, 30), epochs=2, updates=3, width=16)
    assert [(r["batch size"], r["updates"]) for r in rows] == [(5, 12), (5, 3), (30, 2), (30, 3)]
    with pytest.raises(ValueError, match="batch_size"):
        train_moons_updates(split, batch_size=31, updates=1)
    with pytest.raises(ValueError, match="dropout"):
        moons_mlp(dropout=1.0)
