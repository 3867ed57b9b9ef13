"""Typed text is text: the one place that escapes what people type for Slack's mrkdwn.

Slack reads `<!channel>`, `<@U123>` and `<https://x|label>` in mrkdwn as a ping, a mention and
a link, and `&amp;`, `&lt;`, `&gt;` as the three characters they stand for. So anything a
person typed (a risk title, a standup answer, a lesson) is shown through `escape`, and only
text the bot built itself (catalog sentences, the mentions it renders from stored user ids)
is `Markup`. `Translator` escapes every parameter that is not `Markup`, so a view cannot
forget; `bot.blocks.plain` turns `Markup` back into the characters a person reads, because
Slack shows plain_text exactly as sent and would print `&lt;` literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Slack's escapes: only these three (https://api.slack.com/reference/surfaces/formatting#escaping).
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
UNESCAPES = {escaped: char for char, escaped in ESCAPES.items()}
ESCAPED = re.compile("|".join(map(re.escape, UNESCAPES)))


class Markup(str):
    """mrkdwn the bot wrote on purpose: a catalog sentence, a mention from a stored id."""

    __slots__ = ()

    # Markup joined to Markup (or to nothing) is still the bot's own text; joined to anything
    # else it is a plain str, which the translator escapes again: visible, never live.
    def __add__(self, other: str) -> str:
        joined = str.__add__(self, other)
        return Markup(joined) if isinstance(other, Markup) or other == "" else joined

    def __radd__(self, other: str) -> str:
        return Markup(self) if other == "" else other + str(self)

    def join(self, items: Iterable[str]) -> Markup:
        """Items joined by this separator; what is not already Markup is escaped first."""
        return Markup(str.join(self, (escape(item) for item in items)))


def escape(text: object) -> Markup:
    """`text` as mrkdwn that shows exactly these characters; Markup is kept as it is."""
    if isinstance(text, Markup):
        return text
    raw = str(text)
    return Markup(raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def unescape(text: str) -> str:
    """The characters a person reads in `text`: the exact inverse of `escape`, in one pass."""
    return ESCAPED.sub(lambda match: UNESCAPES[match[0]], text)


def mention(user_id: str) -> Markup:
    """A person the bot means, rendered from their stored user id, never from typed text."""
    return Markup(f"<@{escape(user_id)}>")


def channel_link(channel_id: str) -> Markup:
    """A channel the bot means, rendered from its stored id."""
    return Markup(f"<#{escape(channel_id)}>")


def as_text(text: str) -> str:
    """What a person reads: Markup's escapes undone; anything else is already as typed."""
    return unescape(text) if isinstance(text, Markup) else text
