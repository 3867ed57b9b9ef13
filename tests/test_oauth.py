"""Many workspaces: Slack's OAuth install flow, installations kept by slack-sdk's SQLAlchemy store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from handlers.slack.installations import INSTALLATIONS_TABLE, store_metadata
from models import Workspace
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.oauth import CLIENT_ID, NEW_TEAM, NEW_TOKEN, finish_install, start_install
from tests.support.served import RunningBot, make_settings, serving
from tests.support.slackdriver import SlackDriver


@pytest.fixture
def multi_bot(fake_slack: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    settings = make_settings(
        fake_slack, database_url, slack_bot_token=None, slack_client_id=CLIENT_ID, slack_client_secret="shh"
    )
    with serving(create_app(settings, database=database), fake_slack) as running:
        yield running


def installations(database: Database) -> int:
    table = store_metadata().tables[INSTALLATIONS_TABLE]
    with database.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_a_workspace_installs_and_then_uses_the_app(multi_bot: RunningBot) -> None:
    multi_bot.fake.oauth_grant("code-1", team_id=NEW_TEAM, team_name="Initech", bot_token=NEW_TOKEN)
    done = finish_install(multi_bot, start_install(multi_bot))
    assert done.status_code == 200, done.text
    assert installations(multi_bot.database) == 1
    [exchange] = multi_bot.fake.calls_to("oauth.v2.access")
    assert exchange.args["code"] == "code-1"

    driver = SlackDriver(multi_bot.url, multi_bot.slack.signing_secret, fake=multi_bot.fake, team_id=NEW_TEAM)
    reply = driver.command("projects", team=NEW_TEAM)
    assert reply.json()["text"] == "There are no open projects in this workspace yet."
    with multi_bot.database.system_session(write=False) as db:
        assert list(db.scalars(select(Workspace.team_id))) == [NEW_TEAM]


def test_a_forged_state_installs_nothing(multi_bot: RunningBot) -> None:
    multi_bot.fake.oauth_grant("code-1", team_id=NEW_TEAM, team_name="Initech", bot_token=NEW_TOKEN)
    start_install(multi_bot)
    done = finish_install(multi_bot, "forged-state")
    assert done.status_code >= 400
    assert installations(multi_bot.database) == 0
    assert multi_bot.fake.calls_to("oauth.v2.access") == []


def test_a_workspace_that_never_installed_is_told_so_and_nothing_is_stored(multi_bot: RunningBot) -> None:
    reply = multi_bot.slack.command("projects", team="T0999")
    assert reply.status in (200, 401)
    assert "no open projects" not in reply.text
    with multi_bot.database.system_session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Workspace)) == 0
