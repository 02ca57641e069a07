"""Chapter 6's CNN on kernels (bigmodel_lab.kernel_cnn): chapter 4's parameters, its forward and
backward passes, and training beside it."""

import pytest
import torch
from assertions import assert_close, assert_raises
from torch import nn

from bigmodel_lab import kernel_cnn
from bigmodel_lab.display import relative_error
from bigmodel_lab.kernel_cnn import KernelCNN
from bigmodel_lab.kernels import adam_step_, cross_entropy
from bigmodel_lab.mnist.cnn import ChapterCNN, parameter_table
from bigmodel_lab.verification.kernel_triads import RTOL

DOCUMENTED = [
    ("conv.weight", (32, 1, 3, 3)),
    ("conv.bias", (32,)),
    ("fc1.weight", (64, 32 * 13 * 13)),
    ("fc1.bias", (64,)),
    ("fc2.weight", (10, 64)),
    ("fc2.bias", (10,)),
]


def test_mnist_cnn_has_the_documented_parameters():
    ours = [(name, shape) for name, shape, _ in parameter_table(KernelCNN())]
    twin = [(name, shape) for name, shape, _ in parameter_table(ChapterCNN())]
    assert ours == DOCUMENTED == twin


def test_state_dicts_move_both_ways(device):
    torch_model, ours = ChapterCNN().to(device), KernelCNN().to(device)
    ours.load_state_dict(torch_model.state_dict())  # strict: names and shapes must agree
    for (name, a), (_, b) in zip(
        ours.state_dict().items(), torch_model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    back = ChapterCNN().to(device)
    back.load_state_dict(ours.state_dict())


@pytest.mark.parametrize("train", [False, True], ids=["eval", "train (same dropout mask)"])
def test_forward_and_backward_match_chapter_4s_network(train, device):
    twin = ChapterCNN().to(device)
    ours = KernelCNN().to(device)
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
    model = KernelCNN(dropout=0.0).to(device)
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


def test_bad_inputs_are_refused(device):
    model = KernelCNN().to(device)
    assert_raises(
        lambda: model(torch.rand(2, 28, 28, device=device)),
        ValueError,
        "x",
        "(N, 1, 28, 28)",
        "unsqueeze",
    )


@pytest.mark.gpu
def test_gpu_batch_of_64_matches_chapter_4s_network():
    twin, ours = ChapterCNN().cuda().eval(), KernelCNN().cuda().eval()
    ours.load_state_dict(twin.state_dict())
    x = torch.rand(64, 1, 28, 28, device="cuda")
    assert_close("logits", ours(x), twin.double()(x.double()), 1e-5)


def test_chapter_cnn_rows_compare_loss_logits_and_six_gradients():
    rows = kernel_cnn.chapter_cnn_rows(batch=2)
    assert [r["quantity"] for r in rows][:2] == ["loss", "logits"] and len(rows) == 8
    assert all(r["kernel vs torch (float64)"] < RTOL[torch.float32] for r in rows)


def test_side_by_side_sgd_training_stays_together():
    run = kernel_cnn.train_side_by_side("sgd", steps=2, batch=2)
    assert len(run["loss (kernels)"]) == 2
    assert relative_error(run["loss (kernels)"], run["loss (torch)"]) < 1e-5
    assert max(run["parameter drift"].values()) < 1e-5
    with pytest.raises(ValueError, match="optimizer"):
        kernel_cnn.train_side_by_side("rmsprop")
