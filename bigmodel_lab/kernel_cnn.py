"""Chapter 6: chapter 4's CNN with every layer on this package's Triton kernels.

:class:`KernelCNN` is the network of *Large models: from data to business value* §5.2, the
one :class:`bigmodel_lab.mnist.cnn.ChapterCNN` trains in chapter 4, with every layer but
dropout running through :mod:`bigmodel_lab.kernels`:

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

Its parameters have ChapterCNN's names and shapes, so a state_dict moves between the two in
either direction. Dropout is torch's own ``nn.Dropout`` in both: it draws random numbers, and
sharing torch's generator keeps the two networks identical in training mode too. The softmax
of the chapter's last layer lives inside the loss (``kernels.cross_entropy``).

:func:`chapter_cnn_rows` compares the two networks' losses, logits and gradients;
:func:`train_side_by_side` trains both from the same weights, ours with the optimizer kernels
and ChapterCNN with ``torch.optim``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import kernels
from .display import relative_error
from .mnist.cnn import ChapterCNN

#: MNIST CNN sizes: 28x28 input, 3x3 convolution -> 26x26, 2x2 pooling -> 13x13.
MNIST_SHAPE = (1, 28, 28)
CONV_CHANNELS, KERNEL, HIDDEN, CLASSES = 32, 3, 64, 10
FLAT = CONV_CHANNELS * 13 * 13  # 5408


def _check_images(x) -> None:
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or tuple(x.shape[1:]) != MNIST_SHAPE:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(
            f"x: expected a batch of MNIST images of shape (N, 1, 28, 28), got "
            f"{shape}; add the channel axis with x.unsqueeze(1) if it is missing."
        )


class KernelCNN(nn.Module):
    """Chapter 4's CNN (001 §5.2) on Triton kernels; returns logits of shape (N, 10).

    Parameter names and shapes: conv.weight (32, 1, 3, 3), conv.bias (32,),
    fc1.weight (64, 5408), fc1.bias (64,), fc2.weight (10, 64), fc2.bias (10,).
    """

    def __init__(self, dropout: float = 0.5, device=None, dtype=None):
        super().__init__()
        self.conv = kernels.Conv2d(1, CONV_CHANNELS, KERNEL, device=device, dtype=dtype)
        self.fc1 = kernels.Linear(FLAT, HIDDEN, activation="relu", device=device, dtype=dtype)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = kernels.Linear(HIDDEN, CLASSES, device=device, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x)
        h = kernels.max_pool2d(kernels.relu(self.conv(x)), 2)
        h = self.fc1(h.reshape(h.shape[0], FLAT))
        return self.fc2(self.dropout(h))


def chapter_cnn_rows(batch: int = 4, *, train: bool = False, device=None, seed: int = 0):
    """:class:`KernelCNN` against chapter 4's :class:`~bigmodel_lab.mnist.cnn.ChapterCNN` in
    float64, with the same weights and inputs: relative error of the loss, the logits and
    every parameter's gradient."""
    device = device or kernels.DEVICE
    torch.manual_seed(seed)
    twin = ChapterCNN().to(device)
    ours = KernelCNN().to(device)
    ours.load_state_dict(twin.state_dict())
    twin = twin.double()
    ours.train(train)
    twin.train(train)
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(batch, 1, 28, 28, generator=gen).to(device)
    target = torch.randint(0, 10, (batch,), generator=gen).to(device)
    torch.manual_seed(seed + 1)  # the same dropout mask for both in training mode
    logits = ours(x)
    loss = kernels.cross_entropy(logits, target)
    loss.backward()
    torch.manual_seed(seed + 1)
    ref_logits = twin(x.double())
    ref_loss = F.cross_entropy(ref_logits, target)
    ref_loss.backward()
    rows = [
        {"quantity": "loss", "kernel vs torch (float64)": relative_error(loss, ref_loss)},
        {"quantity": "logits", "kernel vs torch (float64)": relative_error(logits, ref_logits)},
    ]
    for (name, p), (_, q) in zip(ours.named_parameters(), twin.named_parameters(), strict=True):
        rows.append(
            {
                "quantity": f"grad {name}",
                "kernel vs torch (float64)": relative_error(p.grad, q.grad),
            }
        )
    return rows


def train_side_by_side(
    optimizer: str = "sgd", steps: int = 5, batch: int = 16, *, lr=None, device=None, seed: int = 0
) -> dict:
    """Train :class:`KernelCNN` with the kernels (and ``sgd_step_`` or ``adam_step_``) and
    ChapterCNN (with torch.optim) from the same weights on one fixed random batch.

    Returns the two loss curves and max|θ_kernels - θ_torch| / max|θ| over the parameters
    after the last step. Dropout is off so that both runs see the same network.
    """
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer: expected 'sgd' or 'adam', got {optimizer!r}.")
    device = device or kernels.DEVICE
    lr = lr if lr is not None else (0.05 if optimizer == "sgd" else 1e-3)
    torch.manual_seed(seed)
    twin = ChapterCNN(dropout=0.0).to(device)
    model = KernelCNN(dropout=0.0).to(device)
    model.load_state_dict(twin.state_dict())
    gen = torch.Generator().manual_seed(seed + 2)
    images = torch.rand(batch, 1, 28, 28, generator=gen).to(device)
    labels = (torch.arange(batch) % 10).to(device)
    if optimizer == "sgd":
        reference = torch.optim.SGD(twin.parameters(), lr=lr, momentum=0.9)
        state = {name: None for name, _ in model.named_parameters()}
    else:
        reference = torch.optim.Adam(twin.parameters(), lr=lr)
        state = {
            name: (torch.zeros_like(p), torch.zeros_like(p)) for name, p in model.named_parameters()
        }
    ours, theirs = [], []
    for step in range(1, steps + 1):
        model.zero_grad()
        loss = kernels.cross_entropy(model(images), labels)
        loss.backward()
        for name, p in model.named_parameters():
            if optimizer == "sgd":
                state[name] = kernels.sgd_step_(
                    p.data, p.grad, lr, momentum=0.9, momentum_buffer=state[name]
                )
            else:
                kernels.adam_step_(p.data, p.grad, *state[name], step, lr=lr)
        reference.zero_grad()
        ref = F.cross_entropy(twin(images), labels)
        ref.backward()
        reference.step()
        ours.append(loss.item())
        theirs.append(ref.item())
    drift = {
        name: relative_error(p, q)
        for (name, p), q in zip(model.named_parameters(), twin.parameters(), strict=True)
    }
    return {"loss (kernels)": ours, "loss (torch)": theirs, "parameter drift": drift}


assert FLAT == CONV_CHANNELS * ((28 - KERNEL + 1) // 2) ** 2, "MNIST sizes are inconsistent"
