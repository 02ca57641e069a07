"""How the book prints numbers and the agreement of two results (a foundation: NumPy and pandas).

Everything a notebook prints and nbval compares goes through here, so that it reads the same
on every IEEE-754 machine:

- **Numbers at fixed precision:** :func:`fmt` (never "-0.0000"), :func:`fmt_vector`,
  :func:`matrix_frame`.
- **A difference as a bound:** :func:`format_bound` prints ``"< floor"`` below the floor and
  the value to a fixed number of significant digits above it. Whether two float sums agree
  bit for bit, and how small their difference is below about 1e-15, depend on the order of
  the partial sums, which the CPU's vector instructions, the BLAS kernel and the thread count
  decide; a real mismatch is large enough for its leading digits to be stable.
  :func:`bound_frame` applies it to every float column of a table.
- **Measuring agreement:** :func:`relative_error` (max|a - e| / max|e|), :func:`tolerance`
  and :func:`mismatch_report`, which judges element by element as Liger-Kernel's tests do,
  ``|actual - expected| <= atol + rtol · |expected|``, and says how many elements differ,
  where, and which are NaN or infinite.
- **The hand-versus-referee table** (micrograd's ``cmp``): :func:`compare` makes one row
  (name, exact, close, max |mine - reference|), :func:`comparison_table` collects rows, and
  :func:`format_table` / :func:`verdict_table` print them without the machine-dependent parts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# -- numbers at fixed precision -------------------------------------------------------------------


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


# -- a difference as a bound ----------------------------------------------------------------------


def format_bound(value: float, floor: float = 1e-5, digits: int = 2) -> str:
    """``value`` (a non-negative difference) as ``"< floor"``, or with ``digits`` significant
    digits: ``format_bound(0.0) == "< 1e-05"``, ``format_bound(2.5e-3) == "2.5e-03"``."""
    if value < floor:
        return f"< {floor:.0e}"
    return f"{value:.{digits - 1}e}"


def bound_frame(rows, floor: float = 1e-5) -> pd.DataFrame:
    """Rows (dicts) as a DataFrame whose float columns are printed by :func:`format_bound`."""
    frame = pd.DataFrame(list(rows))
    for col in frame.columns:
        if frame[col].dtype == float:
            frame[col] = [format_bound(v, floor) for v in frame[col]]
    return frame


# -- measuring agreement ----------------------------------------------------------------------------


def as_float64(x) -> np.ndarray:
    """An array, a torch tensor (any device) or a number as a float64 NumPy array."""
    if hasattr(x, "detach"):  # a torch tensor, without importing torch here
        x = x.detach().to("cpu").double().numpy()
    return np.asarray(x, dtype=np.float64)


def relative_error(actual, expected) -> float:
    """max|actual - expected| / max|expected| (0 when both are all zeros)."""
    a, e = as_float64(actual), as_float64(expected)
    scale = float(np.abs(e).max()) if e.size else 0.0
    diff = float(np.abs(a - e).max()) if e.size else 0.0
    if scale == 0.0:
        return 0.0 if diff == 0.0 else float("inf")
    return diff / scale


def tolerance(expected, rtol: float) -> tuple[float, float]:
    """(rtol, atol) for a comparison with ``expected``: atol = rtol · max|expected| (finite)."""
    e = as_float64(expected)
    finite = np.abs(e[np.isfinite(e)])
    return rtol, rtol * (float(finite.max()) if finite.size else 0.0)


def mismatch_report(
    name: str, actual, expected, rtol: float, atol: float = 0.0, show: int = 5
) -> str | None:
    """None if ``actual`` matches ``expected``, else a description of every kind of mismatch.

    NaN matches NaN and an infinity matches the same infinity; anything else non-finite on one
    side only is a mismatch and is reported separately, with its first positions.
    """
    a, e = as_float64(actual), as_float64(expected)
    if a.shape != e.shape:
        return f"{name}: shape {a.shape} differs from the reference's {e.shape}"
    both_nan = np.isnan(a) & np.isnan(e)
    same_inf = np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e))
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
        close = np.isfinite(a) & np.isfinite(e) & (diff <= atol + rtol * np.abs(e))
    ok = close | both_nan | same_inf
    if ok.all():
        return None
    bad = ~ok
    lines = [
        f"{name}: {int(bad.sum())} of {a.size} elements differ (rtol={rtol:.1e}, atol={atol:.1e})"
    ]

    def where(mask) -> str:
        idx = [tuple(int(i) for i in p) for p in np.argwhere(mask)[:show]]
        return ", ".join(str(i[0] if len(i) == 1 else i) for i in idx)

    for label, mask in (
        ("NaN in the result", np.isnan(a) & ~np.isnan(e)),
        ("NaN in the reference", np.isnan(e) & ~np.isnan(a)),
        ("infinite in the result", np.isinf(a) & ~same_inf),
        ("infinite in the reference", np.isinf(e) & ~same_inf),
    ):
        if mask.any():
            lines.append(f"  {label}: {int(mask.sum())}, first at {where(mask)}")
    finite_bad = bad & np.isfinite(a) & np.isfinite(e)
    if finite_bad.any():
        worst = np.unravel_index(np.argmax(np.where(finite_bad, diff, -1.0)), a.shape)
        lines.append(
            f"  largest |difference| {diff[worst]:.3e} at {tuple(int(i) for i in worst)}:"
            f" result {a[worst]:.6e}, reference {e[worst]:.6e}"
        )
        lines.append(f"  first finite mismatches at {where(finite_bad)}")
    return "\n".join(lines)


# -- the hand-versus-referee table ----------------------------------------------------------------


def compare(name: str, mine, reference, *, rtol: float = 1e-6, atol: float = 1e-8) -> dict:
    """One row of the comparison table: name, exact, close, max |mine - reference|."""
    mine = np.asarray(mine, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if mine.shape != reference.shape:
        raise ValueError(
            f"{name}: the hand value has shape {mine.shape} but the reference has shape "
            f"{reference.shape}; they cannot be compared."
        )
    diff = np.abs(mine - reference)
    return {
        "name": name,
        "exact": bool(np.array_equal(mine, reference)),
        "close": bool(np.allclose(mine, reference, rtol=rtol, atol=atol)),
        "max_abs_diff": float(diff.max()) if diff.size else 0.0,
    }


def comparison_table(rows: Sequence[dict]) -> pd.DataFrame:
    """A DataFrame of :func:`compare` rows, indexed by name."""
    return pd.DataFrame(list(rows)).set_index("name")


def format_table(df: pd.DataFrame, floor: float = 1e-12) -> str:
    """A comparison table as text: "exact" left out, each difference through
    :func:`format_bound` with three significant digits, so it reads the same on every machine
    and still exposes a real mismatch."""
    out = df.drop(columns=["exact"], errors="ignore")
    if "max_abs_diff" in out:
        out["max_abs_diff"] = [format_bound(v, floor, digits=3) for v in out["max_abs_diff"]]
    return out.to_string()


def verdict_table(table: pd.DataFrame, bound: float) -> pd.DataFrame:
    """A comparison table reduced to booleans that print the same on every machine:
    "close" and "difference below ``bound``"."""
    return pd.DataFrame(
        {
            "close": table["close"],
            f"max |diff| < {bound:.0e}": table["max_abs_diff"] < bound,
        },
        index=table.index,
    )
