"""A dense layer, y = act(x Wᵀ + b): a tiled matmul with the bias and activation fused.

Book notation (``bigmodel_lab.formulas.linear``): one example per row of X, shape (N, n_in);
W of shape (n_out, n_in); b of shape (n_out,):

    forward:   Z = X Wᵀ + b,         Y = f(Z)                      (f: None, relu, sigmoid, tanh)
    backward:  Δ = ∂L/∂Z = ∂L/∂Y ⊙ f'(Z)                           (f' from the saved Y)
               ∂L/∂X = Δ W,         ∂L/∂W = Δᵀ X,       ∂L/∂b = Σ_i Δ_i   (sum over rows)

The forward kernel computes one BLOCK_M x BLOCK_N tile of the output per program: it walks
along the shared dimension in steps of BLOCK_K, multiplying a tile of the left operand by a
tile of the right one with ``tl.dot`` into a float32 accumulator, then adds the bias and
applies f while the tile is still in registers: Z never travels to memory and back.

The kernel reads its operands through strides, so a transposed operand costs nothing. That is
why the backward pass needs no new matmul kernel: ∂L/∂X = Δ W and ∂L/∂W = Δᵀ X are the same
kernel with no bias and no activation, called with Δ, W, X and their transposes. The two other
backward kernels are element-wise (Δ from ∂L/∂Y) and a column sum (∂L/∂b).

float32 operands use ``input_precision="ieee"``: on recent NVIDIA GPUs the default would round
them to TF32 (10-bit mantissa), an error near 1e-3 that no float32 test could accept.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from ._common import (
    check_same_device,
    check_same_dtype,
    check_tensor,
    launch_elementwise,
    launch_tunable,
    matmul_blocks,
    matmul_configs,
    warn_if_long,
)
from ._reduce import column_sums
from .relu import tl_relu, tl_relu_grad_from_output
from .sigmoid import tl_sigmoid, tl_sigmoid_grad_from_output
from .tanh import tl_tanh, tl_tanh_grad_from_output

#: activation name -> the code the kernels receive as the constexpr ACTIVATION.
ACTIVATIONS = {None: 0, "relu": 1, "sigmoid": 2, "tanh": 3}


@triton.jit
def _activate(z, ACTIVATION: tl.constexpr):
    """f(z); the branch is resolved when the kernel is compiled, so it costs nothing."""
    if ACTIVATION == 1:
        z = tl_relu(z)
    elif ACTIVATION == 2:
        z = tl_sigmoid(z)
    elif ACTIVATION == 3:
        z = tl_tanh(z)
    return z


@triton.jit
def _activation_grad(y, ACTIVATION: tl.constexpr):
    """f'(z) written with the output y = f(z)."""
    if ACTIVATION == 1:
        d = tl_relu_grad_from_output(y)
    elif ACTIVATION == 2:
        d = tl_sigmoid_grad_from_output(y)
    elif ACTIVATION == 3:
        d = tl_tanh_grad_from_output(y)
    else:
        d = tl.full(y.shape, 1.0, tl.float32)
    return d


@triton.jit
def _linear_forward_kernel(
    a_ptr,  # left operand A, shape (M, K), element (m, k) at m*stride_am + k*stride_ak
    b_ptr,  # right operand B, shape (K, N), element (k, n) at k*stride_bk + n*stride_bn
    bias_ptr,  # bias b, shape (N,); not read unless HAS_BIAS
    c_ptr,  # result C = f(A B + b), shape (M, N), row-major (contiguous)
    M,  # rows of A and C
    N,  # columns of B and C
    K,  # shared dimension
    stride_am,
    stride_ak,
    stride_bk,
    stride_bn,
    HAS_BIAS: tl.constexpr,  # add b to every row
    ACTIVATION: tl.constexpr,  # 0 none, 1 relu, 2 sigmoid, 3 tanh
    BLOCK_M: tl.constexpr,  # tile rows
    BLOCK_N: tl.constexpr,  # tile columns
    BLOCK_K: tl.constexpr,  # step along K
):
    # int64 row/column indices: products with strides overflow int32 for large tensors
    rm = (tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)).to(tl.int64)
    rn = (tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)).to(tl.int64)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)  # accumulate in float32
    for k0 in range(0, K, BLOCK_K):
        kk = k0 + rk
        a = tl.load(
            a_ptr + rm[:, None] * stride_am + kk[None, :] * stride_ak,
            mask=(rm[:, None] < M) & (kk[None, :] < K),
            other=0.0,
        )
        b = tl.load(
            b_ptr + kk[:, None] * stride_bk + rn[None, :] * stride_bn,
            mask=(kk[:, None] < K) & (rn[None, :] < N),
            other=0.0,
        )
        # masked entries are 0, so the ragged last step adds nothing spurious
        acc = tl.dot(a, b, acc, input_precision="ieee")
    if HAS_BIAS:
        acc += tl.load(bias_ptr + rn, mask=rn < N, other=0.0).to(tl.float32)[None, :]
    out = _activate(acc, ACTIVATION)
    tl.store(
        c_ptr + rm[:, None] * N + rn[None, :],
        out.to(c_ptr.dtype.element_ty),
        mask=(rm[:, None] < M) & (rn[None, :] < N),
    )


