"""A database that is down: a short apology, not silence, and /healthz says 503."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bot.app import create_app
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.served import RunningBot, make_settings, serving


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/no-such-dir/pmo.db"
    return f"postgresql+psycopg://pmo@127.0.0.1:{closed_port()}/pmo"


@pytest.fixture
def bot_without_database(fake_slack: FakeSlack, unreachable_url: str) -> Iterator[RunningBot]:
    database = Database(unreachable_url)
    app = create_app(make_settings(fake_slack, unreachable_url), database=database)
    with serving(app, fake_slack) as running:
        yield running


def test_a_command_that_needs_the_database_gets_an_apology(bot_without_database: RunningBot) -> None:
    reply = bot_without_database.slack.command("projects")
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Sorry, I can't reach my database right now, so nothing was changed.")


def test_help_still_works_without_the_database(bot_without_database: RunningBot) -> None:
    assert "PMO bot: what you can ask" in bot_without_database.slack.command("help").json()["text"]


def test_health_check_says_503(bot_without_database: RunningBot) -> None:
    reply = bot_without_database.slack.get("/healthz")
    assert reply.status == 503
    assert reply.json() == {"status": "unavailable", "database": False}


def test_an_event_during_an_outage_is_answered_not_dropped_as_500(bot_without_database: RunningBot) -> None:
    reply = bot_without_database.slack.event({"type": "app_home_opened", "user": "U0001", "tab": "home"})
    assert reply.status == 200
