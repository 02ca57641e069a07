"""Linear and Conv2d modules on the kernels: state_dict exchange with torch's layers, parity."""

import torch
from assertions import assert_close, assert_raises
from torch import nn

from bigmodel_lab.kernels import Conv2d, Linear


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


def test_bad_inputs_are_refused():
    assert_raises(lambda: Linear(3, 2, activation="gelu"), ValueError, "activation")
