"""Socket Mode: the same app over a WebSocket that the bot opens to Slack, for teams without a public URL."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import PmoApp


def socket_handler(app: PmoApp, app_token: str) -> SocketModeHandler:
    # The app's own client carries SLACK_API_URL and the retry policy to apps.connections.open.
    return SocketModeHandler(app, app_token=app_token, web_client=app.client)
