"""Fixtures: a migrated database on SQLite and on PostgreSQL, a fake Slack, and the real app over HTTP.

Every database-backed test runs twice, once per database. PostgreSQL comes from
PMO_TEST_POSTGRES_URL (an admin URL; a throwaway database is created in it); without it those
runs are skipped, unless PMO_TEST_REQUIRE_POSTGRES=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import slack_client
from bot.app import Mode, create_app
from models.core.clock import CLOCK
from models.core.database import Database
from models.core.migrate import upgrade
from tests.support.dashboard import serving_dashboard
from tests.support.databases import empty_postgres
from tests.support.fakeslack import FakeSlack
from tests.support.served import RunningBot, make_settings, serving
from tests.support.workspace import (
    ADMIN,
    ALICE,
    BOB,
    BOT_TOKEN,
    CAROL,
    OTHER_BOT_TOKEN,
    OTHER_TEAM,
    TEAM,
    WEI,
)

# Each of the six workers imports the whole app and every test module (rewriting its asserts),
# and each `pmo-bot` process a test starts imports the app again: where the environment says
# never to write bytecode (PYTHONDONTWRITEBYTECODE), every one of them compiled it all anew, a
# twentieth of the suite's time. The suite keeps compiled modules in the git-ignored __pycache__.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# Generated examples are judged on what the code answers, never on how fast they came: on a
# busy 2-core machine (six workers, a PostgreSQL server, ruff and mypy beside them) Hypothesis
# found its own input generation "too slow" and failed a property test that held.
settings.register_profile("suite", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("suite")

POSTGRES_URL = os.environ.get("PMO_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("PMO_TEST_REQUIRE_POSTGRES") == "1"


# The week the suite's fixed dates were written for: plans from Monday 7 December 2026, milestones
# due on the 15th. A test whose words depend on today's date (late, overdue, health) asks for
# `written_for` and runs on that Monday morning's clock (09:00 in Shanghai), not on the real
# one, which moves past it.
WRITTEN_FOR = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@pytest.fixture
def written_for() -> Iterator[datetime]:
    """The app's clock from WRITTEN_FOR (running on from there), for the length of the test."""
    CLOCK.travel_to(WRITTEN_FOR)
    yield WRITTEN_FOR
    CLOCK.reset()


@pytest.fixture(autouse=True)
def quick_server_error_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack-sdk waits 0.5 to 2.5 s before it retries a 5xx; the tests check that it retries, not how long
    it waits (Retry-After on a 429 is Slack's own figure, and is still honoured as given)."""
    quick = partial(ServerErrorRetryHandler, interval_calculator=FixedValueRetryIntervalCalculator(0.01))
    monkeypatch.setattr(slack_client, "ServerErrorRetryHandler", quick)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy, far faster than migrating each time."""
    path = tmp_path_factory.mktemp("template") / "pmo.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not POSTGRES_URL:
        message = "PostgreSQL tests need PMO_TEST_POSTGRES_URL (see .ci/start-postgres)"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"pmo_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    upgrade(database)
    database.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def shared_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    """One `Database` per URL for the whole run: SQLAlchemy compiles each statement once per
    engine, and a new engine per test spent a tenth of the suite compiling the same SQL again."""
    databases: dict[str, Database] = {}
    yield databases
    for database in databases.values():
        database.dispose()


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("database") / "pmo.db"


def fresh_sqlite(path: Path, template: Path) -> None:
    """The migrated template in place of whatever the previous test left, its journal included."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(template, path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, shared_databases: dict[str, Database]) -> str:
    if request.param == "sqlite":
        path: Path = request.getfixturevalue("sqlite_path")
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    if url in shared_databases:
        # The previous test's connections go before its data does.
        shared_databases[url].dispose()
    if request.param == "sqlite":
        fresh_sqlite(path, request.getfixturevalue("sqlite_template"))
    else:
        empty_postgres(url)
    return url


@pytest.fixture
def database(database_url: str, shared_databases: dict[str, Database]) -> Iterator[Database]:
    if database_url not in shared_databases:
        shared_databases[database_url] = Database(database_url)
    database = shared_databases[database_url]
    yield database
    database.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN, name="Acme")
    fake.add_workspace(OTHER_TEAM, bot_token=OTHER_BOT_TOKEN, name="Globex")
    fake.add_user(TEAM, ALICE, name="alice", real_name="Alice Chen", tz="Asia/Shanghai", locale="en-US")
    fake.add_user(TEAM, BOB, name="bob", real_name="Bob Smith", tz="America/New_York")
    fake.add_user(TEAM, CAROL, name="carol", real_name="Carol Díaz", tz="Europe/Madrid")
    fake.add_user(TEAM, ADMIN, name="pat", real_name="Pat Okafor", tz="Europe/London")
    fake.add_user(TEAM, WEI, name="wei", real_name="李伟", tz="Asia/Shanghai", locale="zh-CN")
    yield fake
    fake.stop()
    assert fake.violations == [], "the app sent Slack something it would reject"


@pytest.fixture
def bot(fake_slack: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    app = create_app(make_settings(fake_slack, database_url), database=database, mode=Mode.HTTP)
    with serving(app, fake_slack) as running:
        yield running


@pytest.fixture
def dashboard(fake_slack: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    """The real app with its dashboard on, as PMO_PUBLIC_URL and the app's credentials turn it on."""
    with serving_dashboard(fake_slack, database, database_url) as running:
        yield running
