"""The chapter's CNN, its variants, the improved model, and the size arithmetic."""

from __future__ import annotations

import io
import math

import pytest
import torch
from hypothesis import given, strategies as st
from torch import nn

from bigmodel_lab.mnist.cnn import (
    CatsDogsCNN,
    ChapterCNN,
    ImprovedCNN,
    MaxPool2x2,
    Standardize,
    conv_output_size,
    count_parameters,
    error_without_channel_axis,
    keras_initialisation,
    layer_table,
)


@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_size_matches_torch(size, kernel, stride, padding):
    if size + 2 * padding < kernel:
        with pytest.raises(ValueError, match="does not fit"):
            conv_output_size(size, kernel, stride, padding)
        return
    conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)
    out = conv(torch.zeros(1, 1, size, size))
    assert out.shape[-1] == conv_output_size(size, kernel, stride, padding)


def test_conv_output_size_refuses_non_integers():
    with pytest.raises(ValueError, match="kernel"):
        conv_output_size(28, 0)
    with pytest.raises(ValueError, match="padding"):
        conv_output_size(28, 3, padding=-1)


def test_the_chapter_cnn_has_the_shared_module_names_and_shapes():
    model = ChapterCNN()
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert shapes == {
        "conv.weight": (32, 1, 3, 3),
        "conv.bias": (32,),
        "fc1.weight": (64, 32 * 13 * 13),
        "fc1.bias": (64,),
        "fc2.weight": (10, 64),
        "fc2.bias": (10,),
    }
    assert model(torch.zeros(5, 1, 28, 28)).shape == (5, 10)


def test_the_chapter_cnn_computes_what_its_docstring_says():
    torch.manual_seed(0)
    model = ChapterCNN().eval()
    x = torch.rand(3, 1, 28, 28)
    h = torch.nn.functional.max_pool2d(
        torch.relu(torch.nn.functional.conv2d(x, model.conv.weight, model.conv.bias)), 2
    )
    logits = torch.relu(h.flatten(1) @ model.fc1.weight.T + model.fc1.bias) @ model.fc2.weight.T
    assert torch.allclose(model(x), logits + model.fc2.bias, atol=1e-6)


def test_dropout_is_active_only_in_training():
    torch.manual_seed(0)
    model = ChapterCNN()
    x = torch.rand(4, 1, 28, 28)
    assert not torch.equal(model(x), model(x))
    model.eval()
    assert torch.equal(model(x), model(x))


def expected_parameters(layers) -> int:
    """Σ over conv (k, k, c_in, c_out) and dense (n_in, n_out) layers of weights + biases."""
    total = 0
    for layer in layers:
        if len(layer) == 4:
            kh, kw, cin, cout = layer
            total += kh * kw * cin * cout + cout
        else:
            nin, nout = layer
            total += nin * nout + nout
    return total


def test_parameter_counts_follow_the_formulas():
    assert count_parameters(ChapterCNN()) == expected_parameters(
        [(3, 3, 1, 32), (32 * 13 * 13, 64), (64, 10)]
    )
    assert count_parameters(ChapterCNN(second_conv=True)) == expected_parameters(
        [(3, 3, 1, 32), (3, 3, 32, 64), (64 * 5 * 5, 64), (64, 10)]
    )
    assert count_parameters(ChapterCNN(batch_norm=True)) == count_parameters(ChapterCNN()) + 64
    for size in (28, 32, 64, 150):
        side = (size - 2) // 2
        assert count_parameters(CatsDogsCNN(size)) == expected_parameters(
            [(3, 3, 3, 32), (32 * side * side, 128), (128, 1)]
        )


@pytest.mark.parametrize(
    "model, shape",
    [
        (ChapterCNN(), (1, 28, 28)),
        (ChapterCNN(second_conv=True, batch_norm=True, normalize=(0.1, 0.3)), (1, 28, 28)),
        (ImprovedCNN(0.13, 0.31), (1, 28, 28)),
        (CatsDogsCNN(40), (3, 40, 40)),
    ],
)
def test_layer_table_agrees_with_the_model(model, shape):
    table = layer_table(model, shape)
    assert table["parameters"].sum() == count_parameters(model)
    model.eval()
    assert table["output shape"].iloc[-1] == tuple(model(torch.zeros(2, *shape)).shape[1:])
    # the table's shapes chain: flatten's output is the product of the shape before it
    shapes = list(table["output shape"])
    for i, kind in enumerate(table["type"]):
        if kind == "Flatten":
            before = shapes[i - 1]
            assert shapes[i] == (before[0] * before[1] * before[2],)
    assert model.training is False


