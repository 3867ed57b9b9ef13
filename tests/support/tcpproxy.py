"""A TCP proxy a test can cut: the network between the app and PostgreSQL, with a switch on it.

`cut()` drops every open connection and answers new ones by hanging up at once, as a database
host that went away does; `restore()` lets connections through again. `lose_answers()` lets
what the app sends still reach the server but hangs up at the server's next answer: a commit
the server made whose answer never came back.
"""

from __future__ import annotations

import selectors
import socket
import threading
from contextlib import suppress

CHUNK = 65536


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self._losing_answers = False
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, name="tcp-proxy", daemon=True)

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    def start(self) -> TcpProxy:
        self._thread.start()
        return self

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            doomed, self._open = self._open, set()
        for sock in doomed:
            _close(sock)

    def restore(self) -> None:
        with self._lock:
            self._cut = False
            self._losing_answers = False

    def lose_answers(self) -> None:
        with self._lock:
            self._losing_answers = True

    def stop(self) -> None:
        self._stopping = True
        self.cut()
        _close(self._listener)
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refused = self._cut
            if refused:
                _close(client)
                continue
            threading.Thread(target=self._pipe, args=(client,), name="tcp-proxy-pipe", daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _close(client)
            return
        with self._lock:
            self._open |= {client, server}
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select(timeout=1):
                    data = key.fileobj.recv(CHUNK)  # type: ignore[union-attr]
                    if not data or (key.fileobj is server and self._losing_answers):
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return  # cut, or the other side hung up
        finally:
            selector.close()
            _close(client)
            _close(server)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with suppress(OSError):
        sock.close()
