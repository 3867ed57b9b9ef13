"""What every listener and job needs at hand: settings, the database and the scheduled jobs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.pacing import Pacer
from bot.settings import Settings
from models.database import Database

log = logging.getLogger(__name__)

# Work too slow to finish inside Slack's 3-second ack (charts, files) runs on these threads.
SLOW_WORKERS = 2

# A scheduled pass: given the (UTC) time it runs as, it finds what is due and does it. It may
# answer with what it failed to do (one line each, naming the project), having done the rest.
Job = Callable[[datetime], "Sequence[object] | None"]


@dataclass
class Runtime:
    settings: Settings
    database: Database
    jobs: dict[str, Job] = field(default_factory=dict)
    # The Web API client of a workspace, for work no request started (scheduled sends).
    clients: Callable[[str], WebClient] | None = None
    # Spreads this process's scheduled posts so no channel gets more than one a second.
    pacer: Pacer = field(default_factory=Pacer)
    _known_teams: set[str] = field(default_factory=set)
    _slow: ThreadPoolExecutor | None = None
    _waiting: set[str] = field(default_factory=set)
    _waiting_lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: set[Future[Any]] = field(default_factory=set)
    _pending_lock: threading.Lock = field(default_factory=threading.Lock)

    def add_job(self, name: str, job: Job) -> None:
        if name in self.jobs:
            raise ValueError(f"a job named {name!r} is already registered")
        self.jobs[name] = job

    def ensure_workspace(self, team_id: str, enterprise_id: str | None = None) -> None:
        """Record a workspace on its first request; remembered so later requests cost nothing."""
        if team_id in self._known_teams:
            return
        self.database.ensure_workspace(team_id, enterprise_id=enterprise_id)
        self._known_teams.add(team_id)

    def client_for(self, team_id: str) -> WebClient:
        if self.clients is None:
            raise RuntimeError("no Slack client configured for scheduled work")
        return self.clients(team_id)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.pmo_admins

    def defer(self, work: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run `work` after the request has been answered; failures are logged, never lost."""
        if self._slow is None:
            self._slow = ThreadPoolExecutor(max_workers=SLOW_WORKERS, thread_name_prefix="pmo-slow")
        future = self._slow.submit(work, *args)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(_log_failure)
        future.add_done_callback(self._forget)
        return future

    def defer_once(self, key: str, work: Callable[..., Any], *args: Any) -> None:
        """Like `defer`, but work already waiting under `key` is not queued again.

        Twenty clicks on one person's tasks refresh their Home tab once or twice, not twenty
        times: under load the queue stays as long as the number of people, not of clicks.
        """
        with self._waiting_lock:
            if key in self._waiting:
                return
            self._waiting.add(key)

        def run() -> None:
            with self._waiting_lock:
                self._waiting.discard(key)  # a change from now on needs a run of its own
            work(*args)

        self.defer(run)

    def settle(self, timeout: float) -> bool:
        """Wait for the deferred work started so far, and what it defers in turn; True when done.

        `pmo-bot console` shows what a command did once its slow part has finished too.
        """
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            with self._pending_lock:
                pending = list(self._pending)
            if not pending:
                return True
            wait(pending, timeout=left)
        return False

    def _forget(self, future: Future[Any]) -> None:
        with self._pending_lock:
            self._pending.discard(future)


def _log_failure(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        log.error("deferred work failed", exc_info=error)
