"""The deterministic reductions shared by the losses and the bias gradients."""

import pytest
import torch
from assertions import assert_close, fp64

from bigmodel_lab.kernels._reduce import column_sums, finish_sum


@pytest.mark.parametrize("n", [1, 17, 1000])
def test_finish_sum_scales_the_total(n, device):
    partials = torch.randn(n, device=device)
    out = finish_sum(partials, 0.25, torch.float32)
    assert out.shape == () and out.dtype == torch.float32
    assert_close("sum", out, 0.25 * fp64(partials).sum(), 1e-6)


@pytest.mark.parametrize("shape", [(1, 1), (3, 70), (257, 5), (0, 4), (4, 0)], ids=str)
def test_column_sums(shape, device, tiny_blocks):
    x = torch.randn(shape, device=device)
    out = column_sums(x)
    assert out.shape == (shape[1],)
    assert_close("sums", out, fp64(x).sum(dim=0), 1e-6)
