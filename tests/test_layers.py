"""Imports point one way: core ← models ← reports ← scheduler ← api / cli.

Every module's imports are read (ast, including imports inside functions) and any import of
a higher layer fails the test, naming the module and the line. demo/ (the demo data) imports
the domain and is imported only by the CLI and the tests. piccolo_app.py and piccolo_conf.py
are the table registry Piccolo reads: they may import every package's tables, and only the
entry points (api/, cli/) and the tests import them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"core": 0, "models": 1, "reports": 2, "scheduler": 3, "demo": 3, "api": 4, "cli": 4}
# The registry imports every package's tables, so it sits with the entry points; it is not
# checked itself.
LAYERS = {**PACKAGES, "piccolo_app": 4, "piccolo_conf": 4}
DEMO_USERS = {"cli", "tests"}


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every absolute module name ``path`` imports, with its line (relative imports stay in
    their own package, so they cannot point upward)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def layer_violations(root: Path = ROOT) -> list[str]:
    problems = []
    for package in [*PACKAGES, "tests"]:
        for path in sorted((root / package).rglob("*.py")):
            where = path.relative_to(root)
            for module, line in imported_modules(path):
                target = package_of(module)
                if target == "demo" and package not in DEMO_USERS | {"demo"}:
                    problems.append(f"{where}:{line} imports {module}: demo/ is for the CLI and tests only")
                elif package in PACKAGES and LAYERS.get(target, -1) > PACKAGES[package]:
                    problems.append(f"{where}:{line} imports {module}: {package}/ may not import {target}/")
    return problems


def test_no_module_imports_a_higher_layer():
    assert layer_violations() == []


def test_an_upward_import_is_named_with_its_line(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "leak.py").write_text(
        "import os\n\n\ndef f():\n    from api.app import create_app\n"
    )
    assert layer_violations(tmp_path) == ["models/leak.py:5 imports api.app: models/ may not import api/"]
