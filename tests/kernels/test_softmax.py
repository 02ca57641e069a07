"""softmax kernel: the triad, the online (multi-chunk) path, logits of ±1e4, input checks."""

import pytest
import torch
from assertions import assert_close, assert_raises, assert_triad, fp64

from bigmodel_lab.kernels import softmax
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads


@pytest.mark.parametrize("shape", cases.SOFTMAX.shapes, ids=str)
def test_kernel_formula_and_torch_agree(shape):
    assert_triad(triads.run_case(cases.SOFTMAX, shape))


@pytest.mark.parametrize("shape", [(3, 70), (5, 16), (2, 17)], ids=str)
def test_rows_longer_than_one_chunk_use_the_online_rescaling(shape, tiny_blocks):
    # with 16 columns per chunk, a row of 70 needs 5 chunks and several maximum updates
    assert_triad(triads.run_case(cases.SOFTMAX, shape))


def test_rising_rows_rescale_the_running_sum(tiny_blocks, device):
    # each chunk raises the maximum, so every step rescales the sum by e^(m - m')
    x = torch.linspace(-50, 50, 64, dtype=torch.float64).reshape(1, 64)
    assert_triad(triads.run_case(cases.SOFTMAX, inputs={"x": x}))


def test_logits_of_ten_thousand_stay_finite():
    gen = torch.Generator().manual_seed(1)
    x = (torch.rand(17, 33, generator=gen, dtype=torch.float64) * 2 - 1) * 1e4
    x[:, 0] = 1e4
    x[:, 1] = -1e4
    assert_triad(triads.run_case(cases.SOFTMAX, inputs={"x": x}))


def test_any_number_of_leading_dimensions(device):
    x = torch.randn(2, 3, 5, device=device)
    assert_close("3-D", softmax(x), torch.softmax(fp64(x), -1), 1e-5)
    v = torch.randn(6, device=device)
    assert_close("1-D", softmax(v), torch.softmax(fp64(v), -1), 1e-5)


def test_empty_shapes(device):
    assert softmax(torch.empty(0, 4, device=device)).shape == (0, 4)
    assert softmax(torch.empty(3, 0, device=device)).shape == (3, 0)


def test_bad_inputs_are_refused_with_the_argument_named(device):
    assert_raises(lambda: softmax(torch.tensor(1.0, device=device)), ValueError, "x", "0-d")
    assert_raises(lambda: softmax(torch.arange(3, device=device)), TypeError, "x")


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("shape", [(1, 1), (127, 257), (64, 5000), (3, 70000)], ids=str)
def test_gpu_precisions(shape, dtype):
    assert_triad(triads.run_case(cases.SOFTMAX, shape, dtype=dtype))
