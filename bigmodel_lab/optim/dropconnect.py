"""DropConnect: drop weights, not units (Wan et al., 2013), as a drop-in ``nn.Linear``.

Dropout zeroes each *output* of a layer with probability p. DropConnect zeroes each *weight*
W_ij with probability p instead, so a unit loses some of its inputs rather than all of its
output. As with inverted dropout, the surviving weights are scaled by 1/(1 − p), which makes
E[W ⊙ M / (1 − p)] = W: in eval mode the layer is an ordinary ``nn.Linear``.

One mask is drawn per forward pass and shared by the whole mini-batch (the cheap variant;
Wan et al. draw one per example and approximate the average at test time by sampling). The
bias is not dropped.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class DropConnectLinear(nn.Linear):
    """y = x (W ⊙ M)ᵀ / (1 − p) + b in training, M_ij ~ Bernoulli(1 − p); y = x Wᵀ + b in eval.

    Shapes as ``nn.Linear``: x (..., in_features) -> y (..., out_features).
    """

    def __init__(self, in_features: int, out_features: int, p: float = 0.5, bias: bool = True):
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
            raise ValueError(
                f"p: expected a drop probability in [0, 1), got {p!r}; p = 1 would drop every "
                "weight."
            )
        super().__init__(in_features, out_features, bias=bias)
        self.p = float(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return F.linear(x, self.weight, self.bias)
        keep = torch.rand_like(self.weight) >= self.p
        return F.linear(x, self.weight * keep / (1.0 - self.p), self.bias)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, p={self.p}"
