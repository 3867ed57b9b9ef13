"""What an operator following README sees: one line naming the setting, and no noise.

The CLI's `main()` runs in process (the same code the `pmo-bot` script calls), with the
environment the operator would have set.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from bot import cli
from bot.app import create_app
from bot.cli import main
from bot.settings import load_settings
from bot.slack_client import check_token
from handlers.slack.installations import schema_metadata
from models.core import migrate
from tests.support.fakeslack import FakeSlack
from tests.support.processes import free_port
from tests.support.workspace import BOT_TOKEN, SIGNING_SECRET, TEAM

EXIT_CONFIG = 2


@pytest.fixture
def operator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A shell in an empty folder with no Slack, PMO or database settings."""
    for name in os.environ:
        if name.startswith(("SLACK_", "PMO_", "DATABASE_URL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_jobs_run_without_a_bot_token_names_the_setting(
    operator: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["jobs", "run", "digests"]) == EXIT_CONFIG
    assert one_line(capsys).startswith("pmo-bot: SLACK_BOT_TOKEN: not set (the Bot User OAuth Token")
    assert not (tmp_path / "pmo-bot.db").exists(), "nothing may be created before settings are good"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgres://pmo@localhost/pmo", "'postgres', which SQLAlchemy does not know"),
        ("mysql://pmo@localhost/pmo", "needs the Python driver 'MySQLdb', not installed"),
    ],
)
def test_a_database_url_whose_driver_is_missing_names_the_setting(
    operator: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, says: str
) -> None:
    operator.setenv("DATABASE_URL", url)
    assert main(["jobs", "status"]) == EXIT_CONFIG
    line = one_line(capsys)
    assert line.startswith("pmo-bot: DATABASE_URL: ") and says in line


def test_db_current_prints_the_versions_without_alembics_chatter(
    operator: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["db", "current"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("current ") and "alembic" not in out + err
    operator.setenv("PMO_LOG_LEVEL", "DEBUG")
    assert main(["db", "current"]) == 0
    assert "alembic" in capsys.readouterr().err, "at DEBUG, the migration context is worth seeing"


def test_starting_the_app_does_not_warn_that_the_token_is_unused(
    operator: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    operator.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    operator.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    with caplog.at_level(logging.DEBUG):
        create_app(load_settings(database_url="sqlite://"))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.fixture
def checkout(operator: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A copy of the checkout's migrations, so that a written revision lands in the copy."""
    root = tmp_path / "checkout"
    shutil.copytree(migrate.MIGRATIONS_DIR, root / "models" / "migrations")
    (root / "pyproject.toml").write_text('[project]\nname = "pmo-bot"\n')
    operator.setattr(migrate, "MIGRATIONS_DIR", root / "models" / "migrations")
    operator.setattr(cli, "MIGRATIONS_DIR", root / "models" / "migrations")
    return root


def versions(root: Path) -> set[str]:
    return {path.name for path in (root / "models" / "migrations" / "versions").glob("*.py")}


def test_db_revision_writes_nothing_when_the_models_match(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = versions(checkout)
    assert main(["db", "revision", "-m", "nothing new"]) == 1
    assert one_line(capsys) == "pmo-bot: the models match the newest migration: nothing to write"
    assert versions(checkout) == before


def test_db_revision_writes_the_next_numbered_migration(
    checkout: Path, operator: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = MetaData()
    Table("widgets", extra, Column("id", Integer, primary_key=True))
    operator.setattr(cli, "schema_metadata", lambda: [*schema_metadata(), extra])
    expected = f"{int(migrate.head_revision() or '0') + 1:04d}_add_widgets.py"

    assert main(["db", "revision", "-m", "add widgets"]) == 0

    written = checkout / "models" / "migrations" / "versions" / expected
    assert f"Generating {written}" in capsys.readouterr().out
    assert re.search(r"create_table\(\s*['\"]widgets['\"]", written.read_text())


def test_db_revision_refuses_to_write_into_an_installed_copy(
    operator: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = tmp_path / "site-packages" / "models" / "migrations"
    operator.setattr(migrate, "MIGRATIONS_DIR", installed)
    operator.setattr(cli, "MIGRATIONS_DIR", installed)
    assert main(["db", "revision", "-m", "anything"]) == EXIT_CONFIG
    assert "writes into a source checkout" in one_line(capsys)
    assert not installed.exists()


@pytest.fixture
def slack_knowing_one_token() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN, name="Acme")
    yield fake
    fake.stop()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def test_a_token_slack_refuses_is_named_in_a_warning_at_start(
    slack_knowing_one_token: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(slack_api_url=slack_knowing_one_token.api_url)
    with caplog.at_level(logging.INFO):
        assert check_token(settings, "xoxb-your-bot-token") is False
    (warning,) = warnings_of(caplog)
    assert warning.startswith("Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert "xoxb-your-bot-token" not in caplog.text

    caplog.clear()
    assert check_token(settings, BOT_TOKEN) is True
    assert warnings_of(caplog) == []


def test_an_unreachable_slack_lets_the_bot_start_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(slack_api_url=f"http://127.0.0.1:{free_port()}/api/")
    with caplog.at_level(logging.INFO):
        assert check_token(settings, BOT_TOKEN) is False
    assert warnings_of(caplog) == []
    assert "could not reach Slack to check SLACK_BOT_TOKEN" in caplog.text
