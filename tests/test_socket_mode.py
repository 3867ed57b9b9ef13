"""Socket Mode: the same app over a WebSocket, against a loopback stand-in for Slack's socket server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Mode, create_app
from bot.socket_mode import socket_handler
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.served import make_settings
from tests.support.socket_server import APP_TOKEN, SocketServer
from tests.support.workspace import ALICE, TEAM


@pytest.fixture
def socket_server() -> Iterator[SocketServer]:
    server = SocketServer()
    yield server
    server.close()


def test_a_slash_command_over_socket_mode_is_answered(
    socket_server: SocketServer, fake_slack: FakeSlack, database: Database, database_url: str
) -> None:
    fake_slack.set_socket_mode_url(socket_server.url)
    settings = make_settings(fake_slack, database_url, slack_signing_secret=None, slack_app_token=APP_TOKEN)
    handler = socket_handler(create_app(settings, database=database, mode=Mode.SOCKET), APP_TOKEN)
    handler.connect()
    try:
        payload = {
            "team_id": TEAM,
            "user_id": ALICE,
            "channel_id": "C0001",
            "command": "/pmo",
            "text": "projects",
            "trigger_id": "1.2.3",
            "response_url": fake_slack.response_url(TEAM),
        }
        socket_server.outbox.put(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        ack = socket_server.acks.get(timeout=10)
    finally:
        handler.close()
    assert ack["envelope_id"] == "env-1"
    assert ack["payload"]["text"] == "There are no open projects in this workspace yet."
    assert ack["payload"]["response_type"] == "ephemeral"
    [connect] = fake_slack.calls_to("apps.connections.open")
    assert connect.token == APP_TOKEN
