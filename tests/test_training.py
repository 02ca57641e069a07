import copy
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from bigmodel_lab import kernels, training
from bigmodel_lab.optim.schedules import one_cycle
from bigmodel_lab.training import (
    EarlyStopping,
    History,
    evaluate,
    fit,
    predict,
    seed_everything,
    stopping_epoch,
)


def toy_loader(n=64, batch=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=g)
    y = (X[:, 0] + X[:, 1] > 0).long()
    return [(X[i : i + batch], y[i : i + batch]) for i in range(0, n, batch)]


def test_fit_learns_a_separable_problem_and_records_history():
    seed_everything(0)
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    loader = toy_loader()
    history = fit(
        model, loader, opt, torch.nn.functional.cross_entropy, epochs=5, val_loader=loader
    )
    assert len(history.train_loss) == len(history.val_acc) == 5
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_acc[-1] >= 0.9
    assert list(history.as_frame().index) == [1, 2, 3, 4, 5]


def test_evaluate_counts_binary_logits_and_class_scores_the_same_way():
    logits = torch.tensor([[2.0], [-1.0], [0.5]])
    target = torch.tensor([[1.0], [1.0], [0.0]])
    loader = [(logits, target)]
    _, acc = evaluate(
        torch.nn.Identity(), loader, torch.nn.functional.binary_cross_entropy_with_logits
    )
    assert acc == pytest.approx(1 / 3)
    scores = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
    _, acc = evaluate(
        torch.nn.Identity(), [(scores, torch.tensor([1, 1]))], torch.nn.functional.cross_entropy
    )
    assert acc == 0.5


def test_predict_concatenates_in_order():
    out, tgt = predict(torch.nn.Identity(), toy_loader())
    assert out.shape == (64, 2) and tgt.shape == (64,)


def test_a_diverging_run_stops_with_a_clear_error():
    model = torch.nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.fill_(float("nan"))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        fit(model, toy_loader(), opt, torch.nn.functional.cross_entropy, epochs=1)


def test_empty_loader_and_bad_epochs_are_refused():
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, [], opt, torch.nn.functional.cross_entropy, epochs=1)
    with pytest.raises(ValueError, match="epochs: expected a whole number >= 1"):
        fit(model, toy_loader(), opt, torch.nn.functional.cross_entropy, epochs=0)


def test_seed_everything_makes_runs_repeatable():
    seed_everything(3)
    a = (torch.rand(3), np.random.rand(2))  # noqa: NPY002 - the legacy global seed is tested
    seed_everything(3)
    b = (torch.rand(3), np.random.rand(2))  # noqa: NPY002
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_history_frame_has_validation_columns_only_when_present():
    h = History(train_loss=[1.0], train_acc=[0.5])
    assert list(h.as_frame().columns) == ["train_loss", "train_acc"]


@pytest.mark.parametrize("kernel_layers", [True, False], ids=["kernel layers", "torch layers"])
def test_an_epoch_of_interpreted_kernels_that_will_take_long_is_announced_once(
    monkeypatch, kernel_layers
):
    monkeypatch.setattr(training, "_warned_long_epoch", False)
    monkeypatch.setattr(training, "LONG_EPOCH_S", 1e-9)  # any epoch counts as long
    layer = kernels.Linear(2, 2) if kernel_layers else torch.nn.Linear(2, 2)
    model = torch.nn.Sequential(layer).to(kernels.DEVICE)
    loader = [(x.to(kernels.DEVICE), y.to(kernels.DEVICE)) for x, y in toy_loader()]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(model, loader, opt, torch.nn.functional.cross_entropy, epochs=2)
    messages = [str(w.message) for w in caught if "train_epoch:" in str(w.message)]
    if kernel_layers and kernels.INTERPRETED:
        assert len(messages) == 1, messages
        assert "this epoch of 4 batches will take about" in messages[0]
        assert "Triton's CPU interpreter" in messages[0] and "ChapterCNN" in messages[0]
    else:
        assert messages == []


# -- keeping the best epoch ---------------------------------------------------------------------


def _setup():
    torch.manual_seed(0)
    x = torch.randn(32, 3)
    y = (x[:, 0] > 0).long()
    loader = [(x[:16], y[:16]), (x[16:], y[16:])]
    model = nn.Sequential(nn.Linear(3, 2), nn.LogSoftmax(dim=1))
    return model, loader


def test_the_best_epochs_weights_are_restored_and_recorded():
    model, loader = _setup()
    scores = iter([0.5, 0.9, 0.7, 0.9])
    snapshots = []

    def metric(m):
        snapshots.append(copy.deepcopy(m.state_dict()))
        return next(scores)

    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    history = fit(
        model,
        loader,
        opt,
        nn.NLLLoss(),
        epochs=4,
        val_loader=loader,
        val_metric=metric,
        keep="best",
    )
    assert history.kept_epoch == 2, "ties go to the earlier epoch"
    assert history.val_acc == [0.5, 0.9, 0.7, 0.9] and len(history.train_loss) == 4
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(tensor, snapshots[1][name])
    assert not torch.equal(snapshots[1]["0.weight"], snapshots[3]["0.weight"])


