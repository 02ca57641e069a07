"""Early stopping on scripted metric histories."""

import pytest

from bigmodel_lab.optim import EarlyStopping, stopping_epoch


def test_stops_after_patience_epochs_without_improvement():
    losses = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9]
    assert stopping_epoch(losses, patience=3) == (6, 3)
    assert stopping_epoch(losses, patience=4) == (7, 3)
    assert stopping_epoch(losses, patience=5) == (None, 3)


def test_min_delta_ignores_tiny_improvements():
    losses = [1.0, 0.999, 0.998, 0.997]
    assert stopping_epoch(losses, patience=2) == (None, 4)
    assert stopping_epoch(losses, patience=2, min_delta=0.01) == (3, 1)


def test_max_mode_for_accuracies():
    assert stopping_epoch([0.5, 0.7, 0.69, 0.7, 0.6], patience=3, mode="max") == (5, 2)


def test_snapshot_keeps_the_best_state():
    state = {"w": 0}
    stopper = EarlyStopping(patience=2, snapshot=lambda: dict(state))
    for epoch, loss in enumerate([3.0, 2.0, 2.5, 2.6], start=1):
        state["w"] = epoch
        stopped = stopper.update(loss)
    assert stopped and stopper.best_state == {"w": 2} and stopper.best == 2.0


def test_bad_use_is_refused():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="lowest")
    stopper = EarlyStopping(patience=1)
    with pytest.raises(ValueError, match="diverged"):
        stopper.update(float("nan"))
    stopper.update(1.0)
    stopper.update(2.0)
    with pytest.raises(RuntimeError, match="already"):
        stopper.update(0.5)
