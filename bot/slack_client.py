"""The Web API client, pointed where SLACK_API_URL says and retrying only what is safe."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.settings import Settings

TIMEOUT_S = 10
CHECK_TIMEOUT_S = 5
# Slack's answers that mean the token itself is wrong, not that Slack is having a bad minute.
REFUSED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)

log = logging.getLogger(__name__)
_QUIET = logging.getLogger(f"{__name__}.token_check")
_QUIET.setLevel(logging.CRITICAL)


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A client that honours Retry-After on 429 and retries 5xx answers.

    No retry on a dropped connection: Slack may already have posted, and a blind retry would
    post twice (scheduled sends mark such outcomes uncertain instead).
    """
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_S,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def check_token(settings: Settings, token: str) -> bool:
    """Ask Slack once whether the bot token works; warn clearly when Slack refuses it.

    A bot that starts with a placeholder token would otherwise look healthy and fail on every
    request. An unreachable Slack is no reason to stop, so that only gets a line of its own.
    Returns whether Slack accepted the token.
    """
    client = WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=CHECK_TIMEOUT_S,
        retry_handlers=[],  # one question, once: this is a courtesy, not a delivery
        logger=_QUIET,  # slack-sdk logs a failed call at ERROR; the line below says it better
    )
    try:
        client.auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in REFUSED_TOKEN:
            log.warning(
                "Slack refused SLACK_BOT_TOKEN (%s): every request will fail until it is the app's "
                "Bot User OAuth Token (xoxb-…, under OAuth & Permissions)",
                code,
            )
        else:
            log.info("could not check SLACK_BOT_TOKEN with Slack (%s); it is used as given", code)
        return False
    except OSError as error:
        log.info(
            "could not reach Slack to check SLACK_BOT_TOKEN (%s); it is checked on the first request",
            type(error).__name__,
        )
        return False
    return True
