"""Clicks and form submissions are checked against the shape Slack sends before a listener reads them.

Listeners read `body["actions"][0]["value"]` and a form's state as Slack always sends them. A
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


class Action(Element):
    action_id: str
    block_id: str | None = None


class BlockActions(Shaped):
    type: Literal["block_actions"]
    user: Who
    actions: list[Action] = Field(min_length=1)


class ViewState(Shaped):
    values: dict[str, dict[str, Element]]


class SubmittedView(Shaped):
    id: str
    callback_id: str
    private_metadata: str = ""
    state: ViewState


class ViewSubmission(Shaped):
    type: Literal["view_submission"]
    user: Who
    view: SubmittedView


SHAPES: dict[str, type[Shaped]] = {"block_actions": BlockActions, "view_submission": ViewSubmission}


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
            shape.model_validate(body)
        except ValidationError as error:
            log.warning("refused a %s shaped unlike Slack's: %s", body.get("type"), error.errors()[:3])
            runtime = runtime_of(context)
            t = translator_for(runtime)
            return answer(body, t("errors.unreadable"), context.client, settings=runtime.settings)
    next()
    return None
