"""What every benchmark shares: a throwaway database, timing, and figures printed beside their baseline.

A figure is only worth its ratio against a baseline measured in the same run on the same
machine: absolute milliseconds move with whatever else the machine is doing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from bot.app import Mode, PmoApp, create_app
from bot.heap import freeze_start_up
from models.core.database import Database
from models.core.migrate import upgrade
from tests.support.fakeslack import FakeSlack
from tests.support.served import make_settings
from tests.support.workspace import BOT_TOKEN, TEAM


@dataclass(frozen=True)
class Figure:
    """One measured figure, the baseline it is compared with, and the target it must meet."""

    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    baseline: float | None = None
    baseline_name: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    def line(self) -> str:
        parts = [f"{self.name:<34} {self.value:10.2f} {self.unit:<5}"]
        if self.baseline is not None:
            parts.append(f"{self.baseline_name} {self.baseline:.2f} {self.unit} → {self.ratio:.2f}×")
        if self.target:
            verdict = "" if self.met is None else (" met" if self.met else " MISSED")
            parts.append(f"target {self.target}:{verdict}")
        return " · ".join(parts)


def report(title: str, database_url: str, figures: list[Figure]) -> None:
    backend = make_url(database_url).get_backend_name()
    print(f"\n== {title} on {backend}")
    for figure in figures:
        print(figure.line())


def milliseconds(seconds: list[float]) -> list[float]:
    return [value * 1000 for value in seconds]


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: with 200 samples p99 is the second slowest, not a guess."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def timings(run: Callable[[], object], count: int, *, warm: int = 3) -> list[float]:
    """`count` timed calls after `warm` untimed ones (caches and connections are not what users wait on)."""
    for _ in range(warm):
        run()
    return [timed(run) for _ in range(count)]


@contextmanager
def scratch_database(server_url: str | None) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or a database of its own on the given server."""
    if server_url is None or make_url(server_url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = server_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            _migrate(url)
            yield url
        return
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"pmo_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    database = Database(url)
    upgrade(database)
    database.dispose()


def delete_rows(database: Database, tables: Iterable[str], team_id: str | None = None) -> None:
    """Empty `tables`, or only `team_id`'s rows of them: what a benchmark forgets between two runs."""
    scope = " WHERE team_id = :team" if team_id else ""
    with database.engine.begin() as conn:
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}{scope}"), {"team": team_id})


class QueryCounter:
    """Counts the statements an engine sends while `counting` is on."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        if self._on:
            self.count += 1

    @contextmanager
    def counting(self) -> Iterator[QueryCounter]:
        self.count, self._on = 0, True
        try:
            yield self
        finally:
            self._on = False


def fake_slack(
    *, people: Iterable[str] = (), tz: str = "Asia/Shanghai", kind: type[FakeSlack] = FakeSlack
) -> FakeSlack:
    """The fake Web API on loopback, knowing the benchmark's workspace and its people."""
    fake = kind().start()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN, name="Acme")
    for user in people:
        fake.add_user(TEAM, user, tz=tz)
    return fake


def pmo_app(database: Database, fake: FakeSlack, **settings: object) -> PmoApp:
    """The app as `pmo-bot serve` starts it: statistics read, start-up's objects frozen."""
    database.ensure_statistics()  # the scheduler refreshes them nightly
    app = create_app(
        make_settings(fake, database.url.render_as_string(hide_password=False), **settings),
        database=database,
        mode=Mode.HTTP,
    )
    freeze_start_up()
    return app
