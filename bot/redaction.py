"""No token or secret in the logs, at any level.

slack-sdk logs every request and response at DEBUG (an OAuth exchange's answer holds the new
bot token), Bolt logs a refused request's headers and body, and an exception's text can quote
a URL with a password. A filter on every handler of the root logger rewrites each record
before it is written: Slack tokens by their shape, credentials by the name they follow, and the
secrets this process was configured with by their value.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy.engine import make_url

from bot.settings import Settings

REDACTED = "[redacted]"
# Secrets shorter than this are not searched for by value: they would redact ordinary words.
MIN_LITERAL = 6

PATTERNS = (
    # Bot, user, refresh and app-level tokens, configuration tokens.
    re.compile(r"\bx(?:ox[abeoprs]|app)-[A-Za-z0-9-]+"),
    # An Authorization header's value, whatever the scheme, in a dict's repr or a raw header.
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic)\s+)?[^'\"\s,}]+"),
    # Credentials by name: form fields, JSON keys, keyword arguments.
    re.compile(
        r"(?i)((?:client_secret|signing_secret|access_token|refresh_token|password)['\"]?\s*[:=]\s*['\"]?)"
        r"[^'\"\s,&}]+"
    ),
    # The password in a URL (postgresql://user:password@host/db).
    re.compile(r"(://[^/\s:@]+:)[^/\s@]+(?=@)"),
)


def redact(text: str, literals: Iterable[str] = ()) -> str:
    for secret in literals:
        text = text.replace(secret, REDACTED)
    for pattern in PATTERNS:
        text = pattern.sub(lambda match: (match.group(1) if match.groups() else "") + REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and traceback text with every secret replaced."""

    def __init__(self, literals: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        kept = {value for value in literals if len(value) >= MIN_LITERAL}
        self.literals = sorted(kept, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a record whose arguments don't fit: say so, safely
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = redact(message, self.literals), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.literals)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.literals)
        return True


def configured_secrets(settings: Settings) -> list[str]:
    """The settings' secrets by value: tokens, signing and client secrets, the database password."""
    held = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.slack_client_secret,
    )
    found = [value.get_secret_value() for value in held if value is not None]
    password = make_url(settings.database_url).password
    return [*found, str(password)] if password else found


def install(settings: Settings, logger: logging.Logger | None = None) -> RedactSecrets:
    """Put the filter on every handler of `logger` (the root logger by default)."""
    redaction = RedactSecrets(configured_secrets(settings))
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redaction)
    return redaction
