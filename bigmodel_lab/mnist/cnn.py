"""The MNIST convolutional networks of chapter 4, in PyTorch, and their size arithmetic.

:class:`ChapterCNN` is the network of *Large models: from data to business value* §5.2:

    input (1, 28, 28)
    conv   32 filters 3×3, stride 1, no padding, ReLU   -> (32, 26, 26)
    pool   2×2 max, stride 2                            -> (32, 13, 13)
    flatten                                             -> 5408
    fc1    dense 64, ReLU, dropout 0.5                  -> 64
    fc2    dense 10 (logits; softmax lives in the loss) -> 10

Module names ``conv``, ``fc1`` and ``fc2`` are fixed: chapter 6's
``bigmodel_lab.kernel_cnn.KernelCNN`` uses the same ones, so a ``state_dict`` moves between the two. The chapter's Keras model ends in a
softmax layer and trains with categorical cross-entropy; here the last layer returns logits
and ``torch.nn.CrossEntropyLoss`` applies log-softmax and the negative log-likelihood in one
numerically stable step. The model's probabilities are ``softmax(logits)``.

:class:`ImprovedCNN` adds what the chapter's "one change" experiments measured as useful:
input normalisation, a second convolution, batch normalisation, and (in training) random
shifts of the input.
"""

from __future__ import annotations

