"""`pmo-bot console`: the same app, database and scheduled passes, with a pretend Slack in a terminal."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.app import Mode, create_app
from bot.console import repl
from bot.console.demo import load_demo
from bot.console.directory import ADMIN, BOT_TOKEN, Directory
from bot.console.feed import Feed
from bot.console.session import Session
from bot.console.terminal import Terminal
from bot.i18n import Translator
from bot.pretend_slack import PretendSlack
from bot.scheduler import Ticker
from bot.settings import Settings
from models.core.clock import CLOCK
from models.core.database import Database

PORTFOLIO_CHANNEL = "pmo"


@dataclass(frozen=True)
class ConsoleOptions:
    demo: bool
    files_dir: Path
    stdin: TextIO
    stdout: TextIO
    interactive: bool


def console_settings(settings: Settings, fake: PretendSlack, directory: Directory) -> Settings:
    """The operator's settings (database, language, administrators) with the pretend Slack's tokens."""
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(secrets.token_hex(16)),
            "slack_app_token": None,
            "slack_client_id": None,
            "slack_client_secret": None,
            "slack_api_url": fake.api_url,
            "pmo_admins": settings.pmo_admins | {ADMIN},
            "pmo_portfolio_channel": directory.channel(PORTFOLIO_CHANNEL),
        }
    )


@contextmanager
def console_session(
    settings: Settings, database: Database, terminal: Terminal, files_dir: Path
) -> Iterator[Session]:
    """The app, built as `pmo-bot serve` builds it, facing a pretend Slack, and someone to type."""
    with PretendSlack() as fake, back_in_the_present():
        directory = Directory(fake)
        app = create_app(console_settings(settings, fake, directory), database=database, mode=Mode.HTTP)
        # The console's own words go to a terminal, which is not mrkdwn: as typed, not escaped.
        terminal_t = Translator(settings.pmo_language).literal()
        yield Session(app, directory, Feed(fake, files_dir), terminal, terminal_t)


def run_console(settings: Settings, database: Database, options: ConsoleOptions) -> int:
    terminal = Terminal(options.stdin, options.stdout, interactive=options.interactive)
    with console_session(settings, database, terminal, options.files_dir) as session:
        terminal.say(session.t("console.banner"))
        if options.demo:
            load_demo(session)
        # At a terminal the passes run every minute, as in production; a script runs them on `:time`.
        with ConsoleTicker(session) if options.interactive else nullcontext():
            repl.run(session)
    return 0


@contextmanager
def back_in_the_present() -> Iterator[None]:
    try:
        yield
    finally:
        CLOCK.reset()


class ConsoleTicker(Ticker):
    """The minute tick of `pmo-bot serve`, showing what it sent as soon as it sent it."""

    def __init__(self, session: Session) -> None:
        super().__init__(session.app.runtime)
        self.session = session

    def tick(self) -> None:
        self.session.run_passes(self.clock())
