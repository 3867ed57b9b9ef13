"""What the pretend Slack knows: workspaces, people, channels, and the calls, views and uploads
the app made. Only touched under the server's lock."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.pretend_slack.answers import JsonDict, SlackError


@dataclass
class Call:
    """One request the fake received, with what it answered."""

    method: (
        str  # "chat.postMessage", or "response_url" for POSTs to a response URL, or "upload" for file bytes
    )
    args: JsonDict  # the decoded arguments (JSON-decoded where a form field holds JSON such as blocks/view)
    token: str | None
    team_id: str | None  # the workspace the token belongs to
    status: int = 200  # the HTTP status answered
    response: JsonDict = field(default_factory=dict)  # the JSON answered ({} for plain text)
    url_key: str | None = None  # which response URL or upload URL a "response_url"/"upload" call used
    at: float = field(default_factory=time.monotonic)  # when it arrived, to check retry pacing

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok", True) is True


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    tz: str
    locale: str
    status_text: str
    status_emoji: str
    is_bot: bool
    deleted: bool
    email: str = ""  # given only to apps granted users:read.email

    def to_slack(self, *, include_locale: bool) -> JsonDict:
        now = datetime.now(ZoneInfo(self.tz))
        offset = now.utcoffset()
        user: JsonDict = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.name,
                "display_name_normalized": self.name,
                "status_text": self.status_text,
                "status_emoji": self.status_emoji,
                "team": self.team_id,
                **({"email": self.email} if self.email else {}),
            },
        }
        return user | ({"locale": self.locale} if include_locale else {})


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False

    def to_slack(self) -> JsonDict:
        is_im = self.id.startswith("D")
        channel: JsonDict = {
            "id": self.id,
            "name": self.name,
            "is_channel": not is_im and not self.is_private,
            "is_group": False,
            "is_im": is_im,
            "is_private": self.is_private or is_im,
            "is_archived": self.is_archived,
            "is_member": self.is_member,
            "created": 1_700_000_000,
        }
        # A DM id made by conversations.open is "D" + the user id, so the user is recoverable.
        return channel | ({"user": self.id[1:]} if is_im else {})


@dataclass
class Workspace:
    team_id: str
    name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or self.team_id.lower()

    def channel(self, channel_id: str) -> Channel:
        """A channel added by the test, or one made up from its id (the app may use any it was told of)."""
        known = self.channels.get(channel_id)
        if known:
            return known
        if not re.fullmatch(r"[CGD][A-Z0-9]+", channel_id):
            raise SlackError("channel_not_found")
        return Channel(channel_id, channel_id.lower(), is_private=channel_id.startswith("G"))


@dataclass
class Upload:
    file_id: str
    team_id: str
    filename: str
    length: int
    received: int | None = None
    content: bytes = b""


@dataclass
class ResponseUrl:
    team_id: str
    uses: int = 0


class SlackState:
    """Everything the fake remembers between calls. Only touched under the server's lock."""

    def __init__(self) -> None:
        self.base_url = ""
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # bot token -> team id
        self.views: dict[str, JsonDict] = {}
        self.external_ids: dict[str, str] = {}  # external_id -> view id
        self.uploads: dict[str, Upload] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._serial = itertools.count(1)
        self._ts = itertools.count(1)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._serial):08d}"

    def new_ts(self) -> str:
        """Unique, increasing and shaped like Slack's: seconds, a dot, six digits."""
        n = next(self._ts)
        return f"{1_700_000_000 + n // 10_000}.{n % 10_000 * 100:06d}"

    def workspace(self, call: Call) -> Workspace:
        assert call.team_id is not None, "only called after the token was authenticated"
        return self.workspaces[call.team_id]

    def team_of(self, token: str | None) -> str | None:
        return self.tokens.get(token) if token else None


def add_workspace(
    state: SlackState,
    team_id: str,
    *,
    bot_token: str,
    name: str | None,
    bot_user_id: str,
    bot_id: str = "BBOT",
) -> None:
    workspace = Workspace(team_id, name or team_id, bot_token, bot_user_id, bot_id)
    state.workspaces[team_id] = workspace
    state.tokens[bot_token] = team_id
    # The bot is a user of its workspace too: users.info on it answers like Slack's.
    bot_user = User(
        bot_user_id, team_id, "pmo", "PMO bot", "UTC", "en-US", "", "", is_bot=True, deleted=False
    )
    workspace.users[bot_user_id] = bot_user
