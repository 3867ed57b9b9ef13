"""The one place failures end: the user gets a sentence, the log gets the details."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from pydantic import ValidationError
from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy import exc as sa_exc

from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.command import CommandRouter
from handlers.context import RUNTIME_KEY, ctx_from, translator_for
from handlers.forms import field_errors
from handlers.once import AlreadyHandledError
from models.errors import DomainError

log = logging.getLogger(__name__)

DATABASE_OUTAGES = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def is_database_outage(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, DATABASE_OUTAGES)


def apology(error: BaseException, t: Translator) -> str:
    if is_database_outage(error):
        log.error("database unavailable: %s", error.__class__.__name__, exc_info=error)
        return t("errors.database")
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error (ref %s)", reference, exc_info=error)
    return t("errors.unexpected", ref=reference)


def json_response(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def first_input_block(view: Any) -> str | None:
    blocks = view.get("blocks") if isinstance(view, dict) else None
    inputs = (
        [b for b in blocks if isinstance(b, dict) and b.get("type") == "input"]
        if isinstance(blocks, list)
        else []
    )
    return inputs[0].get("block_id") if inputs else None


def answer(body: dict[str, Any], message: str, client: WebClient | None = None) -> BoltResponse:
    """Say `message` where the user is looking, in the shape this kind of request allows."""
    if "command" in body:
        return json_response({"response_type": "ephemeral", "text": message})
    if body.get("type") == "view_submission":
        # Errors beside a field keep the modal open with everything the user typed.
        block_id = first_input_block(body.get("view", {}))
        if block_id is not None:
            return json_response({"response_action": "errors", "errors": {block_id: message}})
    response_url = body.get("response_url") or next(
        (url.get("response_url") for url in body.get("response_urls") or [] if isinstance(url, dict)), None
    )
    user = body.get("user")
    if isinstance(response_url, str) and response_url:
        WebhookClient(response_url).send(text=message, response_type="ephemeral", replace_original=False)
    elif client is not None and isinstance(user, dict) and (user := user.get("id")):
        # A click on the Home tab has no response URL: the answer goes to the app's DM.
        client.chat_postMessage(channel=user, text=message)
    return BoltResponse(status=200, body="")


def refusal(
    error: DomainError, body: dict[str, Any], t: Translator, client: WebClient | None = None
) -> BoltResponse:
    """Input the domain would not take: beside its field in a modal, else where the user looks."""
    if body.get("type") == "view_submission":
        errors = field_errors(error, t, body.get("view", {}))
        if errors:
            return json_response({"response_action": "errors", "errors": errors})
    return answer(body, t(error.key, **error.params), client)


def error_translator(
    error: Exception, body: dict[str, Any], context: BoltContext, runtime: Runtime
) -> Translator:
    """The user's language when it can still be had; the workspace default when not."""
    active: Runtime = context.get(RUNTIME_KEY, runtime)
    if is_database_outage(error):
        return translator_for(active)
    try:
        return ctx_from(context, body).t
    except Exception:  # an error about the error must not hide the apology
        log.warning("could not settle the language of a failed request", exc_info=True)
        return translator_for(active)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], context: BoltContext) -> BoltResponse:
        if isinstance(error, AlreadyHandledError):  # a second copy of a saved request: no error at all
            log.info("%s was handled before; answered as the first time", error.key)
            return error.answer()
        t = error_translator(error, body or {}, context, runtime)
        if isinstance(error, DomainError):
            return refusal(error, body or {}, t, context.client)
        if isinstance(error, BoltUnhandledRequestError):
            log.info("no listener for a %s request", (body or {}).get("type") or "slash command")
            return answer(body or {}, t("errors.unhandled"), context.client)
        if isinstance(error, ValidationError):  # a form's private_metadata we did not write
            log.warning("unreadable request: %s", error.errors()[:3])
            return answer(body or {}, t("errors.unreadable"), context.client)
        return answer(body or {}, apology(error, t), context.client)
