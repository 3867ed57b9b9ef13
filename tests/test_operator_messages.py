"""What an operator following README sees: one line naming the setting, and no noise.

The CLI's `main()` runs in process (the same code the `pmo-bot` script calls), with the
environment the operator would have set.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.app import create_app
from bot.cli import main
from bot.settings import load_settings
from tests.support.workspace import BOT_TOKEN, SIGNING_SECRET

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
