"""Xavier and He initialisation: torch's standard deviations, and the spread they preserve."""

import math

import pytest
import torch

from bigmodel_lab.optim.initialization import activation_spread, init_std, init_weights


@pytest.mark.parametrize("n_in, n_out", [(300, 300), (784, 256), (64, 1000)])
def test_standard_deviations_match_torch_init(n_in, n_out):
    torch.manual_seed(0)
    w = torch.empty(n_out, n_in, dtype=torch.float64)
    torch.nn.init.xavier_normal_(w)
    assert init_std("xavier", n_in, n_out) == pytest.approx(w.std().item(), rel=0.01)
    torch.nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert init_std("he", n_in, n_out) == pytest.approx(w.std().item(), rel=0.01)
    torch.nn.init.xavier_uniform_(w)
    assert w.abs().max().item() <= math.sqrt(3) * init_std("xavier", n_in, n_out) + 1e-12


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_sampled_weights_have_the_stated_spread(rng, distribution):
    W = init_weights("he", 500, 400, rng, distribution=distribution)
    assert W.shape == (400, 500)
    assert W.std() == pytest.approx(math.sqrt(2 / 500), rel=0.01)


def test_matched_schemes_keep_the_spread_and_mismatched_ones_lose_it():
    he_relu = activation_spread("he", "relu", depth=30, width=128, n=300)
    xavier_relu = activation_spread("xavier", "relu", depth=30, width=128, n=300)
    xavier_tanh = activation_spread("xavier", "tanh", depth=30, width=128, n=300)
    small_tanh = activation_spread("normal", "tanh", depth=30, width=128, n=300, std=0.01)
    # He keeps ReLU activations at a steady scale; at width 128 the random factor per layer
    # still lets the scale wander, so allow a factor 4 over 30 layers (mismatches lose 10^4+)
    assert 0.25 < he_relu[-1] / he_relu[1] < 4.0
    # Xavier under ReLU halves the second moment per layer: about 2^-15 after 30 layers
    assert xavier_relu[-1] / xavier_relu[1] < 1e-3
    assert xavier_tanh[-1] > 0.05
    assert small_tanh[-1] < 1e-20


def test_bad_arguments_are_refused(rng):
    with pytest.raises(ValueError, match="scheme"):
        init_std("lecun", 3, 3)
    with pytest.raises(ValueError, match="n_in"):
        init_std("he", 0, 3)
    with pytest.raises(ValueError, match="distribution"):
        init_weights("he", 3, 3, rng, distribution="cauchy")
    with pytest.raises(ValueError, match="activation"):
        activation_spread("he", "gelu")
