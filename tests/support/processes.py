"""`pmo-bot` as a real process: its command line, a clean environment, its port, a kill mid-call."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.fakeslack import Stall
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, BOT_TOKEN, SIGNING_SECRET

START_TIMEOUT_S = 20


def pmo_bot() -> list[str]:
    """The installed console script, or the same entry point through this interpreter."""
    script = shutil.which("pmo-bot")
    return (
        [script]
        if script
        else [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
    )


def clean_env(**values: str) -> dict[str, str]:
    """The caller's environment without any PMO or Slack settings, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PMO_", "DATABASE_URL"))}
    env.update(values)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [*pmo_bot(), *args]
    return subprocess.run(command, check=False, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen[str]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_S:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return time.monotonic() - started
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise AssertionError("pmo-bot serve did not answer /healthz")


def jobs_env(bot: RunningBot) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=bot.fake.api_url,
        DATABASE_URL=bot.database.url.render_as_string(hide_password=False),
        PMO_ADMINS=ADMIN,
    )


def killed_while_held(bot: RunningBot, tmp_path: Path, args: list[str], held: Stall) -> None:
    """Run `pmo-bot args`, kill it while Slack holds the call `held`, then let Slack finish that call.

    Slack goes on to do what it was asked (post the message) though the asker is gone.
    """
    process = subprocess.Popen(
        [*pmo_bot(), *args],
        env=jobs_env(bot),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert held.arrived.wait(30), f"pmo-bot {' '.join(args)} never made the call to hold"
    finally:
        process.kill()
        process.wait(timeout=10)
    done = len(bot.fake.calls_to(held.method))
    held.release()
    bot.fake.wait_for(held.method, done + 1)
