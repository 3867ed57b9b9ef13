"""One console session: the real app, a person typing as someone somewhere, and what Slack shows.

Every request goes through the app's own Bolt dispatch, signed with the app's signing secret as
Slack signs, so verification, listeners, acks and errors run exactly as they do in production.
What the app then does in Slack arrives at the fake Slack and is shown from there.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import slack_payloads as payloads
from bot.app import PmoApp
from bot.console.directory import TEAM, Directory
from bot.console.feed import Event, Feed, FileShared, HomePublished, ModalOpened, Origin, Posted, Refused
from bot.console.feed import ResponseTarget as Target
from bot.console.modal import ModalForm, Outcome
from bot.console.render import INDENT, Renderer
from bot.console.terminal import Terminal
from bot.i18n import Translator
from bot.scheduler import run_jobs
from handlers.slack.command import SLASH_COMMAND
from models.core.clock import CLOCK, utcnow

JsonDict = dict[str, Any]
FORM = "application/x-www-form-urlencoded"
SETTLE_TIMEOUT_S = 60  # charts and files are drawn after the ack; wait for them before showing


class ScriptError(Exception):
    """A scripted step (the demo's) that the app refused: a bug in the script, not a user's typo."""


@dataclass(frozen=True)
class Clickable:
    element: JsonDict
    block_id: str
    origin: Origin | None = None  # in a message
    view: JsonDict | None = None  # or in a view (the Home tab)
    owner: str | None = None  # the only person who can click it (a DM's, a Home tab's); None: anyone

    @property
    def label(self) -> str:
        return str((self.element.get("text") or {}).get("text", ""))


class Session:
    def __init__(
        self, app: PmoApp, directory: Directory, feed: Feed, terminal: Terminal, t: Translator
    ) -> None:
        self.app, self.directory, self.feed, self.terminal, self.t = app, directory, feed, terminal, t
        self.renderer = Renderer(directory)
        secret = app.runtime.settings.slack_signing_secret
        self.verifier = SignatureVerifier(secret.get_secret_value() if secret else "")
        self.user = next(iter(directory.people))
        self.channel = directory.channel("apollo")
        self.clickables: list[Clickable] = []
        self.home_wanted: str | None = None
        # The minute tick runs passes on its own thread; one thing at a time reaches the screen.
        self.lock = threading.RLock()

    # -- who, where, when

    @property
    def user_name(self) -> str:
        return self.directory.user_name(self.user)

    def local_now(self) -> datetime:
        return utcnow().astimezone(ZoneInfo(self.directory.people[self.user].tz))

    def clock_text(self) -> str:
        """The console's time where the person typing is: `Mon 2026-12-07 09:00 (Asia/Shanghai)`."""
        return f"{self.local_now():%a %Y-%m-%d %H:%M} ({self.directory.people[self.user].tz})"

    def prompt(self) -> str:
        where = f"{self.user_name}@{self.directory.where(self.channel)}"
        return f"{where} {self.local_now():%a %Y-%m-%d %H:%M}> " if CLOCK.travelled else f"{where}> "

    # -- what a person does

    def command(self, text: str, *, answers: dict[str, str] | None = None) -> None:
        """A slash command as typed in Slack (`/pmo status`); `answers` fill the modal it opens."""
        name, _, rest = text.strip().partition(" ")
        if name != SLASH_COMMAND:
            self.terminal.say(self.t("console.unknown_slash", command=name, slash=SLASH_COMMAND))
            return
        with self.lock:
            user, channel = self.user, self.channel
            response_url = self.feed.response_url(TEAM, Target(channel, user))
            form = payloads.command_form(
                self.directory.escape(rest.strip()),
                user=user,
                channel=channel,
                team=TEAM,
                response_url=response_url,
            )
            reply = self.send(urlencode(form), FORM)
            if reply.get("text") or reply.get("blocks"):
                in_channel = reply.get("response_type") == "in_channel"
                message = {"ts": payloads.new_ts(), **reply} if in_channel else None
                self.show_posted(Posted(Origin(channel, None if in_channel else user, message), reply))
            self.after(user, answers)

    def click(self, ref: str) -> None:
        """Press a button shown earlier, by its number or its label (the latest one so labelled)."""
        with self.lock:
            target = self.find_clickable(ref)
            if target is None:
                self.terminal.say(self.t("console.no_button", ref=ref))
                return
            if target.element.get("type") != "button":
                self.terminal.say(self.t("console.not_a_button"))
                return
            actor = target.owner or self.user
            if actor != self.user:
                self.terminal.say(self.t("console.clicking_as", person="@" + self.directory.user_name(actor)))
            clicked = payloads.action(
                target.element["action_id"], target.block_id, target.element.get("value")
            )
            if target.view is not None:
                payload = payloads.block_action_in_view(clicked, user=actor, team=TEAM, view=target.view)
            else:
                origin = target.origin or Origin(self.channel, None, None)
                url = self.feed.response_url(TEAM, Target(origin.channel, actor, origin))
                payload = payloads.block_action_in_message(
                    clicked,
                    user=actor,
                    team=TEAM,
                    channel=origin.channel,
                    message=origin.message,
                    response_url=url,
                )
            # A click in the Home tab shows the tab again as the app republishes it.
            self.home_wanted = actor if target.view is not None else None
            self.send(urlencode({"payload": json.dumps(payload)}), FORM)
            self.after(actor)
            self.home_wanted = None

    def home(self) -> None:
        """Open the app's Home tab, as Slack tells the app when someone does."""
        with self.lock:
            self.home_wanted = self.user
            event = {"type": "app_home_opened", "user": self.user, "channel": "D" + self.user, "tab": "home"}
            self.send(json.dumps(payloads.event_envelope(event, team=TEAM)), "application/json")
            self.after(self.user)
            self.home_wanted = None

    def travel(self, moment: datetime) -> None:
        """Set the clock to `moment` and run every scheduled pass as of then."""
        with self.lock:
            CLOCK.travel_to(moment)
            self.terminal.say(self.t("console.time.now", when=self.clock_text()))
            self.run_passes(moment)

    def back_to_now(self) -> None:
        with self.lock:
            CLOCK.reset()
            self.terminal.say(self.t("console.time.real", when=self.clock_text()))
            self.run_passes(utcnow())

    def run_passes(self, moment: datetime) -> None:
        with self.lock:
            outcome = run_jobs(self.app.runtime, moment)
            self.after(self.user)
            failed = [name for name, result in outcome.items() if result != "ok"]
            if failed:
                self.terminal.say(self.t("console.time.failed", passes=", ".join(failed)))

    # -- the app, as Slack reaches it

    def send(self, body: str, content_type: str) -> JsonDict:
        """One request to the app, signed as Slack signs it; its answer as JSON ({} when empty)."""
        stamp = str(int(time.time()))
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": self.verifier.generate_signature(timestamp=stamp, body=body) or "",
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        if response.status != 200:
            self.terminal.say(self.t("console.http_error", status=response.status))
            return {}
        try:
            answer = json.loads(response.body) if response.body.strip() else {}
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}

    def after(self, actor: str, answers: dict[str, str] | None = None) -> None:
        """Show what the app did in Slack, once its slow work is done; then fill any modal it opened."""
        self.app.runtime.settle(SETTLE_TIMEOUT_S)
        events = self.feed.take()
        modals = [event.view for event in events if not self.show(event) and isinstance(event, ModalOpened)]
        for view in modals:
            self.fill_modal(view, actor, answers)

    def fill_modal(self, view: JsonDict | None, actor: str, answers: dict[str, str] | None) -> None:
        while view is not None:
            form = ModalForm(view, self.terminal, self.renderer, self.t)
            if answers is not None:
                form.fill(answers)
            reply, outcome = {}, Outcome.SUBMIT if answers is not None else form.ask_all()
            while outcome is Outcome.SUBMIT:
                payload = payloads.view_submission(form.view, form.state(), user=actor, team=TEAM)
                reply = self.send(urlencode({"payload": json.dumps(payload)}), FORM)
                if reply.get("response_action") != "errors":
                    break
                if answers is not None:
                    raise ScriptError(f"{form.title}: {reply['errors']}")
                outcome = form.ask_again(reply["errors"])
            if outcome is Outcome.CANCEL:
                self.terminal.say(self.t("console.modal.closed", title=form.title))
                return
            self.after(actor)
            view = reply.get("view") if reply.get("response_action") in ("update", "push") else None
            answers = None

    # -- showing it

    def show(self, event: Event) -> bool:
        """Print an event; False for a modal, which is asked for rather than printed."""
        if isinstance(event, ModalOpened):
            return False
        if isinstance(event, Posted):
            self.show_posted(event)
        elif isinstance(event, HomePublished):
            if event.user_id == self.home_wanted:
                self.terminal.say(
                    self.t("console.where.home", person="@" + self.directory.user_name(event.user_id))
                )
                number = self.numbering(view=event.view, owner=event.user_id)
                self.terminal.say(*self.renderer.blocks(event.view.get("blocks", []), number))
        elif isinstance(event, FileShared):
            self.terminal.say(self.t("console.where.file", channel=self.directory.where(event.channel)))
            if event.comment:
                self.terminal.say(*self.renderer.message({"text": event.comment}))
            for path in event.paths:
                self.terminal.say(f"{INDENT}📎 {path}")
        elif isinstance(event, Refused):
            self.terminal.say(self.t("console.refused", method=event.method, error=event.error))
        return True

    def show_posted(self, event: Posted) -> None:
        origin = event.origin
        where = self.directory.where(origin.channel)
        if origin.channel.startswith("D"):
            heading = self.t("console.where.dm", person=where)
        elif origin.audience is not None:
            heading = self.t(
                "console.where.only", channel=where, person="@" + self.directory.user_name(origin.audience)
            )
        else:
            heading = self.t("console.where.channel", channel=where)
        if event.edited:
            heading = self.t("console.where.edited", where=heading)
        self.terminal.say(f"── {heading} ──")
        number = self.numbering(origin=origin, owner=origin.audience)
        self.terminal.say(*self.renderer.message(event.content, number))

    def numbering(self, **where: Any) -> Any:
        def number(element: JsonDict, block_id: str) -> int:
            self.clickables.append(Clickable(element, block_id, **where))
            return len(self.clickables)

        return number

    def find_clickable(self, ref: str) -> Clickable | None:
        ref = ref.strip()
        if ref.isdigit():
            n = int(ref)
            return self.clickables[n - 1] if 1 <= n <= len(self.clickables) else None
        wanted = ref.strip("\"'").lower()
        for clickable in reversed(self.clickables):
            if clickable.label.lower().startswith(wanted):
                return clickable
        return None
