"""Weekly digests and the portfolio digest through the `digests` pass at chosen times."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from models import ChangeRequest, HealthSnapshot, Issue, Project, Risk, Task
from models.core.enums import ChangeStatus, Health, Severity, TaskStatus
from tests.support.charter import create
from tests.support.digests import MONDAY_0905_SHANGHAI, PMO_CHANNEL, busy_week, channel_posts, digests
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.served import RunningBot


def test_the_weekly_digest_goes_out_on_monday_at_nine_in_the_project_time_zone_once(bot: RunningBot) -> None:
    busy_week(bot)
    digests(bot, "2026-12-07T00:55+00:00")  # 08:55 in Shanghai
    assert not any(text.startswith("📰") for text in channel_posts(bot))
    digests(bot, MONDAY_0905_SHANGHAI)
    digests(bot, "2026-12-07T09:00+00:00")  # later that day: not again
    posts = [text for text in channel_posts(bot) if text.startswith("📰")]
    assert len(posts) == 1
    lines = posts[0].splitlines()
    assert lines[0] == "📰 APL · Apollo — week 2026-W50"
    assert lines[1] == "*Health* 🟢 green (was 🟡 amber last week)"
    assert "✅ *Done this week* (1): *APL-1* Build" in lines
    assert "📅 *Due in the coming week:* *APL-2* Test" in lines
    assert "💶 *Spent* 1,200.00 EUR this week · 1,200.00 EUR in all of 120,000.00 EUR" in lines
    digests(bot, "2026-12-08T01:05+00:00")  # Tuesday: no digest
    assert len([text for text in channel_posts(bot) if text.startswith("📰")]) == 1


def test_a_quiet_project_says_so_in_one_line(bot: RunningBot) -> None:
    create(bot)
    digests(bot, MONDAY_0905_SHANGHAI)
    assert (
        "📰 APL · Apollo — week 2026-W50: nothing to report (green, nothing done, due, slipped or spent)."
        in (channel_posts(bot))
    )


def test_the_portfolio_digest_ranks_projects_by_health_with_a_chart(bot: RunningBot) -> None:
    busy_week(bot)  # Carol is on Apollo full time
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    bot.slack.command("team add <@U0003> member 30%", channel="C0002")
    bot.slack.command("issue Data centre on fire", channel="C0002")
    with bot.database.system_session() as db:
        db.execute(update(Issue).values(severity="critical"))
    digests(bot, "2026-12-07T09:30+00:00")
    upload = bot.fake.wait_for("files.completeUploadExternal", timeout=20)[-1].args
    assert upload["channel_id"] == PMO_CHANNEL
    lines = upload["initial_comment"].splitlines()
    assert lines[0] == "🗂 *Portfolio* — week 2026-W50, most in need first"
    assert lines[1].startswith("🔴 *ZEUS* Zeus") and lines[2].startswith("🟢 *APL* Apollo")
    assert lines[3] == "⚠️ *Over-allocated:* <@U0001> 200%, <@U0003> 130%"  # Alice manages both
    assert bot.fake.calls_to("upload")[-1].args.get("size", 1) > 0
    digests(bot, "2026-12-07T10:30+00:00")
    assert len(bot.fake.calls_to("files.completeUploadExternal")) == 1


def test_a_digest_missed_on_monday_goes_out_later_that_week_once_and_not_after_three_days(
    bot: RunningBot,
) -> None:
    create(bot)
    digests(bot, "2026-12-09T08:00+00:00")  # Wednesday: the bot was down on Monday
    digests(bot, "2026-12-10T00:30+00:00")  # Thursday 08:30 in Shanghai: once is enough
    assert [text for text in channel_posts(bot) if text.startswith("📰")] == [
        "📰 APL · Apollo — week 2026-W50: nothing to report (green, nothing done, due, slipped or spent)."
    ]
    digests(bot, "2026-12-17T01:30+00:00")  # the next Thursday, 09:30: that week's window closed
    assert len([text for text in channel_posts(bot) if text.startswith("📰")]) == 1


def test_a_digest_leads_with_what_needs_attention_then_work_risks_decisions_and_money(
    bot: RunningBot,
) -> None:
    busy_week(bot)
    for title in ("Vendor late", "Key person leaves"):
        view = open_modal(bot, "risk")
        assert field_errors(submit(bot, view, {"title": title, "probability": "4", "impact": "4"})) == {}
    for title in ("Add refunds", "Drop exports"):
        view = open_modal(bot, "change")
        assert field_errors(submit(bot, view, {"title": title})) == {}
    with bot.database.system_session() as db:
        # Test slipped two days past its baseline; Vendor late is an old risk; one change decided.
        db.execute(update(Task).where(Task.number == 2).values(due_date=date(2026, 12, 11)))
        for number, created in ((1, "2026-11-02T00:00Z"), (2, "2026-12-04T00:00Z")):
            moment = datetime.fromisoformat(created)
            db.execute(update(Risk).where(Risk.number == number).values(created_at=moment))
        db.execute(
            update(ChangeRequest)
            .where(ChangeRequest.number == 2)
            .values(status=ChangeStatus.REJECTED, decided_at=datetime.fromisoformat("2026-12-03T00:00Z"))
        )
    digests(bot, MONDAY_0905_SHANGHAI)
    [post] = [text for text in channel_posts(bot) if text.startswith("📰")]
    lines = post.splitlines()
    assert "⚠️ *Slipped:* *APL-2* Test" in lines
    assert "⏳ *Waiting for a decision:* 1 change request" in lines
    assert "🎯 *New risks:* 🔴 *APL-R2* Key person leaves" in lines
    assert "🎯 *Top risks:* 🔴 *APL-R1* Vendor late" in lines
    assert "🔁 *Change decisions:* ❌ *APL-C2* Drop exports" in lines
    order = ["*Health*", "⚠️ *Slipped", "⏳", "✅", "📅", "🎯 *New", "🎯 *Top", "🔁", "💶"]
    firsts = [next(n for n, line in enumerate(lines) if line.startswith(mark)) for mark in order]
    assert firsts == sorted(firsts), lines


def test_a_digest_whose_health_changed_says_from_what_and_why(bot: RunningBot) -> None:
    busy_week(bot)
    bot.slack.command("issue Production database down")
    with bot.database.system_session() as db:
        db.execute(update(HealthSnapshot).values(health=Health.GREEN))
        db.execute(update(Issue).values(severity=Severity.CRITICAL))
    digests(bot, MONDAY_0905_SHANGHAI)
    [post] = [text for text in channel_posts(bot) if text.startswith("📰")]
    assert post.splitlines()[1:3] == [
        "*Health* 🔴 red (was 🟢 green last week)",
        "• 1 critical issue open",
    ]


def test_a_digest_counts_every_task_done_in_the_week_and_lists_the_first_five(bot: RunningBot) -> None:
    create(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")  # same time zone: one batch
    for n in range(1, 8):
        bot.slack.command(f"task add Step {n} start 2026-12-01 due 2026-12-0{n + 1}")
    bot.slack.command("task add Launch start 2026-12-01 due 2026-12-02", channel="C0002")
    apollo = select(Project.id).where(Project.key == "APL").scalar_subquery()
    with bot.database.system_session() as db:
        friday = datetime.fromisoformat("2026-12-04T09:00+00:00")
        db.execute(update(Task).values(status=TaskStatus.DONE, percent_complete=100, done_at=friday))
        # Finished the week before: not this week's work.
        last_week = datetime.fromisoformat("2026-11-27T09:00+00:00")
        db.execute(update(Task).where(Task.project_id == apollo, Task.number == 7).values(done_at=last_week))
    digests(bot, MONDAY_0905_SHANGHAI)
    posts = {c.args["channel"]: c.args["text"] for c in bot.fake.calls_to("chat.postMessage")}
    steps = ", ".join(f"*APL-{n}* Step {n}" for n in range(1, 6))
    assert f"✅ *Done this week* (6): {steps}" in posts[CHANNEL].splitlines()
    assert "✅ *Done this week* (1): *ZEUS-1* Launch" in posts["C0002"].splitlines()
