"""The Web API client, pointed where SLACK_API_URL says and retrying only what is safe."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.settings import Settings

TIMEOUT_S = 10


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
