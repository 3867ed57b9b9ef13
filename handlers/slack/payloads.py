"""Clicks and form submissions are checked against the shape Slack sends before a listener reads them.

Listeners read the clicked action and a submitted form as these models, checked once here. A
request that is signed but shaped otherwise (a value that is a number, actions that are not
a list, a form without its state) is answered here, in words, instead of failing inside a
listener with an error that blames the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt import BoltContext, BoltResponse

from bot.blocks import submitted_values
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


class BlockActions(Shaped):
    type: Literal["block_actions"]
    user: Who
    actions: list[Clicked] = Field(min_length=1)
    trigger_id: str
    # Slack sends none for a click on Home or in a modal.
    response_url: str | None = None


class Place(Shaped):
    id: str


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


SHAPES: dict[str, type[Shaped]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "message_action": MessageShortcut,
}

# What a listener reads, checked: Bolt hands a context key to any listener that names it, so a
# button's listener takes `clicked: Clicked` (and `click: BlockActions` for its trigger or
# response_url), a form's `submitted: SubmittedView` and a message shortcut's `message_shortcut`.
CLICKED_KEY = "clicked"
CLICK_KEY = "click"
SUBMITTED_KEY = "submitted"
SHORTCUT_KEY = "message_shortcut"  # Bolt already names the raw payload `shortcut`


def keep_checked(payload: Shaped, context: BoltContext) -> None:
    if isinstance(payload, BlockActions):
        context[CLICK_KEY] = payload
        context[CLICKED_KEY] = payload.actions[0]
    elif isinstance(payload, ViewSubmission):
        context[SUBMITTED_KEY] = payload.view
    elif isinstance(payload, MessageShortcut):
        context[SHORTCUT_KEY] = payload


def remove_control_characters(body: dict[str, Any], next: Callable[[], None]) -> None:
    """Middleware: typed text reaches listeners without NUL (PostgreSQL refuses it) or other
    control characters."""
    clean_strings(body)
    next()


def refuse_misshapen(
    body: dict[str, Any], context: BoltContext, next: Callable[[], None]
) -> BoltResponse | None:
    """Middleware: a click or form shaped unlike Slack's is answered in words, before any
    listener reads it."""
    shape = SHAPES.get(str(body.get("type")))
    if shape is not None:
        try:
            keep_checked(shape.model_validate(body), context)
        except ValidationError as error:
            log.warning("refused a %s shaped unlike Slack's: %s", body.get("type"), error.errors()[:3])
            runtime = runtime_of(context)
            t = translator_for(runtime)
            return answer(body, t("errors.unreadable"), context.client, settings=runtime.settings)
    next()
    return None
