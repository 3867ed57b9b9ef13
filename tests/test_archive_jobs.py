"""A closed project drops out of standups, reminders, digests and reviews (their passes at chosen times)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from models import QualityReview, Risk
from tests.support.charter import create
from tests.support.closing_flows import checklist_posts, wait_until
from tests.support.digests import MONDAY_0905_SHANGHAI, PMO_CHANNEL, busy_week, channel_posts, digests
from tests.support.flows import say
from tests.support.passes import dms_to
from tests.support.reminders import overdue, reminder_dms, reminders
from tests.support.reviews import jobs, with_reviews
from tests.support.served import RunningBot
from tests.support.standups import prompts, standups, team
from tests.support.workspace import ADMIN, ALICE, CAROL


def archive(bot: RunningBot) -> None:
    """Close APL the way a PMO would with work left: start closing, then an administrator's override."""
    uploads = len(bot.fake.calls_to("files.completeUploadExternal"))
    say(bot, "close")
    wait_until(lambda: bool(checklist_posts(bot)))
    assert "moved APL to closed" in say(bot, "phase closed override archived with its work", user=ADMIN)
    bot.fake.wait_for("files.completeUploadExternal", uploads + 1, timeout=60)


def test_no_standup_prompts_for_a_closed_project(bot: RunningBot) -> None:
    team(bot)
    standups(bot, "2026-12-07T01:35+00:00")  # Monday 09:35 in Shanghai
    assert len(prompts(bot, ALICE)) == 1
    archive(bot)
    standups(bot, "2026-12-08T01:35+00:00")  # Tuesday 09:35
    assert len(prompts(bot, ALICE)) == 1


def test_no_reminders_for_a_closed_project(bot: RunningBot) -> None:
    overdue(bot)
    reminders(bot, "2026-12-07T08:10+00:00")  # Monday 09:10 in Madrid
    assert len(reminder_dms(bot, CAROL)) == 1
    archive(bot)
    reminders(bot, "2026-12-08T08:10+00:00")  # Tuesday: still overdue, but closed
    assert len(reminder_dms(bot, CAROL)) == 1


def test_no_digests_for_a_closed_project_and_it_leaves_the_portfolio(bot: RunningBot) -> None:
    busy_week(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    digests(bot, MONDAY_0905_SHANGHAI)
    assert len([text for text in channel_posts(bot) if text.startswith("📰 APL")]) == 1
    archive(bot)
    uploads = len(bot.fake.calls_to("files.completeUploadExternal"))
    digests(bot, "2026-12-14T09:30+00:00")  # the next Monday, after every project's nine o'clock
    assert len([text for text in channel_posts(bot) if text.startswith("📰 APL")]) == 1
    portfolio = bot.fake.wait_for("files.completeUploadExternal", uploads + 1, timeout=20)[-1].args
    assert portfolio["channel_id"] == PMO_CHANNEL
    assert "*ZEUS* Zeus" in portfolio["initial_comment"] and "*APL*" not in portfolio["initial_comment"]


def test_no_reviews_for_a_closed_project(bot: RunningBot) -> None:
    with_reviews(bot)
    jobs(bot, "2026-12-07T09:05+08:00")
    due = [text for text in dms_to(bot, CAROL) if "due for review" in text or "quality review" in text]
    assert len(due) == 2
    with bot.database.system_session() as db:
        db.execute(update(Risk).values(review_date=date(2026, 12, 14)))
        db.execute(update(QualityReview).values(due_date=date(2026, 12, 14)))
    archive(bot)
    jobs(bot, "2026-12-14T09:05+08:00")
    assert [
        text for text in dms_to(bot, CAROL) if "due for review" in text or "quality review" in text
    ] == due