def test_without_a_metric_the_loader_accuracy_decides():
    model, loader = _setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    history = fit(model, loader, opt, nn.NLLLoss(), epochs=3, val_loader=loader, keep="best")
    assert history.val_acc[history.kept_epoch - 1] == max(history.val_acc)


def test_keep_last_holds_the_last_epoch():
    model, loader = _setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    history = fit(model, loader, opt, nn.NLLLoss(), epochs=3, val_loader=loader)
    assert history.kept_epoch == 3


# -- early stopping ------------------------------------------------------------------------------


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


def test_fit_stops_early_and_restores_the_epoch_with_the_lowest_validation_loss():
    model, loader = _setup()
    flipped = [(x, 1 - y) for x, y in loader]  # the better the fit, the worse this loss gets
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    stopper = EarlyStopping(patience=2, snapshot=lambda: copy.deepcopy(model.state_dict()))
    history = fit(model, loader, opt, nn.NLLLoss(), epochs=50, val_loader=flipped, stopper=stopper)
    best = int(np.argmin(history.val_loss)) + 1
    assert history.kept_epoch == stopper.best_epoch == best
    assert len(history.val_loss) == best + 2 < 50, "stopped after 2 epochs without improvement"
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(tensor, stopper.best_state[name])


def test_a_stopper_in_max_mode_watches_the_validation_score():
    model, loader = _setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    stopper = EarlyStopping(patience=1, mode="max")
    history = fit(model, loader, opt, nn.NLLLoss(), epochs=30, val_loader=loader, stopper=stopper)
    assert history.kept_epoch == stopper.best_epoch
    assert history.val_acc[stopper.best_epoch - 1] == max(history.val_acc)


# -- schedules ------------------------------------------------------------------------------------


def test_a_per_batch_schedule_steps_after_every_batch_as_torch_does():
    torch.manual_seed(0)
    a, b = nn.Linear(4, 3), nn.Linear(4, 3)
    b.load_state_dict(a.state_dict())
    loader = toy_loader(n=40, batch=8)
    loader = [(x.repeat(1, 2), y % 3) for x, y in loader]
    opt, schedule = one_cycle(a, max_lr=0.05, total_steps=2 * len(loader))
    fit(a, loader, opt, nn.functional.cross_entropy, epochs=2, scheduler=schedule,
        scheduler_step="batch")  # fmt: skip
    ref_opt, ref_schedule = one_cycle(b, max_lr=0.05, total_steps=2 * len(loader))
    rates = []
    for _ in range(2):
        for x, y in loader:
            ref_opt.zero_grad()
            nn.functional.cross_entropy(b(x), y).backward()
            ref_opt.step()
            ref_schedule.step()
            rates.append(ref_opt.param_groups[0]["lr"])
    assert schedule.last_epoch == ref_schedule.last_epoch == 2 * len(loader)
    torch.testing.assert_close(a.weight, b.weight)
    peak = rates.index(max(rates))
    assert 0 < peak < len(rates) - 1 and rates[-1] < rates[0] < rates[peak]


def test_a_per_epoch_schedule_steps_once_an_epoch():
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    fit(model, toy_loader(), opt, nn.functional.cross_entropy, epochs=3, scheduler=schedule)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.125)


def test_one_cycle_builds_sgd_with_nesterov_momentum_and_weight_decay():
    opt, schedule = one_cycle(nn.Linear(2, 2), max_lr=0.1, total_steps=5)
    group = opt.param_groups[0]
    assert isinstance(opt, torch.optim.SGD) and schedule.optimizer is opt
    assert group["nesterov"] and group["weight_decay"] == 5e-4 and group["momentum"] > 0
    opt, _ = one_cycle(nn.Linear(2, 2), max_lr=0.1, total_steps=5, optimizer="adam")
    assert isinstance(opt, torch.optim.Adam)


def test_bad_options_are_refused():
    model, loader = _setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    other = torch.optim.SGD(model.parameters(), lr=0.5)
    loss = nn.NLLLoss()
    with pytest.raises(ValueError, match="epochs: expected a whole number >= 1"):
        fit(model, loader, opt, loss, epochs=0)
    with pytest.raises(ValueError, match="val_loader: keep='best'"):
        fit(model, loader, opt, loss, epochs=1, keep="best")
    with pytest.raises(ValueError, match="val_loader"):
        fit(model, loader, opt, loss, epochs=1, stopper=EarlyStopping())
    with pytest.raises(ValueError, match="keep: expected 'last' or 'best'"):
        fit(model, loader, opt, loss, epochs=1, keep="first")
    with pytest.raises(ValueError, match="scheduler_step"):
        fit(model, loader, opt, loss, epochs=1, scheduler_step="step")
    with pytest.raises(ValueError, match="scheduler: it must have been built for this optimizer"):
        fit(model, loader, opt, loss, epochs=1, scheduler=torch.optim.lr_scheduler.StepLR(other, 1))
    with pytest.raises(TypeError, match="stopper: expected an EarlyStopping"):
        fit(model, loader, opt, loss, epochs=1, val_loader=loader, stopper=5)
    with pytest.raises(ValueError, match="max_lr"):
        one_cycle(model, 0.0, 10)
    with pytest.raises(ValueError, match="total_steps"):
        one_cycle(model, 0.1, 0)
    with pytest.raises(ValueError, match="optimizer"):
        one_cycle(model, 0.1, 10, optimizer="rmsprop")
