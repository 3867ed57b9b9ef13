"""The statements an engine sends, counted with SQLAlchemy's own events."""

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


@contextmanager
def transactions(database: Database) -> Iterator[list[list[str]]]:
    """Each transaction committed meanwhile, as the first words of the statements it sent."""
    committed: list[list[str]] = []
    pending: dict[int, list[str]] = {}

    def sent(*event_args: Any) -> None:  # connection, cursor, statement, parameters…
        words = " ".join(event_args[2].split()[:3]).upper()
        pending.setdefault(id(event_args[0]), []).append(words)

    def commit(connection: Any) -> None:
        committed.append(pending.pop(id(connection), []))

    def rollback(connection: Any) -> None:
        pending.pop(id(connection), None)

    listeners = [("before_cursor_execute", sent), ("commit", commit), ("rollback", rollback)]
    for name, listener in listeners:
        event.listen(database.engine, name, listener)
    try:
        yield committed
    finally:
        for name, listener in listeners:
            event.remove(database.engine, name, listener)
