"""Linear, Conv2d and MnistCNN modules: names, shapes, state_dict exchange with plain PyTorch,
and forward/backward parity with the plain-PyTorch twin."""

import pytest
import torch
from torch import nn

from bigmodel_lab.kernels import Conv2d, Linear, MnistCNN, MnistCNNTorch, adam_step_, cross_entropy
from bigmodel_lab.kernels.modules import parameter_table

from .helpers import assert_close, assert_raises

DOCUMENTED = [
    ("conv.weight", (32, 1, 3, 3)),
    ("conv.bias", (32,)),
    ("fc1.weight", (64, 32 * 13 * 13)),
    ("fc1.bias", (64,)),
    ("fc2.weight", (10, 64)),
    ("fc2.bias", (10,)),
]


def test_mnist_cnn_has_the_documented_parameters():
    ours = [(name, shape) for name, shape, _ in parameter_table(MnistCNN())]
    twin = [(name, shape) for name, shape, _ in parameter_table(MnistCNNTorch())]
    assert ours == DOCUMENTED == twin


def test_state_dicts_move_both_ways(device):
    torch_model, ours = MnistCNNTorch().to(device), MnistCNN().to(device)
    ours.load_state_dict(torch_model.state_dict())  # strict: names and shapes must agree
    for (name, a), (_, b) in zip(
        ours.state_dict().items(), torch_model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    back = MnistCNNTorch().to(device)
    back.load_state_dict(ours.state_dict())


@pytest.mark.parametrize("train", [False, True], ids=["eval", "train (same dropout mask)"])
def test_forward_and_backward_match_the_torch_twin(train, device):
    twin = MnistCNNTorch().to(device)
    ours = MnistCNN().to(device)
    ours.load_state_dict(twin.state_dict())
    twin = twin.double()  # the referee in float64
    ours.train(train)
    twin.train(train)
    x = torch.rand(3, 1, 28, 28, device=device)
    target = torch.tensor([3, 0, 9], device=device)
    torch.manual_seed(5)
    loss = cross_entropy(ours(x), target)
    loss.backward()
    torch.manual_seed(5)  # the same dropout mask for the twin
    ref = nn.functional.cross_entropy(twin(x.double()), target)
    ref.backward()
    assert_close("loss", loss, ref, 1e-5)
    for (name, p), (_, q) in zip(ours.named_parameters(), twin.named_parameters(), strict=True):
        assert_close(f"grad {name}", p.grad, q.grad, 1e-5)


def test_three_adam_steps_lower_the_loss_on_a_fixed_batch(device):
    model = MnistCNN(dropout=0.0).to(device)
    x = torch.rand(8, 1, 28, 28, device=device)
    target = torch.arange(8, device=device) % 10
    state = {
        name: (torch.zeros_like(p), torch.zeros_like(p)) for name, p in model.named_parameters()
    }
    losses = []
    for step in range(1, 4):
        model.zero_grad()
        loss = cross_entropy(model(x), target)
        loss.backward()
        losses.append(loss.item())
        for name, p in model.named_parameters():
            adam_step_(p.data, p.grad, *state[name], step, lr=1e-3)
    assert losses[2] < losses[1] < losses[0]


def test_linear_and_conv_modules_load_torch_layers(device):
    ref = nn.Linear(7, 3).to(device)
    lin = Linear(7, 3, activation="sigmoid").to(device)
    lin.load_state_dict(ref.state_dict())
    x = torch.randn(4, 7, device=device)
    assert_close("linear", lin(x), torch.sigmoid(ref.double()(x.double())), 1e-5)
    conv_ref = nn.Conv2d(2, 4, 3).to(device)
    conv = Conv2d(2, 4, 3).to(device)
    conv.load_state_dict(conv_ref.state_dict())
    img = torch.randn(2, 2, 6, 5, device=device)
    assert_close("conv", conv(img), conv_ref.double()(img.double()), 1e-5)
    assert "activation='sigmoid'" in repr(lin)
    assert Linear(3, 2, bias=False).bias is None and Conv2d(1, 2, 3, bias=False).bias is None


def test_bad_inputs_are_refused(device):
    model = MnistCNN().to(device)
    assert_raises(
        lambda: model(torch.rand(2, 28, 28, device=device)),
        ValueError,
        "x",
        "(N, 1, 28, 28)",
        "unsqueeze",
    )
    assert_raises(lambda: Linear(3, 2, activation="gelu"), ValueError, "activation")


@pytest.mark.gpu
def test_gpu_batch_of_64_matches_the_twin():
    twin, ours = MnistCNNTorch().cuda().eval(), MnistCNN().cuda().eval()
    ours.load_state_dict(twin.state_dict())
    x = torch.rand(64, 1, 28, 28, device="cuda")
    assert_close("logits", ours(x), twin.double()(x.double()), 1e-5)
