"""Argument checks shared by the whole package (a foundation: it imports nothing of ours).

Every check raises with the argument's name, what was expected, what arrived, and (where it
helps) what to do, so that bad input never turns into a silent NaN: ``TypeError`` when the
value is not of a usable kind (a string where a number belongs), ``ValueError`` when it is of
the right kind but unusable (a negative count, a NaN, a wrong shape).

Arrays: :func:`as_float_array`, :func:`check_shape`, :func:`check_same_shape`,
:func:`check_labels`, :func:`check_probabilities`. Scalars (Python and NumPy numbers, and
0-d torch tensors, which are read through ``.item()``): :func:`check_positive_int`,
:func:`check_number`, :func:`check_nonnegative`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def as_float_array(name: str, x, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``x`` as a floating NumPy array after checking dtype, rank and finiteness.

    One policy for every array-like (NumPy array, torch tensor, nested list): its elements
    must be floating-point numbers. Integer or boolean arrays are refused, because silently
    converting them hides mistakes such as passing class labels or a mask where values were
    meant. A single Python or NumPy number (int or float, not bool) is accepted as it is.
    NumPy arrays keep their floating dtype; anything else becomes float64.
    """
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            raw = np.asarray(x.detach().cpu() if hasattr(x, "detach") else x)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise ValueError(f"{name}: expected numbers, got {type(x).__name__} ({exc})") from None
        is_number = raw.ndim == 0 and not isinstance(x, bool) and raw.dtype.kind in "iuf"
        arr = raw.astype(np.float64) if is_number else raw
    if not np.issubdtype(arr.dtype, np.floating):
        if arr.dtype.kind in "biu":
            raise ValueError(
                f"{name}: expected a floating-point array, got {type(x).__name__} of dtype "
                f"{arr.dtype}. Convert it first, e.g. np.asarray({name}, dtype=np.float64) "
                f"(or {name}.double() for a torch tensor, or write 1.0 for 1 in a list)."
            )
        raise ValueError(
            f"{name}: expected numbers, got {type(x).__name__} (array dtype {arr.dtype}); pass a "
            "float array, a torch tensor or a nested list of floats of one rectangular shape."
        )
    if not isinstance(x, np.ndarray):
        arr = arr.astype(np.float64)
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
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise ValueError(
            f"n_classes: expected a whole number of classes, got {n_classes!r} "
            f"({type(n_classes).__name__}); pass e.g. 3, or int(labels.max()) + 1."
        )
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


# -- scalars --------------------------------------------------------------------------------------


def _scalar(value):
    """A 0-d tensor, 0-d array or NumPy number as the Python number it holds; else unchanged."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


def check_positive_int(name: str, value, *, minimum: int = 1) -> int:
    """A whole number >= ``minimum`` (int, NumPy integer or 0-d integer tensor; not a bool)."""
    v = _scalar(value)
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise ValueError(
            f"{name}: expected a whole number >= {minimum}, got {value!r} "
            f"({type(value).__name__}); write e.g. {name}={max(minimum, 1) * 10}."
        )
    if v < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {v}.")
    return int(v)


def check_number(
    name: str,
    value,
    *,
    low: float,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = True,
) -> float:
    """A finite real number in the stated interval (e.g. a learning rate, a probability).

    ``TypeError`` for anything that is not a real number (a string, a bool, a tensor of more
    than one element); ``ValueError``, naming the interval, for NaN, infinity or a value outside.
    """
    v = _scalar(value)
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} ({value!r}).")
    v = float(v)
    too_low = v <= low if low_open else v < low
    too_high = v >= high if high_open else v > high
    if not math.isfinite(v) or too_low or too_high:
        if math.isinf(high):
            wanted = f"a finite number {'>' if low_open else '>='} {low:g}"
        else:
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            wanted = f"a finite value in {left}{low:g}, {high:g}{right}"
        raise ValueError(f"{name}: expected {wanted}, got {v!r}. Pick a value inside that range.")
    return v


def check_nonnegative(name: str, value) -> float:
    """A finite number >= 0, such as a learning rate or a weight decay."""
    return check_number(name, value, low=0.0)
