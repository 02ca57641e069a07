"""nn.Module drop-ins built from the kernels, and the MNIST CNN of the source chapter.

``MnistCNN`` is the network of *Large models: from data to business value* §5.2, with every
layer but dropout running through this package's Triton kernels:

=========  ===================================  =====================  ===================
layer      operation                            parameter              shape
=========  ===================================  =====================  ===================
conv       Conv 32@3x3, stride 1, no padding    ``conv.weight``        (32, 1, 3, 3)
           then ReLU                            ``conv.bias``          (32,)
pool       2x2 max-pool: 26x26 -> 13x13         (none)
flatten    (N, 32, 13, 13) -> (N, 5408)         (none)
fc1        dense 64, ReLU fused                 ``fc1.weight``         (64, 5408)
                                                ``fc1.bias``           (64,)
dropout    p = 0.5 (training only; torch's)     (none)
fc2        dense 10 -> logits                   ``fc2.weight``         (10, 64)
                                                ``fc2.bias``           (10,)
=========  ===================================  =====================  ===================

The chapter ends with a softmax layer and categorical cross-entropy; here the network returns
the logits and the softmax lives inside the loss (``kernels.cross_entropy``), which is the same
mathematics computed stably. ``MnistCNNTorch`` is the same network in plain PyTorch with the
same parameter names and shapes, so a state_dict moves between the two in either direction.
Dropout is torch's own ``nn.Dropout`` in both: it draws random numbers, and sharing torch's
generator keeps the two networks identical in training mode too.
"""

from __future__ import annotations

import torch
from torch import nn

from .conv2d import conv2d
from .linear import ACTIVATIONS, linear
from .max_pool2d import max_pool2d
from .relu import relu

#: MNIST CNN sizes: 28x28 input, 3x3 convolution -> 26x26, 2x2 pooling -> 13x13.
MNIST_SHAPE = (1, 28, 28)
CONV_CHANNELS, KERNEL, HIDDEN, CLASSES = 32, 3, 64, 10
FLAT = CONV_CHANNELS * 13 * 13  # 5408


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


def _check_images(x) -> None:
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or tuple(x.shape[1:]) != MNIST_SHAPE:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(
            f"x: expected a batch of MNIST images of shape (N, 1, 28, 28), got "
            f"{shape}; add the channel axis with x.unsqueeze(1) if it is missing."
        )


class MnistCNN(nn.Module):
    """The MNIST CNN of 001 §5.2 on Triton kernels; returns logits of shape (N, 10).

    Parameter names and shapes: conv.weight (32, 1, 3, 3), conv.bias (32,),
    fc1.weight (64, 5408), fc1.bias (64,), fc2.weight (10, 64), fc2.bias (10,).
    """

    def __init__(self, dropout: float = 0.5, device=None, dtype=None):
        super().__init__()
        self.conv = Conv2d(1, CONV_CHANNELS, KERNEL, device=device, dtype=dtype)
        self.fc1 = Linear(FLAT, HIDDEN, activation="relu", device=device, dtype=dtype)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = Linear(HIDDEN, CLASSES, device=device, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x)
        h = max_pool2d(relu(self.conv(x)), 2)
        h = self.fc1(h.reshape(h.shape[0], FLAT))
        return self.fc2(self.dropout(h))


class MnistCNNTorch(nn.Module):
    """The same network in plain PyTorch, with the same parameter names and shapes."""

    def __init__(self, dropout: float = 0.5, device=None, dtype=None):
        super().__init__()
        self.conv = nn.Conv2d(1, CONV_CHANNELS, KERNEL, device=device, dtype=dtype)
        self.fc1 = nn.Linear(FLAT, HIDDEN, device=device, dtype=dtype)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(HIDDEN, CLASSES, device=device, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x)
        h = nn.functional.max_pool2d(torch.relu(self.conv(x)), 2)
        h = torch.relu(self.fc1(h.reshape(h.shape[0], FLAT)))
        return self.fc2(self.dropout(h))


def parameter_table(model: nn.Module) -> list[tuple[str, tuple[int, ...], int]]:
    """(name, shape, number of values) for every parameter, in registration order."""
    return [(name, tuple(p.shape), p.numel()) for name, p in model.named_parameters()]


assert FLAT == CONV_CHANNELS * ((28 - KERNEL + 1) // 2) ** 2, "MNIST sizes are inconsistent"
