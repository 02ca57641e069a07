"""Input validation shared by the reference formulas.

Every check raises ``ValueError`` with the argument's name, what was expected, what arrived,
and (where it helps) what to do, so that bad input never turns into a silent NaN.
"""

from __future__ import annotations

import numpy as np


def as_float_array(name: str, x, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``x`` as a floating NumPy array after checking dtype, rank and finiteness.

    Python lists and scalars are converted to float64. An existing array must already have a
    floating dtype: integer or boolean arrays are refused, because silently converting them
    hides mistakes such as passing class labels where probabilities were meant.
    """
    if isinstance(x, np.ndarray):
        if not np.issubdtype(x.dtype, np.floating):
            raise ValueError(
                f"{name}: expected a floating-point array, got dtype {x.dtype}. "
                f"Convert it first, e.g. {name}.astype(np.float64)."
            )
        arr = x
    else:
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}: expected numbers, got {type(x).__name__} ({exc})") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name}: expected a {want} array, got shape {arr.shape} ({arr.ndim}-D)."
            )
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name}: contains {bad} NaN or infinite value(s) (shape {arr.shape}); "
            "the formulas need finite inputs."
        )
    return arr


def check_shape(name: str, arr: np.ndarray, expected: tuple) -> None:
    """Check ``arr.shape`` against ``expected``; ``None`` in ``expected`` matches any size."""
    ok = arr.ndim == len(expected) and all(
        e is None or e == s for e, s in zip(expected, arr.shape, strict=False)
    )
    if not ok:
        shown = tuple("any" if e is None else e for e in expected)
        raise ValueError(f"{name}: expected shape {shown}, got {arr.shape}.")


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}."
        )


def check_labels(name: str, labels, n_classes: int) -> np.ndarray:
    """Check integer class labels in ``[0, n_classes)`` and return them as an int64 array."""
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu":
        raise ValueError(
            f"{name}: expected integer class labels, got dtype {arr.dtype}. "
            "Pass labels such as np.array([0, 2, 1])."
        )
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of labels, got shape {arr.shape}.")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name}: labels must lie in [0, {n_classes - 1}], got values from "
            f"{int(arr.min())} to {int(arr.max())}."
        )
    return arr.astype(np.int64)


def check_probabilities(name: str, p: np.ndarray) -> None:
    """Probabilities fed to a log must lie strictly inside (0, 1)."""
    if np.any(p <= 0.0) or np.any(p >= 1.0):
        lo, hi = float(p.min()), float(p.max())
        raise ValueError(
            f"{name}: probabilities must lie strictly between 0 and 1 (got min {lo:.3g}, "
            f"max {hi:.3g}); log(0) is infinite. Compute the loss from logits instead "
            "(binary_cross_entropy_with_logits / softmax_cross_entropy)."
        )
