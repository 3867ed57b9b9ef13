"""Change requests end to end: a task moved, a rejection told, the list by state and age."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from models import ChangeRequest, Project, Task
from models.core.enums import ChangeStatus
from tests.support.changes import change, click, plan, request_posts, requested
from tests.support.charter import create
from tests.support.flows import PROJECT_TZ, field_errors, local_today, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

THRESHOLDS = {"change_threshold_days": "30", "change_threshold_amount": "50000"}


def ask(bot: RunningBot, values: dict[str, str]) -> None:
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}


def decide_on(bot: RunningBot, key: str, action: str, user: str, note: str) -> None:
    view = click(bot, action, user, key=key)
    assert view is not None, f"{user} could not open the decision form of {key}"
    assert field_errors(submit(bot, view, {"note": note}, user=user)) == {}


def test_an_approved_change_to_a_task_moves_its_dates_and_shows_what_was_asked(bot: RunningBot) -> None:
    create(bot, THRESHOLDS)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("task add Build API <@U0003|carol> start 2026-12-01 due 2026-12-10 est 40")
    ask(
        bot,
        {
            "title": "Refunds in the API",
            "description": "Customers can ask for their money back",
            "reason": "Required by the new consumer law",
            "scope_impact": "Adds a refund endpoint",
            "schedule_days": "5",
            "targets": "APL-1",
        },
    )
    stored = change(bot)
    assert (stored.description, stored.reason, stored.scope_impact) == (
        "Customers can ask for their money back",
        "Required by the new consumer law",
        "Adds a refund endpoint",
    )
    shown = str(request_posts(bot)["C0001"]["blocks"])
    assert "*Description:* Customers can ask for their money back" in shown
    assert "*Reason:* Required by the new consumer law" in shown
    assert "scope: Adds a refund endpoint" in shown

    decide_on(bot, "APL-C1", "change_approve", ALICE, "Go")
    with bot.database.system_session(write=False) as db:
        task = db.scalars(select(Task)).one()
    # Five working days later: Tue Dec 1 → Tue Dec 8, Thu Dec 10 → Thu Dec 17 (the weekend skipped).
    assert (task.start_date, task.due_date) == (date(2026, 12, 8), date(2026, 12, 17))
    assert change(bot).status is ChangeStatus.APPROVED
    with bot.database.system_session(write=False) as db:
        # Wed 2027-03-31 and five working days.
        assert db.scalars(select(Project)).one().target_end_date == date(2027, 4, 7)


def test_a_rejection_with_a_note_tells_the_requester_and_leaves_no_buttons(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "10", "cost_impact": "2500"})
    updates_before = len(bot.fake.calls_to("chat.update"))
    decide_on(bot, "APL-C1", "change_reject", ALICE, "Not this quarter")

    assert change(bot).status is ChangeStatus.REJECTED
    assert plan(bot) == (date(2027, 3, 31), Decimal("120000.00"), date(2027, 1, 15))
    told = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CAROL]
    assert told[-1]["text"] == "❌ Your change request *APL-C1* Add refunds is rejected by <@U0001>."
    updates = bot.fake.wait_for("chat.update", updates_before + 4)[updates_before:]
    assert sorted(call.args["channel"] for call in updates) == sorted(
        ["C0001", "D" + ALICE, "D" + BOB, "D" + ADMIN]
    )
    for call in updates:
        assert call.args["text"] == "❌ Change request *APL-C1* Add refunds · rejected"
        blocks = str(call.args["blocks"])
        assert "change_approve" not in blocks and "change_reject" not in blocks
        assert "Rejected by <@U0001> (manager): _Not this quarter_" in blocks


def test_the_list_groups_requests_by_state_with_their_age(bot: RunningBot) -> None:
    requested(bot, {"title": "Refunds"})
    for title in ("Dark mode", "Export to CSV", "Single sign-on"):
        ask(bot, {"title": title})
    decide_on(bot, "APL-C2", "change_approve", ALICE, "yes")
    decide_on(bot, "APL-C3", "change_reject", ALICE, "no")
    assert bot.slack.command("change withdraw APL-C4", user=CAROL).json()["text"].startswith("↩️")

    # Asked 9, 7, 5 and 3 days ago, at noon where the project is; settled 5, 5 and 2 days ago.
    def noon(days_ago: int) -> datetime:
        return datetime.combine(local_today() - timedelta(days=days_ago), time(12), ZoneInfo(PROJECT_TZ))

    with bot.database.system_session() as db:
        for number, asked, settled in ((1, 9, None), (2, 7, 5), (3, 5, 5), (4, 3, 2)):
            values = {"created_at": noon(asked), "decided_at": noon(settled) if settled is not None else None}
            db.execute(update(ChangeRequest).where(ChangeRequest.number == number).values(**values))

    def day_shown(days_ago: int) -> str:
        return (local_today() - timedelta(days=days_ago)).strftime("%a %Y-%m-%d")

    lines = bot.slack.command("changes").json()["text"].splitlines()
    # A settled request stops ageing: it says when it was settled and how long that took.
    assert lines == [
        "APL · Apollo — change requests",
        "⏳ *APL-C1* Refunds · waiting for a decision · 9 days old",
        f"✅ *APL-C2* Dark mode · approved {day_shown(5)}, 2 days after it was asked",
        f"❌ *APL-C3* Export to CSV · rejected {day_shown(5)}, 0 days after it was asked",
        f"↩️ *APL-C4* Single sign-on · withdrawn {day_shown(2)}, 1 day after it was asked",
    ]


def test_an_approved_change_carries_the_work_that_follows_the_task(bot: RunningBot) -> None:
    create(bot, THRESHOLDS)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("task add Build API <@U0003|carol> start 2026-12-01 due 2026-12-10 est 40")
    bot.slack.command("task add Release start 2026-12-11 due 2026-12-11 after APL-1")
    ask(bot, {"title": "Refunds", "reason": "New law", "schedule_days": "5", "targets": "APL-1"})
    decide_on(bot, "APL-C1", "change_approve", ALICE, "Go")
    with bot.database.system_session(write=False) as db:
        build, release = db.scalars(select(Task).order_by(Task.number)).all()
    assert build.due_date == date(2026, 12, 17)  # Thu Dec 10 and five working days
    # Released the working day after the build, as its link says.
    assert (release.start_date, release.due_date) == (date(2026, 12, 18), date(2026, 12, 18))
