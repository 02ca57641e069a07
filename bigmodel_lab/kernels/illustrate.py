"""Small helpers for the chapter: kernel source code and a picture of a launch grid."""

from __future__ import annotations

import importlib
import inspect

import numpy as np


def kernel_source(op: str, which: str = "forward") -> str:
    """Source of ``_<op>_<which>_kernel`` for ``which`` "forward" or "backward", or of the jitted
    function named ``which`` itself (a device function such as ``tl_sigmoid``)."""
    module = importlib.import_module(f"{__package__}.{op}")
    name = f"_{op}_{which}_kernel" if which in ("forward", "backward") else which
    try:
        obj = getattr(module, name)
    except AttributeError:
        names = sorted(n for n in dir(module) if n.endswith("_kernel") or n.startswith("tl_"))
        raise ValueError(f"which: {op}.py has no {name}; its kernels are {names}.") from None
    return inspect.getsource(getattr(obj, "fn", obj))


def tile_figure(m: int, n: int, block_m: int, block_n: int, ax=None):
    """Draw an (m, n) output cut into BLOCK_M x BLOCK_N program tiles; masked lanes hatched.

    Each tile is labelled with its program ids (pid_m, pid_n). Returns the axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7 * m / n if n else 4))
    grid_m, grid_n = -(-m // block_m), -(-n // block_n)
    colours = plt.cm.Pastel1(np.linspace(0, 1, 9))
    for i in range(grid_m):
        for j in range(grid_n):
            top, left = i * block_m, j * block_n
            ax.add_patch(
                Rectangle(
                    (left, top),
                    block_n,
                    block_m,
                    facecolor=colours[(i + j) % 9],
                    edgecolor="black",
                    linewidth=1.2,
                )
            )
            # label the part of the tile that holds real data
            ax.text(
                (left + min(left + block_n, n)) / 2,
                (top + min(top + block_m, m)) / 2,
                f"({i}, {j})",
                ha="center",
                va="center",
                fontsize=9,
            )
    # lanes past the edge of the matrix exist in every last tile but are masked off
    ax.add_patch(
        Rectangle(
            (n, 0),
            grid_n * block_n - n,
            grid_m * block_m,
            facecolor="none",
            hatch="//",
            edgecolor="grey",
            linewidth=0,
        )
    )
    ax.add_patch(
        Rectangle(
            (0, m),
            n,
            grid_m * block_m - m,
            facecolor="none",
            hatch="//",
            edgecolor="grey",
            linewidth=0,
        )
    )
    ax.add_patch(Rectangle((0, 0), n, m, facecolor="none", edgecolor="red", linewidth=2.5))
    ax.set_xlim(0, grid_n * block_n)
    ax.set_ylim(grid_m * block_m, 0)
    ax.set_aspect("equal")
    ax.set_xlabel("column n")
    ax.set_ylabel("row m")
    ax.set_title(
        f"a {m} x {n} output in {block_m} x {block_n} tiles: {grid_m * grid_n} programs\n"
        "(red: the matrix; hatched: masked lanes)",
        fontsize=10,
    )
    return ax