import torch
from torch import nn


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a convolution or pooling window along one axis: ⌊(n + 2p - k)/s⌋ + 1."""
    for name, value in (("size", size), ("kernel", kernel), ("stride", stride)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}.")
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding: expected a non-negative integer, got {padding!r}.")
    span = size + 2 * padding - kernel
    if span < 0:
        raise ValueError(
            f"kernel: a window of {kernel} does not fit in {size} + 2×{padding} "
            "positions; pad the input or use a smaller kernel."
        )
    return span // stride + 1


class _MaxPool2x2Function(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        # PyTorch's CPU max-pool is several times faster on channels-last tensors
        xc = x.contiguous(memory_format=torch.channels_last)
        out, idx = torch.nn.functional.max_pool2d(xc, 2, return_indices=True)
        ctx.save_for_backward(idx)
        ctx.input_shape = x.shape
        # hand back the standard layout: later layers mixing layouts take slow strided paths
        return out.contiguous()

    @staticmethod
    def backward(ctx, grad_out):
        # ``idx`` holds each winner's flat position h·W + w in its (H, W) plane, so the gradient
        # scatters straight into a standard-layout tensor (the channels-last autograd path
        # would copy the full-size gradient twice)
        (idx,) = ctx.saved_tensors
        n, c, h, w = ctx.input_shape
        grad_in = torch.zeros((n, c, h * w), dtype=grad_out.dtype, device=grad_out.device)
        grad_in.scatter_(2, idx.reshape(n, c, -1), grad_out.reshape(n, c, -1))
        return grad_in.view(n, c, h, w)


class MaxPool2x2(nn.Module):
    """2×2 max-pooling with stride 2, exactly ``nn.MaxPool2d(2)`` (values and gradients).

    out[n, c, i, j] = max over the window x[n, c, 2i:2i+2, 2j:2j+2]; odd sizes round down.
    The gradient goes to the window's maximum (the first one in reading order on ties), as in
    PyTorch. Only the memory layout of the computation differs, which makes a training step of
    the chapter's CNN about a quarter faster on a CPU; the tests check equality with PyTorch's.
    """

    def forward(self, x):
        if x.ndim != 4:
            raise ValueError(f"x: expected a batch of shape (N, C, H, W), got {tuple(x.shape)}.")
        return _MaxPool2x2Function.apply(x)


class Standardize(nn.Module):
    """Fixed input normalisation x ↦ (x - mean) / std, stored as buffers (saved with the model)."""

    def __init__(self, mean: float, std: float):
        super().__init__()
        if not std > 0:
            raise ValueError(f"std: expected a positive standard deviation, got {std!r}.")
        self.register_buffer("mean", torch.tensor(float(mean)))
        self.register_buffer("std", torch.tensor(float(std)))

    def forward(self, x):
        return (x - self.mean) / self.std


class ChapterCNN(nn.Module):
    """Conv 32@3×3 + ReLU, 2×2 max-pool, dense 64 + ReLU, dropout 0.5, dense 10 (logits).

    Options for the one-change experiments (all off by default, which is the chapter's model):
    ``normalize=(mean, std)`` standardises the input; ``batch_norm`` adds BatchNorm after the
    convolution; ``second_conv`` adds a conv 64@3×3 + ReLU + 2×2 max-pool block.
    ``in_channels`` and ``size`` (a square side) fit the same layers to other images, such as
    the RGB images an image folder yields.
    """

    def __init__(
        self,
        *,
        normalize: tuple[float, float] | None = None,
        batch_norm: bool = False,
        second_conv: bool = False,
        dropout: float = 0.5,
        in_channels: int = 1,
        size: int = 28,
    ):
        super().__init__()
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout: expected a probability in [0, 1), got {dropout!r}.")
        if isinstance(in_channels, bool) or not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f"in_channels: expected a positive integer, got {in_channels!r}.")
        self.normalize = Standardize(*normalize) if normalize is not None else nn.Identity()
        self.conv = nn.Conv2d(in_channels, 32, kernel_size=3)
        self.bn = nn.BatchNorm2d(32) if batch_norm else nn.Identity()
        self.conv_relu = nn.ReLU()
        self.pool = MaxPool2x2()
        side = conv_output_size(conv_output_size(size, 3), 2, stride=2)  # 28: 26 -> 13
        channels = 32
        if second_conv:
            self.conv2 = nn.Sequential(nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(), MaxPool2x2())
            side = conv_output_size(conv_output_size(side, 3), 2, stride=2)  # 13 -> 11 -> 5
            channels = 64
        else:
            self.conv2 = nn.Identity()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(channels * side * side, 64)
        self.fc1_relu = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.conv_relu(self.bn(self.conv(self.normalize(x)))))
        x = self.flatten(self.conv2(x))
        return self.fc2(self.dropout(self.fc1_relu(self.fc1(x))))


class ImprovedCNN(nn.Module):
    """Two padded conv blocks with batch norm on standardised input, then a small dense head.

        standardise -> conv 16@3×3 (pad 1) BN ReLU, max-pool 2  -> (16, 14, 14)
                    -> conv 32@3×3 (pad 1) BN ReLU, max-pool 2  -> (32, 7, 7)
                    -> dense 128 ReLU, dropout 0.3 -> dense 10 (logits)

    The convolutions have no bias: the batch norm that follows adds its own shift β.
    """

    def __init__(
        self,
        mean: float,
        std: float,
        *,
        channels: tuple[int, int] = (16, 32),
        hidden: int = 128,
        dropout: float = 0.3,
    ):
        super().__init__()
        c1, c2 = channels
        self.normalize = Standardize(mean, std)
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(c1),
            nn.ReLU(),
            MaxPool2x2(),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(c2),
            nn.ReLU(),
            MaxPool2x2(),
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c2 * 7 * 7, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, 10),
        )

    def forward(self, x):
        return self.head(self.features(self.normalize(x)))


def error_without_channel_axis(n: int = 64, size: int = 28) -> str:
    """What :class:`ChapterCNN` says to ``n`` images of ``size`` × ``size`` with no channel axis.

    ``nn.Conv2d`` reads a 3-D input as one unbatched image (C, H, W), so the batch axis of an
    (n, size, size) array is taken for n channels, which a 1-channel convolution refuses. Returns
    "RuntimeError: ..." (or "no error"); ``x.unsqueeze(1)`` adds the axis it needs.
    """
    try:
        ChapterCNN()(torch.zeros(n, size, size))
    except RuntimeError as exc:
        return f"RuntimeError: {exc}"
    return "no error"


def keras_initialisation(model: nn.Module) -> nn.Module:
    """Give every ``Conv2d`` and ``Linear`` of ``model`` Keras's default initialisation, in place.

    Keras's ``Conv2D`` and ``Dense`` start from Glorot-uniform weights, U(±√(6/(fan_in +
    fan_out))), and zero biases; PyTorch's start from U(±1/√fan_in) for both (Kaiming-uniform
    with a = √5). The two give the same model after enough training, but not after one short
    epoch, so a port compared with a Keras run at a small budget should start as Keras does.
    """
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model


def parameter_table(model: nn.Module) -> list[tuple[str, tuple[int, ...], int]]:
    """(name, shape, number of values) for every parameter, in registration order."""
    return [(name, tuple(p.shape), p.numel()) for name, p in model.named_parameters()]


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of scalar parameters (weights and biases) of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


class CatsDogsCNN(nn.Module):
    """The cats-versus-dogs network of *Business-model innovation of large-model companies* §5.2.

    Conv 32@3×3 + ReLU on a (3, s, s) colour image, 2×2 max-pool, flatten, dense 128 + ReLU,
    dense 1 (one logit; the chapter's sigmoid output belongs in ``BCEWithLogitsLoss``). The
    chapter uses s = 28; ``size`` shows what a larger input would cost.
    """

    def __init__(self, size: int = 28):
        super().__init__()
        side = conv_output_size(conv_output_size(size, 3), 2, stride=2)
        self.conv = nn.Conv2d(3, 32, kernel_size=3)
        self.conv_relu = nn.ReLU()
        self.pool = MaxPool2x2()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * side * side, 128)
        self.fc1_relu = nn.ReLU()
        self.fc2 = nn.Linear(128, 1)

    def forward(self, x):
        x = self.flatten(self.pool(self.conv_relu(self.conv(x))))
        return self.fc2(self.fc1_relu(self.fc1(x)))


def _param_formula(module: nn.Module) -> str:
    """How a layer's parameter count arises, e.g. '3·3·1·32 + 32' for a 3×3 conv, 1 -> 32."""
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        w = f"{kh}·{kw}·{module.in_channels // module.groups}·{module.out_channels}"
        return w + (f" + {module.out_channels}" if module.bias is not None else "")
    if isinstance(module, nn.Linear):
        w = f"{module.in_features}·{module.out_features}"
        return w + (f" + {module.out_features}" if module.bias is not None else "")
    if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        return f"2·{module.num_features} (γ, β)" if module.affine else ""
    return ""


def layer_table(model: nn.Module, input_shape: tuple[int, ...]):
    """One row per leaf module, in the order the forward pass runs it.

    Columns: layer (its name in the model), type, output shape (for one example), parameters
    (counted from the module's tensors), formula (how that count arises). The shapes come from
    running one zero input through the model with forward hooks, so they are the model's own.
    """
    import pandas as pd

    if not isinstance(input_shape, tuple) or not all(
        isinstance(n, int) and n > 0 for n in input_shape
    ):
        raise ValueError(
            f"input_shape: expected a tuple of positive sizes for ONE example, "
            f"e.g. (1, 28, 28), got {input_shape!r}."
        )
    rows, hooks = [], []
    names = {m: n for n, m in model.named_modules()}

    def record(module, _inputs, output):
        rows.append(
            {
                "layer": names[module],
                "type": type(module).__name__,
                "output shape": tuple(output.shape[1:]),
                "parameters": sum(p.numel() for p in module.parameters(recurse=False)),
                "formula": _param_formula(module),
            }
        )

    for module in model.modules():
        if not list(module.children()) and not isinstance(module, nn.Identity):
            hooks.append(module.register_forward_hook(record))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros((1, *input_shape)))
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    frame = pd.DataFrame(rows)
    return frame
