"""The statements and transactions an engine sends, seen through SQLAlchemy's own events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from models.core.database import Database

Listener = Callable[..., None]


@contextmanager
def _listening(database: Database, listeners: dict[str, Listener]) -> Iterator[None]:
    for name, listener in listeners.items():
        event.listen(database.engine, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners.items():
            event.remove(database.engine, name, listener)


def _first_words(statement: str) -> str:
    return " ".join(statement.split()[:3]).upper()


@contextmanager
def statements(database: Database) -> Iterator[Counter[str]]:
    """Every statement the engine sends meanwhile, counted by its first words."""
    seen: Counter[str] = Counter()

    def count(*event_args: Any) -> None:  # connection, cursor, statement, parameters…
        seen[_first_words(event_args[2])] += 1

    with _listening(database, {"before_cursor_execute": count}):
        yield seen


@contextmanager
def texts(database: Database) -> Iterator[list[str]]:
    """The text of every statement the engine sends meanwhile, as the driver receives it."""
    sent: list[str] = []

    def keep(*event_args: Any) -> None:
        sent.append(event_args[2])

    with _listening(database, {"before_cursor_execute": keep}):
        yield sent


@contextmanager
def transactions(database: Database) -> Iterator[list[list[str]]]:
    """Each transaction committed meanwhile, as the first words of the statements it sent."""
    committed: list[list[str]] = []
    pending: dict[int, list[str]] = {}

    def sent(*event_args: Any) -> None:
        pending.setdefault(id(event_args[0]), []).append(_first_words(event_args[2]))

    def commit(connection: Any) -> None:
        committed.append(pending.pop(id(connection), []))

    def rollback(connection: Any) -> None:
        pending.pop(id(connection), None)

    with _listening(database, {"before_cursor_execute": sent, "commit": commit, "rollback": rollback}):
        yield committed