def test_layer_table_restores_training_mode_and_refuses_batch_shapes():
    model = ChapterCNN()
    layer_table(model, (1, 28, 28))
    assert model.training
    with pytest.raises(ValueError, match="ONE example"):
        layer_table(model, [1, 28, 28])


def test_layer_table_formulas_match_the_counts():
    table = layer_table(ChapterCNN(), (1, 28, 28))
    for formula, count in zip(table["formula"], table["parameters"], strict=True):
        if formula:
            total = sum(eval(term.replace("·", "*")) for term in formula.split(" + "))
            assert total == count


def test_standardize_is_saved_with_the_model_and_refuses_zero_spread():
    model = ChapterCNN(normalize=(0.25, 0.5))
    state = model.state_dict()
    assert state["normalize.mean"].item() == 0.25 and state["normalize.std"].item() == 0.5
    x = torch.rand(2, 1, 28, 28)
    assert torch.allclose(model.normalize(x), (x - 0.25) / 0.5)
    with pytest.raises(ValueError, match="std"):
        Standardize(0.0, 0.0)


def test_state_dict_round_trip_reproduces_the_outputs():
    torch.manual_seed(1)
    model = ImprovedCNN(0.13, 0.31)
    model.train()
    model(torch.rand(8, 1, 28, 28))  # move the batch-norm running statistics
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    other = ImprovedCNN(0.0, 1.0)
    other.load_state_dict(torch.load(buffer))
    x = torch.rand(3, 1, 28, 28)
    assert torch.equal(model.eval()(x), other.eval()(x))


def test_bad_dropout_is_refused():
    with pytest.raises(ValueError, match="dropout"):
        ChapterCNN(dropout=1.0)


@given(
    st.integers(1, 3),
    st.integers(1, 5),
    st.integers(2, 9),
    st.integers(2, 9),
    st.booleans(),
    st.integers(0, 1000),
)
def test_maxpool2x2_equals_torch_in_values_and_gradients(n, c, h, w, ties, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c, h, w, generator=gen, dtype=torch.float64)
    if ties:  # few distinct values, so windows often hold equal maxima
        x = torch.randint(0, 3, (n, c, h, w), generator=gen).double()
    g = torch.randn(n, c, h // 2, w // 2, generator=gen, dtype=torch.float64)
    a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
    ours, ref = MaxPool2x2()(a), torch.nn.functional.max_pool2d(b, 2)
    assert torch.equal(ours, ref)
    ours.backward(g)
    ref.backward(g)
    assert torch.equal(a.grad, b.grad)


def test_maxpool2x2_refuses_other_ranks():
    with pytest.raises(ValueError, match="N, C, H, W"):
        MaxPool2x2()(torch.zeros(3, 4, 4))


def test_a_batch_without_the_channel_axis_is_refused_and_unsqueeze_fixes_it():
    error = error_without_channel_axis(64)
    assert error.startswith("RuntimeError") and "64 channels" in error
    assert ChapterCNN()(torch.zeros(64, 28, 28).unsqueeze(1)).shape == (64, 10)


@pytest.mark.parametrize("channels, size", [(3, 32), (1, 28), (3, 28), (2, 17)])
def test_the_chapter_cnn_fits_other_images(channels, size):
    model = ChapterCNN(in_channels=channels, size=size)
    side = (size - 2) // 2
    assert model.fc1.in_features == 32 * side * side
    assert model(torch.zeros(2, channels, size, size)).shape == (2, 10)
    with pytest.raises(ValueError, match="in_channels"):
        ChapterCNN(in_channels=0)


@pytest.mark.parametrize("seed", [0, 1])
def test_keras_initialisation_is_glorot_uniform_with_zero_biases(seed):
    torch.manual_seed(seed)
    model = keras_initialisation(ChapterCNN())
    for layer in (model.conv, model.fc1, model.fc2):
        w = layer.weight
        fan_in = w[0].numel()
        fan_out = w.shape[0] * (w[0, 0].numel() if w.ndim == 4 else 1)
        bound = math.sqrt(6 / (fan_in + fan_out))
        assert torch.count_nonzero(layer.bias) == 0
        assert w.abs().max() <= bound
        # a uniform law on [-b, b] has variance b²/3; thousands of draws land within 10 %
        assert abs(w.var().item() / (bound**2 / 3) - 1) < 0.1 or w.numel() < 1000
