"""Statements counted as the engine sends them, to show a pass costs the same few per project."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from models.core.database import Database


@contextmanager
def statements(database: Database) -> Iterator[Counter[str]]:
    """Every statement the engine sends meanwhile, counted by its first words."""
    seen: Counter[str] = Counter()

    def count(*event_args: Any) -> None:  # connection, cursor, statement, parameters…
        seen[" ".join(event_args[2].split()[:3]).upper()] += 1

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
