"""The minute tick and the passes it runs."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from bot.runtime import Runtime
from bot.scheduler import Ticker, run_jobs
from bot.settings import Settings
from handlers.slack.events import claim_event, prune_event_ids
from models.core.database import Database
from models.core.records import InboundEvent
from tests.support.workspace import TEAM


def runtime_for(database: Database) -> Runtime:
    return Runtime(settings=Settings(_env_file=None, database_url=str(database.url)), database=database)


def test_old_event_ids_are_pruned_and_recent_ones_kept(database: Database) -> None:
    runtime = runtime_for(database)
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert claim_event(runtime, TEAM, "EvOld")
    assert claim_event(runtime, TEAM, "EvNew")
    with database.system_session() as db:
        db.execute(
            update(InboundEvent)
            .where(InboundEvent.event_id == "EvOld")
            .values(created_at=now - timedelta(days=4))
        )
        db.execute(
            update(InboundEvent)
            .where(InboundEvent.event_id == "EvNew")
            .values(created_at=now - timedelta(hours=1))
        )
    prune_event_ids(runtime, now)
    with database.system_session(write=False) as db:
        assert list(db.scalars(select(InboundEvent.event_id))) == ["EvNew"]
        assert db.scalar(select(func.count(InboundEvent.id))) == 1


def test_a_failing_pass_does_not_stop_the_others(database: Database) -> None:
    runtime = runtime_for(database)
    seen: list[datetime] = []

    def broken(now: datetime) -> None:
        raise RuntimeError("boom")

    runtime.add_job("broken", broken)
    runtime.add_job("fine", seen.append)
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert run_jobs(runtime, at) == {"broken": "failed", "fine": "ok"}
    assert seen == [at]
    assert run_jobs(runtime, at, names=["fine"]) == {"fine": "ok"}


def test_the_ticker_catches_up_at_start_then_fires_on_each_minute_in_utc_and_stops(
    database: Database,
) -> None:
    runtime = runtime_for(database)
    fired: list[datetime] = []
    runtime.add_job("record", fired.append)
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    ticker = Ticker(runtime, clock=lambda: at)
    ticker.start()
    try:
        deadline = time.monotonic() + 5
        while not fired and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fired == [at], "the first tick runs at start, not at the next whole minute"
        assert {job.id for job in ticker.scheduler.get_jobs()} == {"tick", "statistics"}
        nightly = ticker.scheduler.get_job("statistics")
        assert nightly.next_run_time.hour == 3
        job = ticker.scheduler.get_job("tick")
        after = datetime(2026, 12, 7, 9, 0, 30, tzinfo=UTC)
        assert job.trigger.get_next_fire_time(None, after) == datetime(2026, 12, 7, 9, 1, tzinfo=UTC)
        assert job.next_run_time.second == 0
        ticker.tick()
        assert fired == [at, at]
    finally:
        ticker.shutdown()
    assert not ticker.scheduler.running
