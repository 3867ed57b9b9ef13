"""One bad project never stops a pass: the others get theirs once, and the failure shows.

Three projects are due their weekly digest; one cannot have it (its channel is archived, or its
rows make the digest fail). The pass is run in this process through the CLI's `main`, as an
operator runs `pmo-bot jobs run digests`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import handlers.digests.weekly
import handlers.reminders.overdue
import handlers.reminders.reviews
from models.digests.content import Digest
from tests.support.charter import create
from tests.support.digests import MONDAY_0905_SHANGHAI
from tests.support.flows import field_errors, open_modal, submit
from tests.support.passes import dms_to
from tests.support.processes import jobs_env, run_here
from tests.support.reminders import overdue, reminder_dms
from tests.support.reviews import REVIEWS_DUE
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, BOB, CAROL, TEAM

CHANNELS = {"APL": "C0001", "ZEUS": "C0002", "HERA": "C0003"}
LATER = "2026-12-07T01:06+00:00"
WITHIN_BACK_OFF = "2026-12-07T01:05:30+00:00"  # a failed send is tried again a minute on


@pytest.fixture
def pmo_bot(bot: RunningBot, tmp_path: Path) -> Callable[..., tuple[int, str]]:
    """`pmo-bot ARGS…` in this process, with the bot's settings: its exit code and what it printed."""

    def run(*args: str) -> tuple[int, str]:
        done = run_here(list(args), jobs_env(bot), tmp_path)
        return done.returncode, done.stdout

    return run


def three_projects(bot: RunningBot) -> None:
    create(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel=CHANNELS["ZEUS"])
    create(bot, {"key": "HERA", "name": "Hera"}, channel=CHANNELS["HERA"])


def digests_in(bot: RunningBot, key: str) -> list[str]:
    """The weekly digests Slack accepted in the project's channel."""
    posts = [
        c.args["text"]
        for c in bot.fake.calls_to("chat.postMessage", ok=True)
        if c.args["channel"] == CHANNELS[key]
    ]
    return [text for text in posts if text.startswith("📰")]


def assert_served_once(bot: RunningBot, *keys: str) -> None:
    for key in keys:
        posts = digests_in(bot, key)
        assert len(posts) == 1 and posts[0].startswith(f"📰 {key} · "), (key, posts)


