"""Memory arithmetic of data-parallel training: bytes per parameter, ZeRO's stages, model sizes.

Mixed-precision training with Adam (Rajbhandari et al., 2020, "ZeRO: Memory Optimizations
Toward Training Trillion Parameter Models", §3.1) keeps, for each of the Ψ parameters,

- the fp16 weights (2 bytes) and the fp16 gradients (2 bytes), used by forward and backward;
- the optimiser states, K = 12 bytes: an fp32 master copy of the weights, Adam's fp32 first
  moment and fp32 second moment (4 + 4 + 4).

Plain data parallelism replicates all of it on each of the N_d devices: (2 + 2 + K)Ψ bytes.
ZeRO-DP partitions it across the devices in three cumulative stages:

    P_os       (optimiser states)            4Ψ + KΨ/N_d
    P_os+g     (+ gradients)                 2Ψ + (2 + K)Ψ/N_d
    P_os+g+p   (+ parameters)                (2 + 2 + K)Ψ/N_d

These are the *model states* only; activations, temporary buffers and fragmentation come on
top. Gigabytes here are 10⁹ bytes, as in the paper.
"""

from __future__ import annotations

import math

from torch import nn

#: Optimiser-state bytes per parameter of mixed-precision Adam: fp32 master, momentum, variance.
K_MIXED_ADAM = 4 + 4 + 4
FP16 = 2
GB = 1e9
STAGES = ("baseline", "P_os", "P_os+g", "P_os+g+p")

#: What the ZeRO paper prints for Ψ = 7.5 B, N_d = 64, K = 12 (Figure 1), in GB.
PAPER_7_5B_64 = {"baseline": 120.0, "P_os": 31.4, "P_os+g": 16.6, "P_os+g+p": 1.9}


def _check(psi, n_devices, k):
    if not psi > 0:
        raise ValueError(f"psi: expected a positive number of parameters, got {psi!r}.")
    if not isinstance(n_devices, int) or n_devices < 1:
        raise ValueError(f"n_devices: expected a positive integer, got {n_devices!r}.")
    if not k >= 0:
        raise ValueError(f"k: expected non-negative bytes of optimiser state, got {k!r}.")


def bytes_per_device(psi: float, n_devices: int, stage: str = "baseline", k: float = K_MIXED_ADAM):
    """Bytes of model states on each of ``n_devices`` data-parallel devices under ``stage``."""
    _check(psi, n_devices, k)
    weights = grads = FP16 * psi
    states = k * psi
    if stage == "baseline":
        return weights + grads + states
    if stage == "P_os":
        return weights + grads + states / n_devices
    if stage == "P_os+g":
        return weights + (grads + states) / n_devices
    if stage == "P_os+g+p":
        return (weights + grads + states) / n_devices
    raise ValueError(f"stage: expected one of {STAGES}, got {stage!r}.")


def bytes_per_parameter(k: float = K_MIXED_ADAM) -> dict[str, float]:
    """The unsharded bill per parameter: {'fp16 weights': 2, 'fp16 gradients': 2, ...}."""
    return {
        "fp16 weights": FP16,
        "fp16 gradients": FP16,
        "fp32 master weights": 4,
        "fp32 Adam momentum": 4,
        "fp32 Adam variance": 4,
        "total": 2 * FP16 + k,
    }


def zero_table(psi: float = 7.5e9, n_devices=(1, 4, 16, 64, 256, 1024), k: float = K_MIXED_ADAM):
    """Per-device memory (GB) of each stage, one row per data-parallel degree N_d."""
    import pandas as pd

    rows = [
        {"N_d": n, **{s: bytes_per_device(psi, n, s, k) / GB for s in STAGES}} for n in n_devices
    ]
    return pd.DataFrame(rows).set_index("N_d")


def largest_model(gpu_bytes: float, n_devices: int, stage: str, k: float = K_MIXED_ADAM) -> float:
    """The most parameters whose model states fit in ``gpu_bytes`` per device (all stages are
    linear in Ψ, so this is gpu_bytes divided by the bytes per parameter per device)."""
    return gpu_bytes / bytes_per_device(1.0, n_devices, stage, k)


