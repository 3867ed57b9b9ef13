"""Scheduled passes run in this process, as `pmo-bot jobs run PASS… --at AT` runs them.

Starting `pmo-bot` costs about two seconds (imports, the migration check) and the suite runs
passes many dozens of times; the command's own process is tested in tests/test_cli.py and by
the few tests that need a real one (a kill, two replicas at once).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from bot.app import create_app
from bot.cli import moment, passes_report
from bot.scheduler import PassOutcome, run_passes
from models.core.clock import CLOCK
from tests.support.served import SETTLE_S, RunningBot, make_settings

# What `pmo-bot` reads from its environment; the tests' processes got none of the caller's.
SETTING_PREFIXES = ("SLACK_", "PMO_", "DATABASE_URL")


@dataclass(frozen=True)
class PassesRun:
    """What the command reports: each pass's outcome, and the lines it prints."""

    outcome: dict[str, PassOutcome]
    stdout: str

    @property
    def ok(self) -> bool:
        """Every pass did all it had to: the command's exit code would be 0 (else 1)."""
        return all(result.ok for result in self.outcome.values())


def run_passes_now(bot: RunningBot, at: str, *names: str, **settings: object) -> PassesRun:
    """`pmo-bot jobs run NAMES --at AT` against the running bot's database and fake Slack.

    Like the command, a fresh app of its own (no runtime, caches or pacing shared with the bot
    serving requests), the settings the tests give the command (`settings` adds some, such as
    `pmo_portfolio_channel`), the real clock, and the work the passes deferred finished before
    it returns, as the process finishes it before it exits.
    """
    when = moment(at)
    url = bot.database.url.render_as_string(hide_password=False)
    with real_clock(), environment_without_settings():
        app = create_app(make_settings(bot.fake, url, **settings), database=bot.database)
    unknown = set(names) - set(app.runtime.jobs)
    assert names and not unknown, f"no pass named {sorted(unknown)}; the passes are {list(app.runtime.jobs)}"
    with real_clock():
        outcome = run_passes(app.runtime, when, list(names))
        assert app.runtime.settle(SETTLE_S), "the passes' deferred work did not finish"
    return PassesRun(outcome, passes_report(outcome, when))


@contextmanager
def real_clock() -> Iterator[None]:
    """A process starts on the real clock: a travel another test left behind is undone meanwhile."""
    offset = CLOCK.offset
    CLOCK.reset()
    try:
        yield
    finally:
        CLOCK.offset = offset


@contextmanager
def environment_without_settings() -> Iterator[None]:
    """The environment the command's process had: the caller's, less any PMO or Slack setting."""
    keep = {name: value for name, value in os.environ.items() if not name.startswith(SETTING_PREFIXES)}
    with mock.patch.dict(os.environ, keep, clear=True):
        yield


def dms_to(bot: RunningBot, user: str) -> list[str]:
    """The DMs `user` received: a post Slack refused never reached them."""
    posts = bot.fake.calls_to("chat.postMessage", ok=True)
    return [call.args["text"] for call in posts if call.args["channel"] == user]
