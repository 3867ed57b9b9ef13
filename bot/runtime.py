"""What every listener and job needs at hand: settings, the database and the scheduled jobs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot.pacing import Pacer
from bot.settings import Settings
from models.core.database import Database

if TYPE_CHECKING:
    from models.core.workspace import SlackUser

log = logging.getLogger(__name__)

# Where the app factory puts the runtime in each request's Bolt context, for the middleware.
RUNTIME_KEY = "pmo_runtime"

# Threads for work done after the answer, by lane. Work too slow to finish inside Slack's
# 3-second ack (posts, charts, files) runs on "slow". Views kept in step with the data (Home
# tabs) are rebuilt on "refresh", one at a time: under load its queue grows and repeated
# refreshes of one person merge in it, and only one rebuild competes with the requests being
# answered for the interpreter.
WORKERS = {"slow": 2, "refresh": 1}
# Lanes whose waiting work is dropped when the process stops: a Home tab not refreshed is
# rebuilt the next time it is opened, so waiting for a queue of them only delays the exit.
DROPPED_AT_EXIT = {"refresh"}

# A scheduled pass: given the (UTC) time it runs as, it finds what is due and does it. It may
# answer with what it failed to do (one line each, naming the project), having done the rest.
Job = Callable[[datetime], "Sequence[object] | None"]


class Answering:
    """Work a request queued for after its answer, handed to the runtime once the answer is out.

    With `process_before_response=True` Bolt sends the answer only when the listener returns,
    so a Web API call made inside the listener delays it (and its failure would turn a saved
    change into an apology). Whoever sends the answer (the web layer, the Socket Mode handler)
    opens one of these around the request and releases it after the answer has gone.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.work: list[Callable[[], Any]] = []
        self._answered = False
        self._released = False

    def answered(self) -> Answering:
        """The listener is done and its answer is on its way: `settle` waits for the release."""
        with self.runtime._idle:
            if not self._released and not self._answered:
                self._answered = True
                self.runtime._answering += 1
        return self

    def release(self) -> None:
        """Start the queued work; called once the answer is written (a second call does nothing)."""
        with self.runtime._idle:
            if self._released:
                return
            self._released = True
            queued, self.work = self.work, []
        try:
            for work in queued:
                self.runtime.defer(work)
        finally:
            with self.runtime._idle:
                if self._answered:
                    self.runtime._answering -= 1
                self.runtime._idle.notify_all()


