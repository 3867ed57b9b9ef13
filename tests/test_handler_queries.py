"""Handlers ask models/ for what they need: no SQL is written under handlers/.

A listener that builds its own select is a query nobody finds in the domain's package, and
the place where "open work" or "a pending change" gets defined a second time. The session is
still passed through handlers (as `Session`, the type), but every statement lives in models/.
"""

from __future__ import annotations

import ast
from pathlib import Path

HANDLERS = Path(__file__).resolve().parent.parent / "handlers"

# Slack plumbing that keeps its own records of requests, not the domain's: replays, once-only
# submissions and events, the people directory's cache, the pass runner's list of workspaces.
PLUMBING = {
    "slack/directory.py",
    "slack/events.py",
    "slack/installations.py",  # slack-sdk's own stores declare their tables
    "slack/once.py",
    "slack/passes.py",
    "slack/replays.py",
}
# The session's type for signatures, and the database's errors for answering a failure.
ALLOWED_IMPORTS = {"sqlalchemy": {"exc"}, "sqlalchemy.orm": {"Session"}, "sqlalchemy.exc": None}
SESSION_NAMES = {"db", "conn", "session"}
QUERY_METHODS = {"execute", "scalars", "scalar", "get", "add", "add_all", "delete", "merge", "query"}


def _import_problems(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [f"import {a.name}" for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
    if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("sqlalchemy"):
        return []
    allowed = ALLOWED_IMPORTS.get(node.module or "", set())
    if node.module in ALLOWED_IMPORTS and allowed is None:
        return []
    return [f"from {node.module} import {a.name}" for a in node.names if a.name not in (allowed or set())]


def _call_problem(node: ast.AST) -> str | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    receiver = node.func.value
    if isinstance(receiver, ast.Name) and receiver.id in SESSION_NAMES and node.func.attr in QUERY_METHODS:
        return f"{receiver.id}.{node.func.attr}(…)"
    return None


def query_problems(source: str) -> list[str]:
    """What in `source` writes SQL or reads the session directly, with line numbers."""
    found = []
    for node in ast.walk(ast.parse(source)):
        problems = _import_problems(node)
        if (call := _call_problem(node)) is not None:
            problems.append(call)
        found += [f"line {node.lineno}: {problem}" for problem in problems]  # type: ignore[attr-defined]
    return found


def test_no_handler_module_writes_sql_or_reads_the_session_itself() -> None:
    found = {
        str(path.relative_to(HANDLERS)): problems
        for path in sorted(HANDLERS.rglob("*.py"))
        if path.relative_to(HANDLERS).as_posix() not in PLUMBING
        and (problems := query_problems(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_a_select_an_update_and_a_session_get() -> None:
    source = (
        "from sqlalchemy import select, update\n"
        "from sqlalchemy.orm import Session\n"
        "def f(db: Session) -> None:\n"
        "    db.scalars(select(Task))\n"
        "    db.get(Task, 1)\n"
        "    values.get('key')\n"
    )
    assert query_problems(source) == [
        "line 1: from sqlalchemy import select",
        "line 1: from sqlalchemy import update",
        "line 4: db.scalars(…)",
        "line 5: db.get(…)",
    ]


def test_the_plumbing_allowed_its_own_records_still_exists() -> None:
    """A module moved or gone must leave the list, not keep an exception for nothing."""
    assert all((HANDLERS / name).is_file() for name in PLUMBING)