@triton.jit
def _linear_backward_kernel(
    y_ptr,  # saved output Y = f(Z), shape (n,) = (M*N,) flattened
    grad_y_ptr,  # upstream gradient ∂L/∂Y, shape (n,)
    grad_z_ptr,  # result Δ = ∂L/∂Y ⊙ f'(Z), shape (n,)
    n,  # number of elements
    ACTIVATION: tl.constexpr,  # 1 relu, 2 sigmoid, 3 tanh
    BLOCK: tl.constexpr,  # elements per program
):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    y = tl.load(y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    g = tl.load(grad_y_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    delta = g * _activation_grad(y, ACTIVATION)
    tl.store(grad_z_ptr + offs, delta.to(grad_z_ptr.dtype.element_ty), mask=mask)


def matmul(
    a: torch.Tensor,
    b: torch.Tensor,
    bias: torch.Tensor | None = None,
    activation: int = 0,
    out_dtype: torch.dtype | None = None,
) -> torch.Tensor:
    """C = f(A B + b) for 2-D A (M, K) and B (K, N) with any strides; C is contiguous."""
    M, K = a.shape
    N = b.shape[1]
    c = torch.empty((M, N), device=a.device, dtype=out_dtype or a.dtype)
    if c.numel() == 0:
        return c
    bm, bn, bk = matmul_blocks(M, N, K)
    # tiles autotuned on a GPU (see _common.launch_tunable), fixed under the interpreter
    launch_tunable(
        _linear_forward_kernel,
        lambda meta: (triton.cdiv(M, meta["BLOCK_M"]), triton.cdiv(N, meta["BLOCK_N"])),
        a,
        b,
        bias if bias is not None else c,
        c,
        M,
        N,
        K,
        a.stride(0),
        a.stride(1),
        b.stride(0),
        b.stride(1),
        configs=matmul_configs(a.dtype),
        key=("M", "N", "K"),
        fixed={"BLOCK_M": bm, "BLOCK_N": bn, "BLOCK_K": bk},
        HAS_BIAS=bias is not None,
        ACTIVATION=activation,
    )
    return c


def linear_forward(
    x2d: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, activation: int
) -> torch.Tensor:
    """Y = f(X Wᵀ + b) for X (M, n_in), W (n_out, n_in): Wᵀ is W read with swapped strides."""
    return matmul(x2d, weight.t(), bias, activation)


def linear_backward(x2d, weight, y, grad_y, activation: int, needs=(True, True, True)):
    """(∂L/∂X, ∂L/∂W, ∂L/∂b) for the forward call that produced Y; None where not needed."""
    if activation == 0:
        delta = grad_y
    else:
        delta = torch.empty_like(y)
        launch_elementwise(
            _linear_backward_kernel, y.numel(), y, grad_y, delta, ACTIVATION=activation
        )
    grad_x = matmul(delta, weight) if needs[0] else None  # Δ W
    grad_w = matmul(delta.t(), x2d) if needs[1] else None  # Δᵀ X
    grad_b = column_sums(delta) if needs[2] else None  # Σ_i Δ_i
    return grad_x, grad_w, grad_b


#: f'(z) written with y = f(z), as the backward kernel computes it (relu, sigmoid, tanh).
_ACTIVATION_GRADS = {
    1: lambda y: (y > 0).to(y.dtype),
    2: lambda y: y * (1.0 - y),
    3: lambda y: 1.0 - y * y,
}


def _linear_backward_with_graph(x, weight, bias, grad_y, activation: int, needs):
    """The backward formulas with differentiable ops, for create_graph=True: y is recomputed by
    the kernel with a graph, so that second derivatives reach x, W and b through f'(Z) too."""
    (n_out, n_in), m = weight.shape, math.prod(x.shape[:-1])  # -1 is ambiguous when x is empty
    delta = grad_y.reshape(m, n_out).to(weight.dtype)
    if activation != 0:
        y = LinearFunction.apply(x, weight, bias, activation).reshape(m, n_out)
        delta = delta * _ACTIVATION_GRADS[activation](y)
    x2d = x.reshape(m, n_in)
    grad_x = (delta @ weight).reshape(x.shape) if needs[0] else None  # Δ W
    grad_w = delta.t() @ x2d if needs[1] else None  # Δᵀ X
    grad_b = delta.sum(dim=0) if needs[2] else None  # Σ_i Δ_i
    return grad_x, grad_w, grad_b, None


class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, activation):
        lead = x.shape[:-1]
        x2d = x.reshape(math.prod(lead), x.shape[-1])  # -1 is ambiguous when x is empty
        y = linear_forward(x2d, weight, bias, activation)
        # x and bias themselves only for create_graph=True, which recomputes y from them
        ctx.save_for_backward(x2d, weight, y, x, bias)
        ctx.activation, ctx.has_bias, ctx.lead = activation, bias is not None, lead
        return y.reshape(*lead, weight.shape[0])

    @staticmethod
    def backward(ctx, grad_y):
        x2d, weight, y, x, bias = ctx.saved_tensors
        needs = (
            ctx.needs_input_grad[0],
            ctx.needs_input_grad[1],
            ctx.has_bias and ctx.needs_input_grad[2],
        )
        if torch.is_grad_enabled():
            return _linear_backward_with_graph(x, weight, bias, grad_y, ctx.activation, needs)
        grad_y = grad_y.reshape(y.shape).to(y.dtype).contiguous()
        grad_x, grad_w, grad_b = linear_backward(x2d, weight, y, grad_y, ctx.activation, needs)
        if grad_x is not None:
            grad_x = grad_x.reshape(*ctx.lead, x2d.shape[1])
        return grad_x, grad_w, grad_b, None


def linear(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    activation: str | None = None,
) -> torch.Tensor:
    """y = act(x @ weight.T + bias), differentiable in x, weight and bias.

    x: (..., n_in); weight: (n_out, n_in), as in ``torch.nn.Linear``; bias: (n_out,) or None;
    activation: None, "relu", "sigmoid" or "tanh". Returns (..., n_out).
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {list(ACTIVATIONS)}, got {activation!r}.")
    x = check_tensor("x", x)
    if x.dim() == 0:
        raise ValueError("x: expected at least 1 dimension (..., n_in), got a 0-d tensor.")
    weight = check_tensor("weight", weight, ndim=2)
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"x and weight do not fit: x has {x.shape[-1]} features in its last dimension "
            f"(shape {tuple(x.shape)}) but weight of shape {tuple(weight.shape)} expects "
            f"{weight.shape[1]} (weight is (n_out, n_in), as in torch.nn.Linear)."
        )
    if bias is not None:
        bias = check_tensor("bias", bias, ndim=1)
        if bias.shape[0] != weight.shape[0]:
            raise ValueError(
                f"bias: expected shape ({weight.shape[0]},) to match weight of shape "
                f"{tuple(weight.shape)}, got {tuple(bias.shape)}."
            )
    check_same_device(x=x, weight=weight, bias=bias)
    check_same_dtype(x=x, weight=weight, bias=bias)
    rows = math.prod(x.shape[:-1])
    warn_if_long("kernels.linear", rows * weight.numel(), "matmul", "torch.nn.functional.linear")
    return LinearFunction.apply(x, weight, bias, ACTIVATIONS[activation])
