"""The one place failures end: the user gets a sentence, the log gets the details."""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy import exc as sa_exc

from bot.i18n import Translator
from bot.runtime import RUNTIME_KEY, Runtime
from bot.settings import Settings
from bot.signing import VERIFIED_KEY
from handlers.slack.context import CTX_KEY, Ctx, translator_for, unsettled_ctx
from handlers.slack.directory import cached_language, language_of
from handlers.slack.forms import field_errors
from handlers.slack.once import AlreadyHandledError
from models.core.database import CommitOutcomeUnknownError, is_busy
from models.core.errors import DomainError

if TYPE_CHECKING:
    from handlers.slack.command import CommandRouter

log = logging.getLogger(__name__)

# A response URL that does not answer must not hold a server thread for long.
RESPONSE_URL_TIMEOUT_S = 5

DATABASE_OUTAGES = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def is_database_outage(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, DATABASE_OUTAGES)


def apology(error: BaseException, t: Translator, *, in_form: bool = False) -> str:
    if is_busy(error):
        # Another writer held SQLite's lock past the busy timeout: the transaction never began.
        log.warning("database busy: %s", error.__class__.__name__)
        return t("errors.busy_form" if in_form else "errors.busy")
    if isinstance(error, CommitOutcomeUnknownError):
        log.error("database lost while committing: the save may be stored", exc_info=error)
        return t("errors.commit_unknown")
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


def trusted_response_url(body: dict[str, Any], settings: Settings) -> str | None:
    """The request's response URL, when it points where Slack's do."""
    url = body.get("response_url") or next(
        (url.get("response_url") for url in body.get("response_urls") or [] if isinstance(url, dict)), None
    )
    if not isinstance(url, str) or not url:
        return None
    if not settings.allows_response_url(url):
        log.warning("not posting to a response URL off Slack's hosts")
        return None
    return url


def answer(
    body: dict[str, Any], message: str, client: WebClient | None = None, *, settings: Settings
) -> BoltResponse:
    """Say `message` where the user is looking, in the shape this kind of request allows.

    A response URL is posted to only when `settings` allow its host (Slack's own). `settings`
    is required so that no caller can forget it and leave the user without an answer.
    """
    if "command" in body:
        return json_response({"response_type": "ephemeral", "text": message})
    if body.get("type") == "view_submission":
        # Errors beside a field keep the modal open with everything the user typed.
        block_id = first_input_block(body.get("view", {}))
        if block_id is not None:
            return json_response({"response_action": "errors", "errors": {block_id: message}})
    response_url = trusted_response_url(body, settings)
    user = body.get("user")
    if response_url is not None:
        WebhookClient(response_url, timeout=RESPONSE_URL_TIMEOUT_S).send(
            text=message, response_type="ephemeral", replace_original=False
        )
    elif client is not None and isinstance(user, dict) and (user_id := user.get("id")):
        # A click on the Home tab has no response URL: the answer goes to the app's DM.
        client.chat_postMessage(channel=user_id, text=message)
    return BoltResponse(status=200, body="")


def refusal(
    error: DomainError,
    body: dict[str, Any],
    t: Translator,
    client: WebClient | None = None,
    *,
    settings: Settings,
) -> BoltResponse:
    """Input the domain would not take: beside its field in a modal, else where the user looks."""
    if body.get("type") == "view_submission":
        errors = field_errors(error, t, body.get("view", {}))
        if errors:
            return json_response({"response_action": "errors", "errors": errors})
    return answer(body, t(error.key, **error.params), client, settings=settings)


def error_translator(
    error: Exception, body: dict[str, Any], context: BoltContext, runtime: Runtime
) -> Translator:
    """The user's language when it can still be had; the workspace default when not."""
    active: Runtime = context.get(RUNTIME_KEY, runtime)
    if is_database_outage(error) and not is_busy(error):
        return translator_for(active)
    settled = context.get(CTX_KEY)
    if isinstance(settled, Ctx):  # the language was settled on the way in
        return settled.t
    try:
        # Failed before the request context was built (a busy database in the replay check).
        ctx = unsettled_ctx(active, context, body)
        if ctx is None:
            raise ValueError("a Slack request without a workspace (team id)")
        if is_busy(error):
            # Reading still works while another writer holds SQLite's lock, but caching a
            # profile fetched from Slack would wait out the busy timeout a second time.
            return Translator(cached_language(ctx, ctx.user_id))
        return Translator(language_of(ctx, ctx.user_id))
    except Exception:  # an error about the error must not hide the apology
        log.warning("could not settle the language of a failed request", exc_info=True)
        return translator_for(active)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], context: BoltContext) -> BoltResponse:
        if not context.get(VERIFIED_KEY):
            # Failed before the signature was checked: its body (response URL, user) is anyone's.
            log.warning("an unverified request failed (%s); answered 401", error.__class__.__name__)
            return BoltResponse(status=401, body="")
        if isinstance(error, AlreadyHandledError):  # a second copy of a saved request: no error at all
            log.info("%s was handled before; answered as the first time", error.key)
            return error.answer()
        body = body or {}
        settings = context.get(RUNTIME_KEY, runtime).settings
        t = error_translator(error, body, context, runtime)
        if isinstance(error, DomainError):
            return refusal(error, body, t, context.client, settings=settings)
        if isinstance(error, BoltUnhandledRequestError):
            log.info("no listener for a %s request", body.get("type") or "slash command")
            return answer(body, t("errors.unhandled"), context.client, settings=settings)
        if isinstance(error, ValidationError):  # a form's private_metadata we did not write
            log.warning("unreadable request: %s", error.errors()[:3])
            return answer(body, t("errors.unreadable"), context.client, settings=settings)
        in_form = body.get("type") == "view_submission"
        return answer(body, apology(error, t, in_form=in_form), context.client, settings=settings)