# The request this thread is answering, if any: listeners run on the thread that answers.
ANSWERING: ContextVar[Answering | None] = ContextVar("pmo_answering", default=None)


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
    # Profiles fetched from Slack whose cache rows are still being written (handlers.slack.directory).
    fetched_profiles: dict[tuple[str, str], SlackUser] = field(default_factory=dict)
    # People Slack said it does not know, and when it said so (handlers.slack.directory).
    absent_people: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # When this process last read a workspace's whole directory (handlers.slack.directory).
    directory_read_at: dict[str, datetime] = field(default_factory=dict)
    _lanes: dict[str, ThreadPoolExecutor] = field(default_factory=dict)
    _waiting: set[str] = field(default_factory=set)
    _waiting_lock: threading.Lock = field(default_factory=threading.Lock)
    # Work pausing before it starts (`defer_once`'s `pause`), by key: `settle` starts it at once.
    _paused: dict[str, Callable[[], None]] = field(default_factory=dict)
    _pending: set[Future[Any]] = field(default_factory=set)
    # Guards `_pending` and `_answering`; notified whenever either shrinks, for `settle`.
    _idle: threading.Condition = field(default_factory=threading.Condition)
    # Requests answered whose queued work has not been started yet (the answer is being written).
    _answering: int = 0
    _stopping: bool = False
    # Lanes shut at exit: what is deferred to them is dropped, not refused with an error.
    _closed: set[str] = field(default_factory=set)

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

    def defer(self, work: Callable[..., Any], *args: Any, lane: str = "slow") -> Future[Any]:
        """Run `work` after the request has been answered; failures are logged, never lost."""
        with self._idle:
            if lane in self._closed:
                if lane not in DROPPED_AT_EXIT:
                    log.warning("stopping: a notification queued after the grace is dropped")
                return _skipped()
            if lane not in self._lanes:
                self._lanes[lane] = ThreadPoolExecutor(WORKERS[lane], thread_name_prefix=f"pmo-{lane}")
            future = self._lanes[lane].submit(work, *args)
            self._pending.add(future)
        future.add_done_callback(_log_failure)
        future.add_done_callback(self._forget)
        return future

    def defer_once(self, key: str, work: Callable[..., Any], *args: Any, pause: float = 0.0) -> None:
        """Like `defer`, but work already waiting under `key` is not queued again.

        Twenty clicks on one person's tasks refresh their Home tab once or twice, not twenty
        times: under load the queue stays as long as the number of people, not of clicks. The
        work runs on the refresh thread, one at a time, so the busier the process, the more
        refreshes merge and the less they take from the requests.

        With `pause` (seconds) the work waits that long before it queues, so that what else comes
        under `key` meanwhile (a person's next click, a moment later) is shown by the same run
        even when the process is idle. A change made once the run has started gets a run of its
        own, so the last change is always shown.
        """
        with self._waiting_lock:
            if key in self._waiting:
                return
            self._waiting.add(key)

        def run() -> None:
            with self._waiting_lock:
                self._waiting.discard(key)  # a change from now on needs a run of its own
            work(*args)

        if pause > 0:
            self._after_pause(key, pause, partial(self.defer, run, lane="refresh"))
        else:
            self.defer(run, lane="refresh")

    def _after_pause(self, key: str, seconds: float, start: Callable[[], Any]) -> None:
        """Call `start` in `seconds`, or sooner if `settle` asks; counted as pending meanwhile."""
        held: Future[None] = Future()  # stands for the work in `_pending` until it has started

        def due() -> None:
            with self._idle:
                if self._paused.get(key) is not due:
                    return  # started already, by `settle` (a later pause may hold the key now)
                del self._paused[key]
            try:
                start()
            finally:
                held.set_result(None)
                self._forget(held)

        timer = threading.Timer(seconds, due)
        timer.daemon = True  # a refresh lost at exit is rebuilt when the tab is next opened
        with self._idle:
            self._pending.add(held)
            self._paused[key] = due
            self._idle.notify_all()  # a `settle` under way starts it without waiting
        timer.start()

    def answering(self) -> Answering:
        """Open the queue of a request about to be answered; release it once the answer is out."""
        return Answering(self)

    def after_answer(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run `work` once the current request has its answer: notifications, never the save.

        Outside a request (a scheduled pass, the console) there is no answer to wait for, and
        the work starts at once on the deferred workers. Either way a failure is logged only.
        """
        call = partial(work, *args, **kwargs)
        answering = ANSWERING.get()
        with self._idle:
            if answering is not None and not answering._released:
                answering.work.append(call)
                return
        self.defer(call)

    def settle(self, timeout: float) -> bool:
        """Wait for the deferred work started so far, and what it defers in turn; True when done.

        Requests answered but not yet released count too: their queued work has yet to start.
        Work pausing (`defer_once`) starts at once: whoever waits for it wants it now. `pmo-bot
        console` and the tests' Slack driver use this to see what a request did once its
        notifications have gone out as well.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._idle:
                paused = list(self._paused.values())
                if not paused and not (self._pending or self._answering):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if not paused:
                    self._idle.wait(left)
            for start_now in paused:
                start_now()

    @property
    def stopping(self) -> bool:
        """The process is stopping: a pass sends what it has claimed and claims nothing more."""
        return self._stopping

    def stop(self, grace: float) -> bool:
        """At exit: drop the waiting refreshes, give the rest up to `grace` seconds, then drop
        what has not started; True when nothing was dropped but refreshes.

        What waits on "slow" is a listener's promised notification, which exists nowhere else
        until it is sent, so it gets the grace. Under load a queue of Home refreshes held
        `pmo-bot serve` for over ten seconds after SIGTERM, past a container's patience, and
        the interpreter waits at exit for whatever its worker threads still hold.
        """
        with self._idle:
            self._stopping = True
        self._close(DROPPED_AT_EXIT)  # what is paused and would queue a refresh now queues nothing
        if self.settle(grace):
            return True
        with self._idle:
            waiting = sum(1 for future in self._pending if not future.running() and not future.done())
        log.warning("stopping: %d notifications not sent after %.0f s are dropped", waiting, grace)
        self._close(WORKERS)
        return False

    def _close(self, lanes: Iterable[str]) -> None:
        """Drop what waits in these lanes and take nothing more into them."""
        with self._idle:
            self._closed.update(lanes)
            closing = [lane for name, lane in self._lanes.items() if name in self._closed]
        for lane in closing:
            lane.shutdown(wait=False, cancel_futures=True)

    def _forget(self, future: Future[Any]) -> None:
        with self._idle:
            self._pending.discard(future)
            self._idle.notify_all()


def _skipped() -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(None)
    return future


def _log_failure(future: Future[Any]) -> None:
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        log.error("deferred work failed", exc_info=error)
