"""`pmo-bot` as a real process: its command line, a clean environment, its port, a kill mid-call."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import requests

from bot.cli import main
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


def run_here(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`run`'s answer from the command's own `main`, in this process.

    Starting `pmo-bot` costs about two seconds of imports and checks; tests that are about what a
    command does, not about its process (a kill, two replicas at once, start-up), run it here.
    """
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env, clear=True),
        contextlib.chdir(cwd),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        logging_restored(),
    ):
        try:
            code = main(args)
        except SystemExit as exit_:  # argparse's refusals
            code = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess([*pmo_bot(), *args], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def logging_restored() -> Iterator[None]:
    """The command configures the root logger for itself; pytest's capture must get it back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


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
