"""A per-batch learning-rate schedule driven through fit()."""

from __future__ import annotations

import pytest
import torch

from bigmodel_lab.mnist.batches import TensorBatches
from bigmodel_lab.mnist.schedule import StepEveryBatch, one_cycle
from bigmodel_lab.training import fit


def test_the_rate_follows_the_scheduler_step_by_step():
    torch.manual_seed(0)
    a, b = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    b.load_state_dict(a.state_dict())
    wrapped = one_cycle(a, max_lr=0.01, total_steps=12, optimizer="adam", weight_decay=0.0)
    ref_opt = torch.optim.Adam(b.parameters(), lr=0.01)
    ref_sched = torch.optim.lr_scheduler.OneCycleLR(ref_opt, max_lr=0.01, total_steps=12)
    x, y = torch.randn(4, 3), torch.randn(4, 2)
    rates = []
    for _ in range(12):
        for model, opt in ((a, wrapped), (b, ref_opt)):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
        wrapped.step()
        ref_opt.step()
        ref_sched.step()
        rates.append(wrapped.lr())
        assert wrapped.lr() == ref_opt.param_groups[0]["lr"]
    assert torch.equal(a.weight, b.weight)
    peak = rates.index(max(rates))
    assert 0 < peak < 11 and rates[-1] < rates[0] < rates[peak]


def test_sgd_variant_uses_nesterov_momentum_and_weight_decay():
    opt = one_cycle(torch.nn.Linear(2, 2), max_lr=0.1, total_steps=5)
    group = opt.param_groups[0]
    assert isinstance(opt.optimizer, torch.optim.SGD)
    assert group["nesterov"] and group["weight_decay"] == 5e-4 and group["momentum"] > 0


def test_fit_accepts_the_wrapper_and_steps_once_per_batch():
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 3)
    batches = TensorBatches(torch.randn(40, 4), torch.randint(0, 3, (40,)), 8)
    opt = one_cycle(model, max_lr=0.05, total_steps=2 * len(batches))
    fit(model, batches, opt, torch.nn.CrossEntropyLoss(), epochs=2)
    assert opt.scheduler.last_epoch == 2 * len(batches)
    with pytest.raises(ValueError):  # one step beyond the planned total is refused
        opt.step()


def test_bad_arguments_are_refused():
    model = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="max_lr"):
        one_cycle(model, 0.0, 10)
    with pytest.raises(ValueError, match="total_steps"):
        one_cycle(model, 0.1, 0)
    with pytest.raises(ValueError, match="optimizer"):
        one_cycle(model, 0.1, 10, optimizer="rmsprop")
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    other = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler"):
        StepEveryBatch(opt, torch.optim.lr_scheduler.StepLR(other, 1))
    with pytest.raises(TypeError, match="optimizer"):
        StepEveryBatch("adam", None)
