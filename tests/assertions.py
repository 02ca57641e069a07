"""Assertions shared by the tests: element-wise closeness with a report, the kernel triad, errors."""

from __future__ import annotations

import torch

from bigmodel_lab.display import mismatch_report, tolerance
from bigmodel_lab.verification.kernel_triads import RTOL, TriadResult

#: torch in float64 against the float64 formula: both exact to about 1e-15 relative, so a
#: disagreement beyond 1e-10 means the formula or the case's wiring is wrong.
REFEREE_RTOL = 1e-10


def assert_close(name, actual, expected, rtol):
    """Element-wise |actual - expected| <= rtol·|expected| + rtol·max|expected|, with a report."""
    rtol, atol = tolerance(expected, rtol)
    report = mismatch_report(name, actual, expected, rtol, atol)
    assert report is None, report


def assert_triad(result: TriadResult, rtol: float | None = None) -> None:
    """Kernel vs formula, kernel vs torch, and torch vs formula, for every quantity."""
    rtol = rtol if rtol is not None else RTOL[result.dtype]
    for q in result.quantities:
        k, t, f = result.kernel[q], result.torch[q], result.formula[q]
        assert k.dtype == result.dtype, f"{q}: the kernel returned {k.dtype}"
        assert torch.isfinite(k).all(), f"{q}: the kernel returned NaN or infinity"
        assert_close(f"{result.case} {q}: kernel vs formula", k, f, rtol)
        assert_close(f"{result.case} {q}: kernel vs torch", k, t, rtol)
        assert_close(f"{result.case} {q}: torch vs formula", t, f, REFEREE_RTOL)


def assert_raises(fn, exc_type, *fragments):
    """``fn()`` raises ``exc_type`` whose message contains every fragment (case-insensitive)."""
    try:
        fn()
    except exc_type as err:
        message = str(err).lower()
        missing = [f for f in fragments if f.lower() not in message]
        assert not missing, f"message {str(err)!r} lacks {missing}"
        return err
    raise AssertionError(f"expected {exc_type.__name__}, nothing was raised")


def fp64(t):
    """A float64 CPU copy of a tensor, detached."""
    return t.detach().to("cpu", torch.float64)
