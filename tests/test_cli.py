"""`pmo-bot` as an operator runs it: a real process, real settings from the environment."""

from __future__ import annotations

import logging
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import configure_logging
from tests.support.fakeslack import FakeSlack
from tests.support.processes import (
    clean_env,
    free_port,
    logging_restored,
    pmo_bot,
    run,
    run_here,
    wait_healthy,
)
from tests.support.served import make_settings
from tests.support.slackdriver import SlackDriver
from tests.support.workspace import BOT_TOKEN, SIGNING_SECRET


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "not-a-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": BOT_TOKEN, "PMO_ADMINS": "alice"}, "PMO_ADMINS"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": BOT_TOKEN, "PMO_LANGUAGE": "fr"}, "PMO_LANGUAGE"),
        (
            {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": BOT_TOKEN, "DATABASE_URL": "nonsense"},
            "DATABASE_URL",
        ),
        (
            {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": BOT_TOKEN, "PMO_PORTFOLIO_CHANNEL": "#pmo"},
            "PMO_PORTFOLIO_CHANNEL",
        ),
        (
            {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_CLIENT_ID": "1.2"},
            "SLACK_CLIENT_SECRET",
        ),
    ],
)
def test_bad_settings_stop_serve_with_one_line_and_exit_2(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    # The command's own main, in this process: what each setting is told is the subject here.
    result = run_here(["serve", "--no-scheduler"], clean_env(**env), tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"pmo-bot: {variable}: ")
    assert not (tmp_path / "pmo-bot.db").exists(), "nothing may be created before settings are good"


def test_a_real_process_with_a_bad_setting_exits_2_with_one_line_and_creates_nothing(tmp_path: Path) -> None:
    result = run(["serve", "--no-scheduler"], clean_env(SLACK_BOT_TOKEN=BOT_TOKEN), tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmo-bot: SLACK_SIGNING_SECRET: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pmo-bot.db").exists(), "nothing may be created before settings are good"


def test_socket_mode_needs_an_app_token(tmp_path: Path) -> None:
    result = run_here(["socket"], clean_env(SLACK_BOT_TOKEN=BOT_TOKEN), tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "pmo-bot: SLACK_APP_TOKEN: not set (an app-level token with connections:write (xapp-…))"
    )


def test_an_unreachable_database_stops_start_up_with_a_sentence(tmp_path: Path) -> None:
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL=f"postgresql+psycopg://pmo:secret@127.0.0.1:{free_port()}/pmo",
    )
    result = run_here(["serve", "--no-scheduler"], env, tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "pmo-bot: cannot use the database at postgresql+psycopg://pmo:***@127.0.0.1"
    )
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    env = clean_env()
    # What the commands do is the subject; a real process's start-up is tested above and below.
    assert "is at version" in run_here(["db", "upgrade"], env, tmp_path).stdout
    current = run_here(["db", "current"], env, tmp_path)
    assert current.returncode == 0
    assert "run: pmo-bot db upgrade" not in current.stdout
    assert (tmp_path / "pmo-bot.db").exists(), "SQLite in the working folder is the default"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, FakeSlack]]:
    fake = FakeSlack().start()
    fake.add_workspace("T0001", bot_token=BOT_TOKEN)
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url
    )
    process = subprocess.Popen(
        [*pmo_bot(), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        yield process, url, fake
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        fake.stop()


def test_serve_answers_slack_and_stops_on_sigterm(
    served: tuple[subprocess.Popen[str], str, FakeSlack],
) -> None:
    process, url, fake = served
    wait_healthy(url, process)
    driver = SlackDriver(url, SIGNING_SECRET, fake=fake)
    reply = driver.command("help")
    assert reply.status == 200
    assert "PMO bot: what you can ask" in reply.json()["text"]
    assert driver.command("help", signature="v0=forged").status == 401
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert fake.violations == []


@pytest.mark.parametrize(("level", "chatty_at"), [("INFO", logging.WARNING), ("DEBUG", logging.DEBUG)])
def test_the_minutes_tick_and_migrations_are_logged_only_when_debugging(
    fake_slack: FakeSlack, level: str, chatty_at: int
) -> None:
    settings = make_settings(fake_slack, "sqlite://", pmo_log_level=level)
    with logging_restored():
        configure_logging(settings)
        assert [logging.getLogger(name).getEffectiveLevel() for name in ("apscheduler", "alembic")] == [
            chatty_at,
            chatty_at,
        ]
        assert logging.getLogger("bot").getEffectiveLevel() == logging.getLevelName(level)
