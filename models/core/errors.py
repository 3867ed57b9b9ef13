"""Errors the domain raises for a person to read: a message key and its parameters.

The domain knows nothing about Slack, but it knows what went wrong; the handlers turn the key
into a sentence in the user's language and show it beside the field or as an answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self


class Listed(tuple[str, ...]):
    """Several plain values an error names ("choose {kinds}"), in the order they are read.

    The domain says which; the view joins them the way the reader's language writes a list
    ("a, b" in English, "a、b" in Chinese).
    """


class Termed(Listed):
    """Values the reader's language has its own words for ("manager, member" is 项目经理、成员).

    Each value is shown as the catalog's `{prefix}.{value}`, joined as a list in that language.
    """

    prefix: str

    def __new__(cls, prefix: str, values: Iterable[str]) -> Self:
        termed = super().__new__(cls, values)
        termed.prefix = prefix
        return termed


class People(Listed):
    """People an error names ("only {deciders} can decide"), by their stored user ids.

    The domain says who; the view writes each the way it shows people (a Slack mention) and
    joins them as a list in the reader's language.
    """


class DomainError(Exception):
    def __init__(self, key: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params


class NotFoundError(DomainError):
    """Something named that does not exist in this workspace."""


class ForbiddenError(DomainError):
    """The user's role does not allow this."""


class InvalidError(DomainError):
    """Input that cannot be accepted as it is."""


class InvalidFormError(InvalidError):
    """Several fields wrong at once: a modal shows each beside its field, a command the first."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.key, field=first.field, **first.params)
        self.errors = errors


def check_all(*checks: DomainError | None) -> None:
    """Raise every problem found together, so a form is corrected in one go."""
    errors = [error for error in checks if error is not None]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InvalidFormError(errors)
