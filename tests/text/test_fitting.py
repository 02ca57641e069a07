"""fit_best keeps the weights of the epoch with the best validation score."""

import copy

import pytest
import torch
from torch import nn

from bigmodel_lab.text.fitting import fit_best


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
    history, best = fit_best(
        model, loader, opt, nn.NLLLoss(), epochs=4, val_loader=loader, val_metric=metric
    )
    assert best == 2, "ties go to the earlier epoch"
    assert history.val_acc == [0.5, 0.9, 0.7, 0.9] and len(history.train_loss) == 4
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(tensor, snapshots[1][name])
    assert not torch.equal(snapshots[1]["0.weight"], snapshots[3]["0.weight"])


def test_without_a_metric_the_loader_accuracy_decides():
    model, loader = _setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    history, best = fit_best(model, loader, opt, nn.NLLLoss(), epochs=3, val_loader=loader)
    assert history.val_acc[best - 1] == max(history.val_acc)


def test_bad_arguments_are_refused():
    model, loader = _setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    with pytest.raises(ValueError, match="epochs: expected a positive int"):
        fit_best(model, loader, opt, nn.NLLLoss(), epochs=0, val_loader=loader)
    with pytest.raises(ValueError, match="val_loader: required"):
        fit_best(model, loader, opt, nn.NLLLoss(), epochs=1, val_loader=None)
