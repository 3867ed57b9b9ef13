"""Errors the domain raises for a person to read: a message key and its parameters.

The domain knows nothing about Slack, but it knows what went wrong; the handlers turn the key
into a sentence in the user's language and show it beside the field or as an answer.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(self, key: str, *, field: str | None = None, **params: Any) -> None:
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
