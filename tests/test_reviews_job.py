"""The `reviews` pass, run as `pmo-bot jobs run reviews --at …` runs it: review DMs and chased changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update

from models import ChangeRequest, Delivery, QualityReview
from models.core.enums import DeliveryState
from tests.support.charter import create
from tests.support.flows import field_errors, submit
from tests.support.passes import dms_to
from tests.support.processes import clean_env, run_here
from tests.support.reviews import jobs, with_reviews
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, BOT_TOKEN, CAROL, SIGNING_SECRET, TEAM


def test_review_dms_go_out_on_the_day_from_nine_local_once(bot: RunningBot) -> None:
    with_reviews(bot)
    # 08:30 in Shanghai on the day: too early.
    jobs(bot, "2026-12-07T08:30+08:00")
    assert not any("due for review" in text for text in dms_to(bot, CAROL))
    # 09:05: both reviews reach Carol, with their buttons.
    assert "reviews: ok" in jobs(bot, "2026-12-07T09:05+08:00")
    sent = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CAROL]
    texts = [args["text"] for args in sent]
    assert "🔎 Risk *APL-R1* Vendor late is due for review." in texts
    assert any(text.startswith("🔎 The quality review of *APL-1* is due") for text in texts)
    risk_dm = next(args for args in sent if "APL-R1" in args["text"])
    assert "risk_occurred" in str(risk_dm["blocks"])
    # Run again, and again later that day: nothing twice.
    jobs(bot, "2026-12-07T09:06+08:00")
    jobs(bot, "2026-12-07T17:00+08:00")
    assert len([t for t in dms_to(bot, CAROL) if "due" in t]) == 2
    with bot.database.system_session(write=False) as db:
        # Scheduled sends only: the charter's post is a notice, stored with its payload.
        states = db.execute(select(Delivery.kind, Delivery.state).where(Delivery.payload.is_(None))).all()
    assert sorted(states) == [("quality_review", DeliveryState.SENT), ("risk_review", DeliveryState.SENT)]


def test_a_review_missed_while_down_is_caught_up_and_a_recorded_one_is_not_sent(bot: RunningBot) -> None:
    with_reviews(bot)
    with bot.database.system_session() as db:
        db.execute(update(QualityReview).values(status="passed"))
    jobs(bot, "2026-12-09T10:00+08:00")  # two days late
    texts = dms_to(bot, CAROL)
    assert "🔎 Risk *APL-R1* Vendor late is due for review." in texts
    assert not any("quality review" in text for text in texts)


def asked_on_friday(bot: RunningBot) -> None:
    """Apollo with change request APL-C1, asked by Carol (so her manager decides it) on Friday
    2026-12-04 at 10:00 in Shanghai."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, view, {"title": "Add refunds"}, user=CAROL)) == {}
    with bot.database.system_session() as db:
        db.execute(update(ChangeRequest).values(created_at=datetime.fromisoformat("2026-12-04T02:00+00:00")))


def test_an_undecided_change_reminds_after_two_working_days_and_escalates_after_four(bot: RunningBot) -> None:
    asked_on_friday(bot)
    jobs(bot, "2026-12-07T10:00+08:00")  # Monday: one working day
    assert not any("waited" in text for text in dms_to(bot, ALICE))
    jobs(bot, "2026-12-08T10:00+08:00")  # Tuesday: two
    assert "⏳ Change request *APL-C1* has waited 2 working days for your decision." in dms_to(bot, ALICE)
    request = "⏳ Change request *APL-C1* Add refunds · waiting for a decision"
    assert dms_to(bot, ADMIN) == [request]  # the request itself, as administrators may decide it
    jobs(bot, "2026-12-10T10:00+08:00")  # Thursday: four
    assert dms_to(bot, ADMIN) == [
        request,
        "⚠️ Change request *APL-C1* of Apollo has waited 4 working days without a decision.",
    ]
    jobs(bot, "2026-12-11T10:00+08:00")
    assert len(dms_to(bot, ADMIN)) == 2 and len([t for t in dms_to(bot, ALICE) if "waited" in t]) == 1
    assert not any("waited" in text for text in dms_to(bot, BOB))  # below the thresholds: no sponsor


