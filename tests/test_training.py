import warnings

import numpy as np
import pytest
import torch

from bigmodel_lab import kernels, progress, training
from bigmodel_lab.training import History, evaluate, fit, predict, seed_everything


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
    with pytest.raises(ValueError, match="positive number of epochs"):
        fit(model, toy_loader(), opt, torch.nn.functional.cross_entropy, epochs=0)


def test_seed_everything_makes_runs_repeatable():
    seed_everything(3)
    a = (torch.rand(3), np.random.rand(2))  # noqa: NPY002 - the legacy global seed is tested
    seed_everything(3)
    b = (torch.rand(3), np.random.rand(2))  # noqa: NPY002
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@pytest.mark.parametrize("value, on", [("0", False), ("off", False), ("1", True), ("", True)])
def test_progress_switch(monkeypatch, value, on):
    monkeypatch.setenv("BIGMODEL_LAB_PROGRESS", value)
    assert progress.enabled() is on
    bar = progress.progress(range(3))
    assert bar.disable is (not on)
    assert list(bar) == [0, 1, 2]


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
        assert "Triton's CPU interpreter" in messages[0] and "MnistCNNTorch" in messages[0]
    else:
        assert messages == []
