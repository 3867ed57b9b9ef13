"""A Socket Mode server on loopback that the app connects to as it would to Slack's."""

from __future__ import annotations

import json
import queue
import threading

from websockets.sync.server import ServerConnection, serve

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
