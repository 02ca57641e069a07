"""nn.Module drop-ins built from the kernels: ``Linear`` (with a fused activation), ``Conv2d``.

Each creates and initialises its parameters exactly as the torch layer it replaces, so the
two load each other's state_dict. Chapter 6 builds chapter 4's CNN from them
(:mod:`bigmodel_lab.kernel_cnn`).
"""

from __future__ import annotations

import torch
from torch import nn

from .conv2d import conv2d
from .linear import ACTIVATIONS, linear


class Linear(nn.Module):
    """Like ``torch.nn.Linear`` followed by an optional activation, computed by one kernel.

    Parameters ``weight`` (out_features, in_features) and ``bias`` (out_features,) are created
    and initialised exactly as ``nn.Linear`` does, so the two load each other's state_dict.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        activation: str | None = None,
        device=None,
        dtype=None,
    ):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation: expected one of {list(ACTIVATIONS)}, got {activation!r}."
            )
        ref = nn.Linear(in_features, out_features, bias=bias, device=device, dtype=dtype)
        self.in_features, self.out_features, self.activation = in_features, out_features, activation
        self.weight = ref.weight
        self.register_parameter("bias", ref.bias if bias else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return linear(x, self.weight, self.bias, self.activation)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}, activation={self.activation!r}"
        )


class Conv2d(nn.Module):
    """Like ``torch.nn.Conv2d`` with stride 1 and no padding, computed by the conv2d kernels."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        bias: bool = True,
        device=None,
        dtype=None,
    ):
        super().__init__()
        ref = nn.Conv2d(
            in_channels, out_channels, kernel_size, bias=bias, device=device, dtype=dtype
        )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = ref.kernel_size
        self.weight = ref.weight
        self.register_parameter("bias", ref.bias if bias else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return conv2d(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"bias={self.bias is not None}"
        )
