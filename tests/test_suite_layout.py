"""The suite's own layout: shared helpers live in tests/support/, so no test module imports another.

A helper imported from a test module drags that module's tests into every importer's reading,
and pytest's conftest is for fixtures, found by name, never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" and len(parts) > 1 and (parts[1].startswith("test_") or parts[1] == "conftest")


def test_no_test_module_helper_or_benchmark_imports_a_test_module_or_conftest() -> None:
    sources = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    offending = {
        str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path) if is_test_module(name))
        for path in sources
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_check_sees_each_way_of_importing_a_test_module(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    written = ("from tests.test_charter import create", "import tests.conftest", "from tests import test_cli")
    for line in written:
        source.write_text(line + "\n")
        assert any(is_test_module(name) for name in imported_modules(source)), line
    source.write_text("from tests.support.charter import create\nfrom tests import support\n")
    assert not any(is_test_module(name) for name in imported_modules(source))
