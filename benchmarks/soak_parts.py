"""The soak's moving parts: serve replicas that can be killed, and a database that can go away.

Replicas are `pmo-bot serve` processes, started side by side (a start takes seconds on a busy
machine); a killed one is started again in the background while the other carries on.

PostgreSQL goes away as a database host does: the TCP proxy between the app and it is cut.
A SQLite file has no network to cut; it goes away for writers instead: another process holds
its write lock, so every write waits out the busy timeout, as when a backup or a stuck
process holds the file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import make_url

from benchmarks.processes import Served, pmo_bot_serve
from tests.support.fakeslack import FakeSlack
from tests.support.tcpproxy import TcpProxy


class Replicas:
    """`pmo-bot serve` processes; one can be killed (SIGKILL) and started again on a new port."""

    def __init__(self, stack: ExitStack, database_url: str, fake: FakeSlack, cwd: Path, count: int) -> None:
        self.stack, self.database_url, self.fake, self.cwd = stack, database_url, fake, cwd
        self.served: list[Served | None] = [None] * count
        self.restarts = 0
        self._restarting: threading.Thread | None = None
        starting = [threading.Thread(target=self._start, args=(index,)) for index in range(count)]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
        if None in self.served:
            raise RuntimeError("a pmo-bot serve replica did not start")

    def _start(self, index: int) -> None:
        serving: AbstractContextManager[Served] = pmo_bot_serve(
            self.database_url, self.fake.api_url, self.cwd
        )
        served = serving.__enter__()
        self.stack.push(serving)  # stopped with the rest when the week ends
        self.served[index] = served

    def urls(self) -> list[str]:
        """The replicas up now: a load balancer sends nothing to one that is down."""
        return [served.url for served in self.served if served is not None]

    def url(self, index: int) -> str | None:
        served = self.served[index]
        return served.url if served else None

    def kill(self, index: int) -> None:
        served, self.served[index] = self.served[index], None
        if served is not None:
            served.process.kill()
            served.process.wait(timeout=10)

    def restart_later(self, index: int) -> None:
        self._restarting = threading.Thread(target=self._start, args=(index,), name="replica-restart")
        self._restarting.start()
        self.restarts += 1

    def wait_restarted(self) -> None:
        if self._restarting is not None:
            self._restarting.join()


class Outage(Protocol):
    def cut(self) -> None: ...
    def restore(self) -> None: ...


class ProxyOutage:
    def __init__(self, proxy: TcpProxy) -> None:
        self.proxy = proxy

    def cut(self) -> None:
        self.proxy.cut()

    def restore(self) -> None:
        self.proxy.restore()


class WriteLockOutage:
    """Another process's write lock on the SQLite file (taken from this one, for as long as the outage)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._holder: sqlite3.Connection | None = None

    def cut(self) -> None:
        self._holder = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        self._holder.execute("BEGIN EXCLUSIVE")

    def restore(self) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None


@contextmanager
def database_with_outage(url: str) -> Iterator[tuple[str, Outage]]:
    """The URL the app should use, and the switch that takes its database away."""
    real = make_url(url)
    if real.get_backend_name() == "sqlite":
        yield url, WriteLockOutage(real.database or "")
        return
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    try:
        yield (
            real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            ProxyOutage(proxy),
        )
    finally:
        proxy.stop()