def test_bad_job_names_and_times_are_refused(bot: RunningBot, tmp_path: Path) -> None:
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL=bot.database.url.render_as_string(hide_password=False),
    )
    unknown = run_here(["jobs", "run", "parties"], env, tmp_path)
    assert unknown.returncode == 2 and "no pass named parties" in unknown.stderr
    naive = run_here(["jobs", "run", "reviews", "--at", "2026-12-07T09:00"], env, tmp_path)
    assert naive.returncode == 2 and "has no offset" in naive.stderr
    status = run_here(["jobs", "status"], env, tmp_path)
    assert status.returncode == 0


def test_a_decision_updates_the_reminders_and_escalations_that_chased_it(bot: RunningBot) -> None:
    asked_on_friday(bot)
    jobs(bot, "2026-12-10T10:00+08:00")  # reminded and escalated
    chased = {
        call.args["channel"]: call.response["ts"]
        for call in bot.fake.calls_to("chat.postMessage")
        if "waited 4 working days" in call.args["text"]
    }
    assert set(chased) == {ALICE, ADMIN}
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("change_approve", value="APL-C1", user=ADMIN)
    form = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, form, {"note": "Go"}, user=ADMIN)) == {}
    updated = {call.args["ts"]: call.args for call in bot.fake.calls_to("chat.update")}
    for ts in chased.values():
        assert ts in updated and "change_approve" not in str(updated[ts]["blocks"])
        assert "approved" in updated[ts]["text"]


def review_dms(bot: RunningBot) -> list[str]:
    return [text for text in dms_to(bot, CAROL) if "due for review" in text or "quality review" in text]


def test_review_dms_wait_out_an_absence_and_a_holiday_and_go_the_next_working_day(bot: RunningBot) -> None:
    with_reviews(bot)
    bot.slack.command("away 2026-12-07 to 2026-12-07", user=CAROL)
    bot.slack.command("holidays add 2026-12-08, Founders day", user=ADMIN)
    jobs(bot, "2026-12-07T09:05+08:00")  # Monday: Carol is away
    jobs(bot, "2026-12-08T09:05+08:00")  # Tuesday: a holiday
    assert review_dms(bot) == []
    jobs(bot, "2026-12-09T09:05+08:00")  # Wednesday: what is due is still due
    assert len(review_dms(bot)) == 2


def test_a_slack_status_on_vacation_holds_back_review_dms(bot: RunningBot) -> None:
    bot.fake.add_user(TEAM, CAROL, name="carol", tz="Europe/Madrid", status_text="休假")
    with_reviews(bot)
    jobs(bot, "2026-12-07T09:05+08:00")
    jobs(bot, "2026-12-07T15:05+08:00")
    assert review_dms(bot) == []


def test_a_sponsor_who_is_an_administrator_is_chased_once_not_once_per_role(bot: RunningBot) -> None:
    create(bot, {"sponsor_id": ADMIN})
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change")  # Alice, the manager, asks: her sponsor decides
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, view, {"title": "Add refunds"})) == {}
    with bot.database.system_session() as db:
        db.execute(update(ChangeRequest).values(created_at=datetime.fromisoformat("2026-12-04T02:00+00:00")))
    jobs(bot, "2026-12-10T10:00+08:00")  # Thursday: four working days, past both thresholds
    chased = [text for text in dms_to(bot, ADMIN) if "waited" in text]
    assert chased == ["⏳ Change request *APL-C1* has waited 4 working days for your decision."]
    jobs(bot, "2026-12-11T10:00+08:00")
    assert [text for text in dms_to(bot, ADMIN) if "waited" in text] == chased
