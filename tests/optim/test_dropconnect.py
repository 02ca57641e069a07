"""DropConnect: an nn.Linear in eval mode, unbiased in training, masked weights get no gradient."""

import pytest
import torch
from torch import nn

from bigmodel_lab.optim.dropconnect import DropConnectLinear


def layer(p, seed=0):
    torch.manual_seed(seed)
    dc = DropConnectLinear(6, 4, p=p)
    ref = nn.Linear(6, 4)
    ref.load_state_dict(dc.state_dict())
    return dc, ref


@pytest.mark.parametrize("p", [0.0, 0.3, 0.7])
def test_eval_mode_is_the_plain_linear_layer(p):
    dc, ref = layer(p)
    x = torch.randn(5, 6)
    dc.eval()
    assert torch.equal(dc(x), ref(x))


@pytest.mark.parametrize("p", [0.25, 0.5])
def test_training_output_is_unbiased_and_drops_about_p_of_the_weights(p):
    dc, ref = layer(p)
    x = torch.randn(3, 6, dtype=torch.float64)
    dc, ref = dc.double(), ref.double()
    dc.train()
    torch.manual_seed(1)
    outs = torch.stack([dc(x) for _ in range(20000)])
    # the mean over masks tends to the plain layer's output (standard error ~ 1/sqrt(20000))
    assert torch.allclose(outs.mean(0), ref(x), atol=0.03)
    assert not torch.allclose(outs[0], outs[1])  # a new mask each forward pass


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_dropped_weights_get_no_gradient_and_kept_ones_are_scaled(p):
    dc, _ = layer(p)
    dc.train()
    x = torch.randn(8, 6)
    torch.manual_seed(3)
    dc(x).sum().backward()
    torch.manual_seed(3)
    keep = torch.rand_like(dc.weight) >= p  # the same mask, drawn again
    expected = keep * x.sum(0)[None, :].expand_as(dc.weight) / (1 - p)
    assert torch.allclose(dc.weight.grad, expected, atol=1e-5)
    assert torch.all(dc.weight.grad[~keep] == 0)
    assert 0 < keep.float().mean() < 1


def test_bad_drop_probabilities_are_refused():
    for p in (1.0, -0.1, True, "0.5"):
        with pytest.raises(ValueError, match="drop probability"):
            DropConnectLinear(3, 2, p=p)
