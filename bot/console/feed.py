"""What the app did in the pretend Slack since the last look, as events the console can show.

Every Web API call the app made reached the fake Slack, which recorded it; the feed reads the new
ones in order and keeps what a person in Slack would notice: messages posted, edited or answered
through a response URL, modals opened, Home tabs published and files shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.pretend_slack import Call, PretendSlack

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """Where a message sits, for clicks in it: its conversation, who alone sees it, and the message."""

    channel: str
    audience: str | None  # the one person who sees it (a DM, an ephemeral answer); None: everyone
    message: JsonDict | None  # with its ts; None for an ephemeral message, as Slack sends clicks


@dataclass(frozen=True)
class Posted:
    origin: Origin
    content: JsonDict  # text and blocks
    edited: bool = False


@dataclass(frozen=True)
class ModalOpened:
    view: JsonDict  # as Slack stored it: with its id, hash and private_metadata


@dataclass(frozen=True)
class HomePublished:
    user_id: str
    view: JsonDict


@dataclass(frozen=True)
class FileShared:
    channel: str
    comment: str
    paths: list[Path]


@dataclass(frozen=True)
class Refused:
    """A call Slack would refuse or did refuse: the app should not make it."""

    method: str
    error: str


Event = Posted | ModalOpened | HomePublished | FileShared | Refused

# Failures worth showing: what the app meant people to see. Others (users.info on someone who
# left) are answers the app copes with.
SHOWN_FAILURES = ("chat.", "views.", "files.", "response_url", "upload")


@dataclass(frozen=True)
class ResponseTarget:
    """What a response URL answers: a command in a channel, or a click in a message."""

    channel: str
    user: str
    clicked: Origin | None = None


@dataclass
class Feed:
    fake: PretendSlack
    files_dir: Path
    targets: dict[str, ResponseTarget] = field(default_factory=dict)  # response URL key -> target
    _seen_calls: int = 0
    _seen_violations: int = 0

    def response_url(self, team_id: str, target: ResponseTarget) -> str:
        url = self.fake.response_url(team_id)
        self.targets[url.rpartition("/")[2]] = target
        return url

    def take(self) -> list[Event]:
        calls = self.fake.calls[self._seen_calls :]
        self._seen_calls += len(calls)
        events: list[Event] = []
        for call in calls:
            events += self.events_of(call)
        violations = self.fake.violations[self._seen_violations :]
        self._seen_violations += len(violations)
        events += [Refused(*violation.split(": ", 1)) for violation in violations]
        return events

    def events_of(self, call: Call) -> list[Event]:
        if not call.ok:
            if not call.method.startswith(SHOWN_FAILURES):
                return []
            return [Refused(call.method, str(call.response.get("error") or call.status))]
        reader = {
            "chat.postMessage": self.posted,
            "chat.update": self.posted,
            "chat.postEphemeral": self.ephemeral,
            "response_url": self.response_events,
            "views.open": self.modal,
            "views.push": self.modal,
            "views.publish": self.home,
            "files.completeUploadExternal": self.file_event,
        }.get(call.method)
        return reader(call) if reader else []

    def posted(self, call: Call) -> list[Event]:
        channel = call.response["channel"]
        audience = channel[1:] if channel.startswith("D") else None
        origin = Origin(channel, audience, call.response["message"])
        return [Posted(origin, call.args, edited=call.method == "chat.update")]

    def ephemeral(self, call: Call) -> list[Event]:
        return [Posted(Origin(call.args["channel"], call.args["user"], None), call.args)]

    def modal(self, call: Call) -> list[Event]:
        return [ModalOpened(call.response["view"])]

    def home(self, call: Call) -> list[Event]:
        return [HomePublished(call.args["user_id"], call.response["view"])]

    def response_events(self, call: Call) -> list[Event]:
        target = self.targets.get(call.url_key or "")
        if target is None or call.args.get("delete_original") in (True, "true"):
            return []
        args = call.args
        clicked = target.clicked
        if args.get("replace_original") in (True, "true") and clicked is not None:
            return [Posted(clicked, args, edited=True)]
        in_channel = args.get("response_type") == "in_channel"
        return [Posted(Origin(target.channel, None if in_channel else target.user, None), args)]

    def file_event(self, call: Call) -> list[Event]:
        args, paths = call.args, []
        for item in args["files"]:
            upload = self.fake.uploaded(item["id"])
            if upload is not None:
                paths.append(self.save(upload.filename, upload.content))
        return [FileShared(str(args.get("channel_id") or ""), str(args.get("initial_comment") or ""), paths)]

    def save(self, filename: str, content: bytes) -> Path:
        """Keep a file the app uploaded; a name already taken gets a number, nothing is overwritten."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(filename).name or "file"
        path, n = self.files_dir / name, 1
        while path.exists():
            n += 1
            path = self.files_dir / f"{Path(name).stem}-{n}{Path(name).suffix}"
        path.write_bytes(content)
        return path