def min_devices(psi: float, gpu_bytes: float, stage: str, k: float = K_MIXED_ADAM) -> int | None:
    """The fewest devices on which ``psi`` parameters' model states fit, or None if none does
    (baseline and P_os keep a replicated part that no number of devices shrinks)."""
    _check(psi, 1, k)
    if stage not in STAGES:
        raise ValueError(f"stage: expected one of {STAGES}, got {stage!r}.")
    # bytes per parameter that stay on every device, and those divided among the devices
    fixed = {"baseline": 2 * FP16 + k, "P_os": 2 * FP16, "P_os+g": FP16, "P_os+g+p": 0.0}[stage]
    shared = 2 * FP16 + k - fixed
    room = gpu_bytes / psi - fixed
    if room <= 0:
        return None
    return max(1, math.ceil(shared / room - 1e-12))


# -- parameter counts of the models the articles name --------------------------------------


def transformer_parameters(
    layers: int,
    hidden: int,
    ffn: int,
    vocab: int,
    positions: int,
    token_types: int = 0,
    pooler: bool = False,
) -> int:
    """Parameters of a BERT/GPT-style transformer, counted from the formula.

    Per layer: attention Q, K, V and output projections with biases, 4(d² + d); the
    feed-forward pair, 2·d·f + f + d; two layer norms, 4d. Embeddings: (vocab + positions +
    token types)·d plus a layer norm, 2d (BERT's after the embeddings, GPT's final one).
    BERT adds a d×d pooler with bias. GPT-3's output layer shares the token embedding.
    """
    d, f = hidden, ffn
    per_layer = 4 * (d * d + d) + 2 * d * f + f + d + 4 * d
    embeddings = (vocab + positions + token_types) * d + 2 * d
    return layers * per_layer + embeddings + (d * d + d if pooler else 0)


def transformer_parameters_built(
    layers: int,
    hidden: int,
    ffn: int,
    vocab: int,
    positions: int,
    token_types: int = 0,
    pooler: bool = False,
    heads: int = 16,
) -> int:
    """The same count from torch's own modules, built on the ``meta`` device (shapes only, no
    memory): nn.TransformerEncoderLayer has exactly a BERT/GPT layer's tensors."""
    parts = [
        nn.TransformerEncoderLayer(hidden, heads, ffn, device="meta"),
        nn.Embedding(vocab, hidden, device="meta"),
        nn.Embedding(positions, hidden, device="meta"),
        nn.LayerNorm(hidden, device="meta"),
    ]
    if token_types:
        parts.append(nn.Embedding(token_types, hidden, device="meta"))
    if pooler:
        parts.append(nn.Linear(hidden, hidden, device="meta"))
    count = [sum(p.numel() for p in m.parameters()) for m in parts]
    return layers * count[0] + sum(count[1:])


#: Published configurations: (layers, hidden, ffn, vocab, positions, token types, pooler, heads).
MODELS = {
    "BERT-base": (12, 768, 3072, 30522, 512, 2, True, 12),
    "BERT-large": (24, 1024, 4096, 30522, 512, 2, True, 16),
    "GPT-3 175B": (96, 12288, 49152, 50257, 2048, 0, False, 96),
}


def model_parameters(name: str, built: bool = False) -> int:
    """Parameter count of a model in :data:`MODELS` (from the formula, or from torch modules)."""
    if name not in MODELS:
        raise ValueError(f"name: expected one of {sorted(MODELS)}, got {name!r}.")
    *config, heads = MODELS[name]
    if built:
        return transformer_parameters_built(*config, heads=heads)
    return transformer_parameters(*config)


def plot_memory_per_gpu(
    psi: float = 7.5e9,
    gpu_bytes: float = 80e9,
    k: float = K_MIXED_ADAM,
    max_devices: int = 1024,
    ax=None,
):
    """Per-device memory of each stage against N_d (log-log), with the GPU's capacity."""
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.8))
    n = np.unique(np.round(np.logspace(0, math.log10(max_devices), 60)).astype(int))
    for stage, style in zip(STAGES, ("-", "--", "-.", ":"), strict=True):
        mem = [bytes_per_device(psi, int(i), stage, k) / GB for i in n]
        ax.loglog(n, mem, style, lw=2, label=stage)
    ax.axhline(gpu_bytes / GB, color="grey", lw=1)
    ax.text(1.1, gpu_bytes / GB * 1.1, f"one {gpu_bytes / GB:.0f} GB GPU", color="grey")
    ax.set(
        xlabel="data-parallel devices $N_d$",
        ylabel="model states per device (GB)",
        title=f"Ψ = {psi / 1e9:g} B parameters, mixed-precision Adam (K = {k:g})",
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax.figure
