"""The console's pretend workspace: its people and channels, and Slack's way of writing them.

Ids are derived from names (`#apollo` is always CAPOLLO, `@bob` always UBOB), so a project made
in one console session is found in its channel the next time, in the same database.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.pretend_slack import PretendSlack

TEAM = "TCONSOLE"  # its own workspace id, so console rows never mix with a real workspace's
TEAM_NAME = "Console"
BOT_TOKEN = "xoxb-console"
CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
MENTION = re.compile(r"(?<![\w<@])@([a-z][a-z0-9._-]*)")
CHANNEL_REF = re.compile(r"(?<![\w<&#])#([a-z0-9][a-z0-9_-]*)")
# Slack's escapes in mrkdwn: <@U1>, <@U1|name>, <#C1|name>, <!here>, <https://x|label>
SLACK_ESCAPE = re.compile(r"<([@#!]?)([^>|]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class Person:
    name: str
    real_name: str
    tz: str
    user_id: str
    locale: str = "en-US"  # Slack's locale for them, which picks the language they are answered in


# Three people on three continents, so local times differ, a PMO administrator, and Wei, whose
# Slack is in Simplified Chinese, so `:as @wei` shows the app in Chinese.
PEOPLE = (
    Person("alice", "Alice Chen", "Asia/Shanghai", "UALICE"),
    Person("bob", "Bob Smith", "America/New_York", "UBOB"),
    Person("carol", "Carol Díaz", "Europe/Madrid", "UCAROL"),
    Person("pat", "Pat Okafor", "Europe/London", "UPAT"),
    Person("wei", "李伟", "Asia/Shanghai", "UWEI", locale="zh-CN"),
)
ADMIN = "UPAT"


def channel_id(name: str) -> str:
    return "C" + re.sub(r"[^A-Z0-9]", "", name.upper())[:20]


class Directory:
    """Who and where, for the fake Slack the app talks to and for the person at the keyboard."""

    def __init__(self, fake: PretendSlack) -> None:
        self.fake = fake
        self.people = {person.user_id: person for person in PEOPLE}
        self.channels: dict[str, str] = {}  # id -> name
        fake.add_workspace(TEAM, bot_token=BOT_TOKEN, name=TEAM_NAME)
        for person in PEOPLE:
            fake.add_user(
                TEAM,
                person.user_id,
                name=person.name,
                real_name=person.real_name,
                tz=person.tz,
                locale=person.locale,
            )

    def person(self, text: str) -> Person | None:
        """`@bob`, `bob` or `UBOB`."""
        wanted = text.strip().removeprefix("@").lower()
        return next(
            (p for p in PEOPLE if wanted in (p.name, p.user_id.lower())),
            None,
        )

    def channel(self, name: str) -> str:
        """The id of channel `name` (without its #), which exists from the first time it is named."""
        if not CHANNEL_NAME.match(name):
            raise ValueError(name)
        found = channel_id(name)
        if found not in self.channels:
            self.channels[found] = name
            self.fake.add_channel(TEAM, found, name=name)
        return found

    def channel_name(self, channel: str) -> str:
        return self.channels.get(channel) or channel.removeprefix("C").lower()

    def user_name(self, user_id: str) -> str:
        person = self.people.get(user_id)
        return person.name if person else user_id

    def where(self, channel: str) -> str:
        """How a conversation is written: #apollo, or @bob for the DM with Bob."""
        if channel.startswith("D"):
            return "@" + self.user_name(channel[1:])
        if channel[:1] in ("U", "W"):
            return "@" + self.user_name(channel)
        return "#" + self.channel_name(channel)

    def escape(self, text: str) -> str:
        """What Slack turns typed text into before a slash command sees it: @bob and #apollo as ids."""

        def person(match: re.Match[str]) -> str:
            found = self.person(match[1])
            return f"<@{found.user_id}|{found.name}>" if found else match[0]

        def channel(match: re.Match[str]) -> str:
            found = channel_id(match[1])
            return f"<#{found}|{match[1]}>" if self.channels.get(found) == match[1] else match[0]

        return CHANNEL_REF.sub(channel, MENTION.sub(person, text))

    def unescape(self, text: str) -> str:
        """Slack mrkdwn as a person reads it: ids back to @names and #channels, links with labels."""

        def readable(match: re.Match[str]) -> str:
            sigil, target, label = match[1], match[2], match[3]
            if sigil == "@":
                return "@" + self.user_name(target)
            if sigil == "#":
                return "#" + (label or self.channel_name(target))
            if sigil == "!":
                return label or "@" + target
            return f"{label} ({target})" if label and label != target else target

        return html.unescape(SLACK_ESCAPE.sub(readable, text))
