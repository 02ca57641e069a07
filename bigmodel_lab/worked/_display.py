"""Fixed-precision text for the worked examples: what the notebook prints and nbval compares."""

from __future__ import annotations

import numpy as np
import pandas as pd


def fmt(value, digits: int = 4) -> str:
    """One number at fixed precision, never "-0.0000" (a tiny negative rounds to a plain 0)."""
    text = f"{float(value):.{digits}f}"
    if text.lstrip("-").strip("0.") == "":
        return text.lstrip("-")
    return text


def fmt_vector(values, digits: int = 4) -> str:
    """A 1-D array as "[a, b, c]" at fixed precision."""
    return "[" + ", ".join(fmt(v, digits) for v in np.ravel(values)) + "]"


def matrix_frame(M, rows, cols, digits: int = 4) -> pd.DataFrame:
    """A 2-D array as a DataFrame of fixed-precision strings with labelled rows and columns."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    if M.shape != (len(rows), len(cols)):
        raise ValueError(
            f"M: expected shape ({len(rows)}, {len(cols)}) to match the labels, got {M.shape}."
        )
    return pd.DataFrame(
        [[fmt(v, digits) for v in row] for row in M], index=list(rows), columns=list(cols)
    )


def verdict_table(table: pd.DataFrame, bound: float) -> pd.DataFrame:
    """A comparison table reduced to what prints the same on every machine.

    Whether two float computations agree bit for bit, and their difference below about 1e-15,
    depend on the CPU and the BLAS build; "close" and "difference below ``bound``" do not.
    """
    return pd.DataFrame(
        {
            "close": table["close"],
            f"max |diff| < {bound:.0e}": table["max_abs_diff"] < bound,
        },
        index=table.index,
    )
