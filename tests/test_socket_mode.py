"""Socket Mode: the same app over a WebSocket, against a loopback stand-in for Slack's socket server."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator

import pytest
from websockets.sync.server import ServerConnection, serve

from bot.app import Mode, create_app
from bot.socket_mode import socket_handler
from models.core.database import Database
from tests.conftest import ALICE, TEAM, make_settings
from tests.support.fakeslack import FakeSlack

APP_TOKEN = "xapp-1-A0001-test"


class SocketServer:
    """Sends envelopes to whoever connects and collects their acknowledgements."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.outbox: queue.Queue[dict] = queue.Queue()
        self.acks: queue.Queue[dict] = queue.Queue()
        self.server = serve(self.handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        while not self.stopping.is_set():
            try:
                envelope = self.outbox.get(timeout=0.05)
            except queue.Empty:
                continue
            connection.send(json.dumps(envelope))
            self.acks.put(json.loads(connection.recv(timeout=10)))

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()


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
