"""Commands, clicks, forms, shortcuts and events are checked against the shape Slack sends
before a listener reads them.

Listeners read what they were sent as these models, checked once here, and never the raw
body. A request that is signed but shaped otherwise (a value that is a number, actions that
are not a list, a form without its state, a command without its channel) is answered here, in
words, instead of failing inside a listener with an error that blames the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from slack_bolt import BoltContext, BoltResponse

from bot.blocks import submitted_values
from bot.markup import unescape
from handlers.slack.context import runtime_of, translator_for
from handlers.slack.errors import answer
from models.core.limits import clean_strings

log = logging.getLogger(__name__)


class Shaped(BaseModel):
    model_config = ConfigDict(extra="allow")


class Who(Shaped):
    id: str


class Option(Shaped):
    value: str


class Element(Shaped):
    """What one input of a form holds; which field is set depends on the kind of input."""

    type: str | None = None
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_user: str | None = None
    selected_users: list[str] | None = None
    selected_date: str | None = None


class Clicked(Element):
    """The button pressed or the option chosen: `actions[0]` of a click."""

    action_id: str
    block_id: str | None = None


class Place(Shaped):
    id: str


class BlockActions(Shaped):
    type: Literal["block_actions"]
    user: Who
    actions: list[Clicked] = Field(min_length=1)
    trigger_id: str
    # Slack sends none for a click on Home or in a modal.
    response_url: str | None = None
    # The channel of the message clicked; none for a click on Home or in a modal.
    channel: Place | None = None


class ShortcutMessage(Shaped):
    text: str = ""


class MessageShortcut(Shaped):
    """A message shortcut: the message it was used on, and where."""

    type: Literal["message_action"]
    user: Who
    trigger_id: str
    channel: Place
    message_ts: str = ""
    message: ShortcutMessage = ShortcutMessage()


class ViewState(Shaped):
    values: dict[str, dict[str, Element]]


class SubmittedView(Shaped):
    id: str
    callback_id: str
    private_metadata: str = ""
    state: ViewState

    def inputs(self) -> dict[str, str | None]:
        """Each input by field, as text: typed text, the chosen option, user or date."""
        return submitted_values({"state": self.state.model_dump()})


class ViewSubmission(Shaped):
    type: Literal["view_submission"]
    user: Who
    view: SubmittedView


class SlashCommand(Shaped):
    """The fields of a slash command payload that the bot relies on."""

    team_id: str
    user_id: str
    channel_id: str
    command: str
    text: str = ""
    trigger_id: str | None = None
    response_url: str | None = None

    @field_validator("text")
    @classmethod
    def _as_typed(cls, text: str) -> str:
        # Slack sends what was typed with &, < and > escaped (its mentions stay <@U…|name>):
        # the bot reads the characters, and escapes them again wherever it shows them.
        return unescape(text)


class SlackProfile(Shaped):
    """A person as `user_change` and `team_join` carry them: users.info's shape, kept whole."""

    id: str


class ProfileChanged(Shaped):
    type: Literal["user_change", "team_join"]
    user: SlackProfile


class HomeOpened(Shaped):
    type: Literal["app_home_opened"]
    user: str
    tab: str = "home"


class AppRemoved(Shaped):
    type: Literal["app_uninstalled", "tokens_revoked"]


SHAPES: dict[str, type[Shaped]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "message_action": MessageShortcut,
}
EVENT_SHAPES: dict[str, type[Shaped]] = {
    "user_change": ProfileChanged,
    "team_join": ProfileChanged,
    "app_home_opened": HomeOpened,
    "app_uninstalled": AppRemoved,
    "tokens_revoked": AppRemoved,
}

# What a listener reads, checked: Bolt hands a context key to any listener that names it, so a
# button's listener takes `clicked: Clicked` (and `click: BlockActions` for its trigger,
# channel or response_url), a form's `submitted: SubmittedView`, a message shortcut's
# `message_shortcut`, the slash command's `slash_command` and an event's `slack_event`. Bolt
# already names the raw payloads `shortcut`, `command` and `event`: listeners never take those
# (tests/test_listener_shape.py).
CLICKED_KEY = "clicked"
CLICK_KEY = "click"
SUBMITTED_KEY = "submitted"
SHORTCUT_KEY = "message_shortcut"
COMMAND_KEY = "slash_command"
EVENT_KEY = "slack_event"
CHECKED_KEYS = (CLICKED_KEY, CLICK_KEY, SUBMITTED_KEY, SHORTCUT_KEY, COMMAND_KEY, EVENT_KEY)


def shape_of(body: dict[str, Any]) -> tuple[type[Shaped], Any] | None:
    """The shape this request must have, and the part of the body it describes."""
    kind = body.get("type")
    if kind is None and "command" in body:
        return SlashCommand, body
    if kind == "event_callback":
        event = body.get("event")
        shape = EVENT_SHAPES.get(str(event.get("type"))) if isinstance(event, dict) else None
        return None if shape is None else (shape, event)
    shape = SHAPES.get(str(kind))
    return None if shape is None else (shape, body)


def keep_checked(payload: Shaped, context: BoltContext) -> None:
    if isinstance(payload, BlockActions):
        context[CLICK_KEY] = payload
        context[CLICKED_KEY] = payload.actions[0]
    elif isinstance(payload, ViewSubmission):
        context[SUBMITTED_KEY] = payload.view
    elif isinstance(payload, MessageShortcut):
        context[SHORTCUT_KEY] = payload
    elif isinstance(payload, SlashCommand):
        context[COMMAND_KEY] = payload
    else:
        context[EVENT_KEY] = payload


def remove_control_characters(body: dict[str, Any], next: Callable[[], None]) -> None:
    """Middleware: typed text reaches listeners without NUL (PostgreSQL refuses it) or other
    control characters."""
    clean_strings(body)
    next()


def refuse_misshapen(
    body: dict[str, Any], context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Middleware: a command, click, form or event shaped unlike Slack's is answered in words (an
    event with 200 alone: nobody is waiting on it), before any listener reads it."""
    expected = shape_of(body)
    if expected is not None:
        shape, part = expected
        try:
            keep_checked(shape.model_validate(part), context)
        except ValidationError as error:
            log.warning("refused a %s shaped unlike Slack's: %s", shape.__name__, error.errors()[:3])
            runtime = runtime_of(context)
            t = translator_for(runtime)
            return answer(body, t("errors.unreadable"), context.client, settings=runtime.settings)
    next()
    return None
