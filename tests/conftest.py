"""Fixtures: a migrated database on SQLite and on PostgreSQL, a fake Slack, and the real app over HTTP.

Every database-backed test runs twice, once per database. PostgreSQL comes from
PMO_TEST_POSTGRES_URL (an admin URL; a throwaway database is created in it); without it those
runs are skipped, unless PMO_TEST_REQUIRE_POSTGRES=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.app import Mode, PmoApp, create_app
from bot.settings import Settings
from bot.web import make_server
from handlers.slack.installations import schema_metadata
from models.core.database import Database
from models.core.migrate import upgrade
from tests.support.fakeslack import FakeSlack
from tests.support.slackdriver import SlackDriver

SIGNING_SECRET = "test-signing-secret"
TEAM = "T0001"
OTHER_TEAM = "T0002"
BOT_TOKEN = "xoxb-test-T0001"
OTHER_BOT_TOKEN = "xoxb-test-T0002"
ALICE, BOB, CAROL = "U0001", "U0002", "U0003"
WEI = "U0005"  # reads Slack in Simplified Chinese (zh-CN), in Alice's time zone
ADMIN = "U0009"  # a PMO administrator (PMO_ADMINS) in every running bot

POSTGRES_URL = os.environ.get("PMO_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("PMO_TEST_REQUIRE_POSTGRES") == "1"
# How long the driver waits, after each answer, for the notifications the request queued.
SETTLE_S = 30


def all_tables() -> list[str]:
    return [table.name for metadata in schema_metadata() for table in metadata.sorted_tables]


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


def fresh_database_url(database_url: str, tmp_path: Path) -> str:
    """An empty, never-migrated database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/fresh.db"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    name = f"pmo_fresh_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(database_url).set(database=name).render_as_string(hide_password=False)


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = ", ".join(f'"{name}"' for name in all_tables())
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "pmo.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    empty_postgres(url)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
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


def make_settings(fake: FakeSlack, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "pmo_admins": ADMIN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@dataclass
class RunningBot:
    """The real app behind a real HTTP server on loopback, and what tests need around it."""

    app: PmoApp
    url: str
    slack: SlackDriver
    fake: FakeSlack
    database: Database


@contextmanager
def serving(app: PmoApp, fake: FakeSlack) -> Iterator[RunningBot]:
    """Serve `app` with the same server `pmo-bot serve` uses, on an ephemeral loopback port."""
    server = make_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()
    thread = threading.Thread(target=run_until_stopped, args=(server, stopping), name="waitress", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    settle = partial(app.runtime.settle, SETTLE_S)
    driver = SlackDriver(url, SIGNING_SECRET, fake=fake, team_id=TEAM, settle=settle)
    try:
        yield RunningBot(app=app, url=url, slack=driver, fake=fake, database=app.runtime.database)
    finally:
        driver.session.close()
        stopping.set()
        stop_server(server)
        thread.join(timeout=5)


def run_until_stopped(server: BaseWSGIServer | MultiSocketServer, stopping: threading.Event) -> None:
    """Serve; the loop may be inside select() on a socket stop_server closes, which is no failure."""
    try:
        server.run()
    except OSError:
        if not stopping.is_set():
            raise


def stop_server(server: BaseWSGIServer | MultiSocketServer) -> None:
    """Close the listener and every open connection, so waitress's loop ends at once."""
    for channel in list(server._map.values()):
        channel.close()
    server.task_dispatcher.shutdown(timeout=1)


@pytest.fixture
def bot(fake_slack: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    app = create_app(make_settings(fake_slack, database_url), database=database, mode=Mode.HTTP)
    with serving(app, fake_slack) as running:
        yield running
