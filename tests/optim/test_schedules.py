"""Each schedule against the torch.optim.lr_scheduler it mirrors, value by value."""

import math
import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as L

from bigmodel_lab.optim import schedules as S


def torch_lrs(make_scheduler, base_lr, steps):
    """The learning rate torch's optimiser uses at steps 0..steps-1."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_scheduler(opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return np.array(out)


CASES = {
    "step": (S.StepDecay(0.1, step_size=7, gamma=0.5), lambda o: L.StepLR(o, 7, gamma=0.5)),
    "step-default": (S.StepDecay(0.3, step_size=10), lambda o: L.StepLR(o, 10)),
    "exponential": (S.ExponentialDecay(0.1, gamma=0.95), lambda o: L.ExponentialLR(o, 0.95)),
    # past T_max both rise again; compare over three half-periods
    "cosine": (
        S.CosineAnnealing(0.1, T_max=20, eta_min=0.001),
        lambda o: L.CosineAnnealingLR(o, T_max=20, eta_min=0.001),
    ),
    "warmup": (
        S.LinearWarmup(0.05, warmup_steps=10, start_factor=0.2),
        lambda o: L.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=10),
    ),
    "warmup-cosine": (
        S.WarmupCosine(0.1, warmup_steps=5, total_steps=40, start_factor=0.1, eta_min=0.002),
        lambda o: L.SequentialLR(
            o,
            [
                L.LinearLR(o, 0.1, 1.0, total_iters=5),
                L.CosineAnnealingLR(o, T_max=35, eta_min=0.002),
            ],
            milestones=[5],
        ),
    ),
    "constant": (S.Constant(0.02), lambda o: L.LambdaLR(o, lambda t: 1.0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_schedule_matches_torch_scheduler(name):
    schedule, make = CASES[name]
    ours = S.values(schedule, 60)
    np.testing.assert_allclose(ours, torch_lrs(make, schedule.base_lr, 60), rtol=1e-12, atol=1e-15)
    assert len(set(np.round(ours, 12))) > (1 if name != "constant" else 0)


def test_closed_forms_at_landmarks():
    cos = S.CosineAnnealing(0.1, T_max=50, eta_min=0.01)
    assert cos(0) == pytest.approx(0.1) and cos(50) == pytest.approx(0.01)
    assert cos(25) == pytest.approx((0.1 + 0.01) / 2)
    warm = S.LinearWarmup(1.0, warmup_steps=4, start_factor=0.2)
    assert [warm(t) for t in range(6)] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0])
    step = S.StepDecay(1.0, step_size=3, gamma=0.1)
    assert [step(t) for t in (0, 2, 3, 5, 6)] == pytest.approx([1, 1, 0.1, 0.1, 0.01])
    assert S.ExponentialDecay(2.0, 0.5)(3) == pytest.approx(0.25)
    wc = S.WarmupCosine(1.0, warmup_steps=10, total_steps=30)
    assert wc(10) == pytest.approx(1.0) and wc(30) == pytest.approx(0.0, abs=1e-15)
    assert wc(20) == pytest.approx(0.5 * (1 + math.cos(math.pi / 2)))


def test_every_schedule_states_its_formula():
    for cls in (
        S.Constant,
        S.StepDecay,
        S.ExponentialDecay,
        S.CosineAnnealing,
        S.LinearWarmup,
        S.WarmupCosine,
    ):
        assert "η" in cls.formula, cls.__name__


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="base_lr"):
        S.StepDecay(-0.1, step_size=3)
    with pytest.raises(ValueError, match="step_size"):
        S.StepDecay(0.1, step_size=0)
    with pytest.raises(ValueError, match="gamma"):
        S.ExponentialDecay(0.1, gamma=1.5)
    with pytest.raises(ValueError, match="eta_min"):
        S.CosineAnnealing(0.1, T_max=10, eta_min=0.2)
    with pytest.raises(ValueError, match="total_steps"):
        S.WarmupCosine(0.1, warmup_steps=10, total_steps=10)
    with pytest.raises(ValueError, match="t:"):
        S.Constant(0.1)(-1)
    with pytest.raises(TypeError, match="t:"):
        S.Constant(0.1)(1.5)
