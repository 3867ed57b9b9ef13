"""The communication plan's reports: a plan line edited as its manager edits it, and the `reports` pass."""

from __future__ import annotations

from tests.support.flows import field_errors, open_modal, submit
from tests.support.passes import run_passes_now
from tests.support.served import RunningBot

REPORT = "📣 The weekly report on *APL* Apollo"


def reports(bot: RunningBot, at: str) -> None:
    done = run_passes_now(bot, at, "reports")
    assert done.ok, done.stdout
    assert "reports: ok" in done.stdout


def edit_line(bot: RunningBot, kind: str, values: dict[str, str | None]) -> None:
    view = open_modal(bot, f"comms edit {kind}")
    assert field_errors(submit(bot, view, values)) == {}
