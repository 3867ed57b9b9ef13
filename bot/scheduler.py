"""One tick a minute that runs every registered pass.

No schedule lives in APScheduler: its job stores cannot be shared between processes. Each
process ticks in memory, and each pass asks the database what is due and claims it in the
delivery log before sending, so replicas and restarts never send twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.per_tick import one_tick
from bot.runtime import Runtime
from models.core.clock import utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PassOutcome:
    """How one pass went: "ok", or "failed" with what it could not do (the rest was done)."""

    failures: tuple[str, ...] = ()
    crashed: bool = False

    @property
    def ok(self) -> bool:
        return not (self.failures or self.crashed)

    def __str__(self) -> str:
        return "ok" if self.ok else "failed"


def run_passes(runtime: Runtime, now: datetime, names: list[str] | None = None) -> dict[str, PassOutcome]:
    """Run the named passes (all by default) as of `now`; one failing pass doesn't stop the rest.

    They run as one tick: what one pass learnt about people, the next ones reuse (bot.per_tick).
    """
    outcome: dict[str, PassOutcome] = {}
    with one_tick():
        for name, job in runtime.jobs.items():
            if names is not None and name not in names:
                continue
            try:
                failures = job(now) or ()
                outcome[name] = PassOutcome(tuple(str(failure) for failure in failures))
            except Exception:
                log.exception("scheduled pass %s failed at %s", name, now.isoformat())
                outcome[name] = PassOutcome(crashed=True)
    return outcome


def run_jobs(runtime: Runtime, now: datetime, names: list[str] | None = None) -> dict[str, str]:
    """`run_passes`, each pass's outcome as a word: "ok" or "failed"."""
    return {name: str(outcome) for name, outcome in run_passes(runtime, now, names).items()}


class Ticker:
    """The per-process minute tick."""

    def __init__(self, runtime: Runtime, clock: Clock = utcnow) -> None:
        self.runtime = runtime
        self.clock = clock
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self.scheduler.add_job(
            self.tick,
            CronTrigger(second=0, timezone=UTC),
            id="tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=30,
        )
        # Workspaces grow by thousands of rows a week; the planner's statistics follow nightly.
        self.scheduler.add_job(
            runtime.database.refresh_statistics,
            CronTrigger(hour=3, minute=7, timezone=UTC),
            id="statistics",
            coalesce=True,
            max_instances=1,
        )

    def tick(self) -> None:
        run_jobs(self.runtime, self.clock())

    def start(self) -> None:
        # One tick at once, not at the next whole minute: what came due while the process was
        # down is caught up as soon as it is back.
        self.scheduler.add_job(self.tick, id="catch_up")
        self.scheduler.start()
        log.info("scheduler started: one tick a minute for %s", ", ".join(self.runtime.jobs) or "no jobs")

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def __enter__(self) -> Ticker:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
