"""The package's layers (bigmodel_lab.LAYERS, drawn in its top docstring) hold in every import.

Each module is parsed with ``ast`` (nothing is imported or run) and every ``import`` and
``from ... import`` in it, at the top or inside a function, is resolved to the top-level unit
of ``bigmodel_lab`` it names. An import may stay inside its own unit or go down to a lower
layer; one that goes up, or sideways to a sibling of the same layer, is reported with its file
and line. Names with a leading underscore are private: no module imports one from another
module, and a private module (``kernels/_common.py``) is imported only inside its package.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import bigmodel_lab

PACKAGE = Path(bigmodel_lab.__file__).parent
RANK = {unit: rank for rank, (_, units) in enumerate(bigmodel_lab.LAYERS) for unit in units}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    """'bigmodel_lab.kernels.relu' -> 'kernels'; the package itself -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "bigmodel_lab" else None


def _package(path: Path, module: str) -> str:
    return module if path.name == "__init__.py" else module.rsplit(".", 1)[0]


def _imports(path: Path, module: str):
    """(line, imported module, imported names) for every import of ours in one file."""
    package = _package(path, module)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bigmodel_lab"):
                    yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("bigmodel_lab"):
                names = [a.name for a in node.names]
                # `from bigmodel_lab import kernels` imports the unit `kernels`
                subs = [f"{target}.{n}" for n in names if (PACKAGE.parent / Path(*f"{target}.{n}".split("."))).exists()
                        or (PACKAGE.parent / Path(*f"{target}.{n}".split("."))).with_suffix(".py").exists()]  # fmt: skip
                if subs:
                    for sub in subs:
                        yield node.lineno, sub, []
                    names = [n for n in names if f"{target}.{n}" not in subs]
                if names or not subs:
                    yield node.lineno, target, names


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_unit_of_the_package_has_exactly_one_layer():
    units = {p.stem if p.suffix == ".py" else p.name for p in PACKAGE.iterdir()}
    units = {u for u in units if not u.startswith("__") and u != "__pycache__"}
    listed = [u for _, us in bigmodel_lab.LAYERS for u in us]
    assert len(listed) == len(set(listed)), f"listed twice: {listed}"
    assert set(listed) == units, (
        f"not in LAYERS: {sorted(units - set(listed))}; in LAYERS but absent: "
        f"{sorted(set(listed) - units)}"
    )


def test_the_docstring_draws_the_layers_in_order():
    rows = re.findall(r"^(\d+)\s{2,}(.+?)\s{2,}(.*)$", bigmodel_lab.__doc__, re.M)
    drawn = {int(rank): (name.strip(), body) for rank, name, body in rows}
    doc = bigmodel_lab.__doc__
    for rank, (name, units) in enumerate(bigmodel_lab.LAYERS):
        assert drawn.get(rank, ("",))[0] == name, f"rank {rank} should be drawn as {name!r}"
        for unit in units:
            assert f"``{unit}``" in doc, f"{unit} is not in the docstring's table"


def _wrong_layers(path: Path, module: str) -> list[str]:
    here = _unit(module)
    if here is None:
        return []  # bigmodel_lab/__init__.py imports nothing of ours
    wrong = []
    for line, target, _ in _imports(path, module):
        there = _unit(target)
        if there is None or there == here:
            continue
        if RANK[there] >= RANK[here]:
            how = "sideways" if RANK[there] == RANK[here] else "up"
            wrong.append(
                f"{module}:{line} imports {target} ({how}: "
                f"{here} is in layer {RANK[here]}, {there} in layer {RANK[there]})"
            )
    return wrong


def _private_imports(path: Path, module: str) -> list[str]:
    package = _package(path, module)
    wrong = []
    for line, target, names in _imports(path, module):
        private_names = [n for n in names if n.startswith("_")]
        if private_names:
            wrong.append(f"{module}:{line} imports private {private_names} from {target}")
        parts = target.split(".")
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:i])
                if not (package == owner or package.startswith(owner + ".")):
                    wrong.append(f"{module}:{line} imports {target}, private to {owner}")
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_only_down(path):
    wrong = _wrong_layers(path, _module_name(path))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_private_names_stay_private(path):
    wrong = _private_imports(path, _module_name(path))
    assert not wrong, "\n".join(wrong)


def test_no_two_public_classes_share_a_name():
    seen: dict[str, list[str]] = {}
    for path in MODULES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                seen.setdefault(node.name, []).append(_module_name(path))
    twice = {name: where for name, where in seen.items() if len(where) > 1}
    assert not twice, f"one name, several classes: {twice}"


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The scan is not vacuous: an upward and two private imports in a probe are found."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ..training import fit\n"
        "def f():\n    from ..kernels._common import DEVICE\n"
        "from .dense import _x\n"
        "from bigmodel_lab import kernels, errata\n",
        encoding="utf-8",
    )
    module = "bigmodel_lab.formulas.probe"
    assert [t for _, t, _ in _imports(probe, module)] == [
        "bigmodel_lab.training",
        "bigmodel_lab.formulas.dense",
        "bigmodel_lab.kernels",
        "bigmodel_lab.errata",
        "bigmodel_lab.kernels._common",
    ]
    layers = "\n".join(_wrong_layers(probe, module))
    assert "training (up: formulas is in layer 1, training in layer 2)" in layers
    assert "kernels (sideways" in layers and "errata (up" in layers
    private = "\n".join(_private_imports(probe, module))
    assert "private ['_x']" in private and "private to bigmodel_lab.kernels" in private
