"""How the book prints a difference between two results: as a bound that reads the same on
every machine.

``format_bound(d, floor)`` prints ``"< floor"`` when d < floor, else d to two significant
digits. A zero difference prints as ``"< floor"`` too: whether two float sums agree bit for
bit depends on the order of their partial sums, which the CPU's vector instructions, the BLAS
kernel and the thread count decide. A real mismatch is large enough for two digits to be stable.
"""

from __future__ import annotations


def format_bound(value: float, floor: float = 1e-5) -> str:
    """``value`` (a non-negative difference) as ``"< floor"`` or with two significant digits."""
    if value < floor:
        return f"< {floor:.0e}"
    return f"{value:.1e}"