def test_a_channel_slack_refuses_fails_its_project_alone_and_shows_in_jobs_status(
    bot: RunningBot, pmo_bot: Callable[..., tuple[int, str]]
) -> None:
    three_projects(bot)
    bot.fake.add_channel(TEAM, CHANNELS["ZEUS"], name="zeus", is_archived=True)

    code, out = pmo_bot("jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI)
    assert code != 0
    assert out.startswith("digests: failed (as of 2026-12-07T01:05:00+00:00)\n")
    assert "  failed for ZEUS (#C0002): digest:" in out and out.rstrip().endswith(": is_archived"), out
    assert "APL" not in out and "HERA" not in out
    assert_served_once(bot, "APL", "HERA")
    assert digests_in(bot, "ZEUS") == []

    code, status = pmo_bot("jobs", "status")
    assert code == 0
    failures = status.split("Pass failures in the past 7 days (the other projects were served):\n")[1]
    assert failures.startswith("  digests:\n    ")
    assert "ZEUS (#C0002) · digest:" in failures and failures.rstrip().endswith(": is_archived")
    assert "APL" not in failures and "HERA" not in failures

    # Run again: the others are not sent twice, and Zeus waits out its back-off.
    code, out = pmo_bot("jobs", "run", "digests", "--at", WITHIN_BACK_OFF)
    assert (code, out) == (0, "digests: ok (as of 2026-12-07T01:05:30+00:00)\n")
    assert_served_once(bot, "APL", "HERA")
    # Its channel unarchived, a minute on Zeus gets its digest: once.
    bot.fake.add_channel(TEAM, CHANNELS["ZEUS"], name="zeus")
    assert pmo_bot("jobs", "run", "digests", "--at", LATER)[0] == 0
    assert_served_once(bot, "APL", "ZEUS", "HERA")


def failing_for(key: str, real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, except that a batch holding project `key` meets a database error in its rows."""

    def digests(db: Any, projects: list[Any], *args: Any, **kwargs: Any) -> Any:
        if any(project.key == key for project in projects):
            # On PostgreSQL this aborts the transaction: the other projects read on regardless.
            db.execute(text("SELECT no_such_column FROM projects"))
        return real(db, projects, *args, **kwargs)

    return digests


def test_a_database_error_in_one_projects_rows_leaves_the_others_their_digest(
    bot: RunningBot, pmo_bot: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    three_projects(bot)
    real = handlers.digests.weekly.weekly_digests
    monkeypatch.setattr(handlers.digests.weekly, "weekly_digests", failing_for("ZEUS", real))

    code, out = pmo_bot("jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI)
    assert code != 0
    lines = out.splitlines()
    assert lines[0] == "digests: failed (as of 2026-12-07T01:05:00+00:00)"
    assert len(lines) == 2 and lines[1].startswith("  failed for ZEUS (#C0002): ")
    assert "no_such_column" in lines[1]
    assert_served_once(bot, "APL", "HERA")
    assert digests_in(bot, "ZEUS") == []

    code, status = pmo_bot("jobs", "status")
    assert "  digests:\n" in status and "ZEUS (#C0002) · " in status and "no_such_column" in status

    # Fixed, the next run sends Zeus its digest, and still nothing twice.
    monkeypatch.setattr(handlers.digests.weekly, "weekly_digests", real)
    code, out = pmo_bot("jobs", "run", "digests", "--at", LATER)
    assert code == 0, out
    assert_served_once(bot, "APL", "ZEUS", "HERA")


def test_a_digest_that_cannot_be_written_fails_its_project_alone_and_repeats_are_counted(
    bot: RunningBot, pmo_bot: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    three_projects(bot)
    real = handlers.digests.weekly.digest_message

    def message(digest: Digest, t: Any, *rest: Any) -> Any:
        if digest.project.key == "HERA":
            raise ValueError("Hera's digest has a line no template can hold")
        return real(digest, t, *rest)

    monkeypatch.setattr(handlers.digests.weekly, "digest_message", message)
    code, out = pmo_bot("jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI)
    assert code != 0
    assert out.splitlines()[1:] == [
        '  failed for HERA (#C0003): ValueError("Hera\'s digest has a line no template can hold")'
    ]
    assert_served_once(bot, "APL", "ZEUS")

    code, out = pmo_bot("jobs", "run", "digests", "--at", LATER)
    assert code != 0 and "HERA (#C0003)" in out
    assert_served_once(bot, "APL", "ZEUS")
    assert digests_in(bot, "HERA") == []
    code, status = pmo_bot("jobs", "status")
    assert "HERA (#C0003) (2 times) · ValueError" in status


def test_a_database_error_reading_one_projects_reviews_leaves_the_others_their_prompts(
    bot: RunningBot, pmo_bot: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared runner's own path (reviews, standups, reports): the projects read together, and
    when that fails, each in its own savepoint."""
    three_projects(bot)
    for key, channel in CHANNELS.items():
        bot.slack.command(f"team add <@{CAROL}> member", channel=channel)
        view = open_modal(bot, "risk", channel=channel)
        values = {"title": f"Vendor late for {key}", "owner_id": CAROL, "review_date": "2026-12-07"}
        assert field_errors(submit(bot, view, values)) == {}
    real = handlers.reminders.reviews.due_risks
    monkeypatch.setattr(handlers.reminders.reviews, "due_risks", failing_for("ZEUS", real))
    code, out = pmo_bot("jobs", "run", "reviews", "--at", REVIEWS_DUE)
    assert code != 0
    assert out.splitlines()[1].startswith("  failed for ZEUS (#C0002): ") and len(out.splitlines()) == 2
    assert sorted(dm for dm in dms_to(bot, CAROL) if "Vendor late" in dm) == [
        "🔎 Risk *APL-R1* Vendor late for APL is due for review.",
        "🔎 Risk *HERA-R1* Vendor late for HERA is due for review.",
    ]
    code, status = pmo_bot("jobs", "status")
    assert "  reviews:\n" in status and "ZEUS (#C0002) · " in status


def test_a_reminder_that_cannot_be_written_fails_that_dm_alone_and_is_tried_again(
    bot: RunningBot, pmo_bot: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reminders are written as they are sent, one person's work across projects: each send is alone."""
    overdue(bot)  # Bob (New York) and Carol (Madrid) own overdue work in Apollo
    bot.slack.command(f"team add <@{ADMIN}> member")
    bot.slack.command(f"task add Slides <@{ADMIN}|pat> start 2026-12-01 due 2026-12-03")
    real = handlers.reminders.overdue.reminder_blocks

    def blocks(items: list[Any], *args: Any) -> Any:
        if items[0].owner_id == CAROL:
            raise KeyError("Carol's reminder lost a row")
        return real(items, *args)

    monkeypatch.setattr(handlers.reminders.overdue, "reminder_blocks", blocks)
    at = "2026-12-07T15:00+00:00"  # 10:00 in New York, 16:00 in Madrid, 15:00 in London
    code, out = pmo_bot("jobs", "run", "reminders", "--at", at)
    assert code != 0
    assert out.splitlines()[1:] == [
        f"  failed for APL (reminder to {CAROL}): reminder:{CAROL}:2026-12-07: "
        'KeyError("Carol\'s reminder lost a row")'
    ]
    assert [len(reminder_dms(bot, user)) for user in (BOB, ADMIN, CAROL)] == [1, 1, 0]

    monkeypatch.setattr(handlers.reminders.overdue, "reminder_blocks", real)
    assert pmo_bot("jobs", "run", "reminders", "--at", "2026-12-07T15:02+00:00")[0] == 0
    assert [len(reminder_dms(bot, user)) for user in (BOB, ADMIN, CAROL)] == [1, 1, 1]
    code, status = pmo_bot("jobs", "status")
    assert "  reminders:\n" in status and f"APL (reminder to {CAROL}) · reminder:{CAROL}" in status
