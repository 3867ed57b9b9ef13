"""Change decisions under pressure: deciders at the same moment, a double submit, and a restart
between the message and the click. One decision each, the impact applied once; on both databases.
"""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from bot.app import Mode, create_app
from models import AuditEntry, ChangeDecision, ChangeRequest
from models.calendar.working_days import WorkCalendar
from models.core.enums import ChangeStatus
from tests.support.changes import click, plan, requested
from tests.support.flows import field_errors, fill, submit
from tests.support.served import RunningBot, make_settings, serving
from tests.support.slackdriver import Reply
from tests.support.workspace import ALICE, BOB, CAROL

WEEKDAYS = WorkCalendar()
END = date(2027, 3, 31)  # Apollo's target end before any change


def raise_change(bot: RunningBot, title: str, days: int) -> None:
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    values = {"title": title, "schedule_days": str(days), "targets": "APL-M1"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}


def at_once(bot: RunningBot, submissions: list[tuple[str, dict]]) -> list[Reply]:
    """Submit each (user, form) from its own thread, released together."""
    replies: list[Reply | None] = [None] * len(submissions)
    start = threading.Barrier(len(submissions))

    def send(n: int, user: str, form: dict) -> None:
        start.wait()
        replies[n] = submit(bot, form, {"note": "go"}, user=user)

    threads = [threading.Thread(target=send, args=(n, *item)) for n, item in enumerate(submissions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(reply is not None for reply in replies)
    return [reply for reply in replies if reply is not None]


def applied(bot: RunningBot, key: str) -> list[str]:
    with bot.database.system_session(write=False) as db:
        return list(
            db.scalars(
                select(AuditEntry.subject).where(
                    AuditEntry.action == "change.apply", AuditEntry.reason == key
                )
            )
        )


def decisions(bot: RunningBot, number: int) -> int:
    with bot.database.system_session(write=False) as db:
        return db.scalar(
            select(func.count())
            .select_from(ChangeDecision)
            .join(ChangeRequest, ChangeRequest.id == ChangeDecision.change_request_id)
            .where(ChangeRequest.number == number)
        )


def status_of(bot: RunningBot, number: int) -> ChangeStatus:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(ChangeRequest.status).where(ChangeRequest.number == number)).one()


def told_requester(bot: RunningBot, key: str) -> int:
    return sum(
        1
        for call in bot.fake.calls_to("chat.postMessage")
        if call.args["channel"] == CAROL
        and f"*{key}*" in call.args["text"]
        and "is approved" in call.args["text"]
    )


def test_manager_and_sponsor_approving_at_the_same_moment_both_count_and_apply_it_once(
    bot: RunningBot,
) -> None:
    # Past the 30-day threshold: the manager (Alice) and the sponsor (Bob) must both approve.
    requested(bot, {"title": "Round 1", "schedule_days": "31"})
    raise_change(bot, "Round 2", 32)
    raise_change(bot, "Round 3", 33)
    for number in (1, 2, 3):
        key = f"APL-C{number}"
        forms = [(user, click(bot, "change_approve", user, key=key)) for user in (ALICE, BOB)]
        replies = at_once(bot, forms)
        assert [field_errors(reply) for reply in replies] == [{}, {}], key
        assert status_of(bot, number) is ChangeStatus.APPROVED and decisions(bot, number) == 2
        assert sorted(applied(bot, key)) == ["APL", "APL-M1"], key  # the end date and the milestone, once
        assert told_requester(bot, key) == 1, key  # by whichever decision settled it
    assert plan(bot)[0] == WEEKDAYS.add(END, 31 + 32 + 33)  # working days
    assert plan(bot)[2] == WEEKDAYS.add(date(2027, 1, 15), 31 + 32 + 33)


def test_one_decider_submitting_twice_at_once_is_recorded_once(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "5", "cost_impact": "700"})
    first, second = click(bot, "change_approve", ALICE), click(bot, "change_approve", ALICE)
    replies = at_once(bot, [(ALICE, first), (ALICE, second)])
    errors = sorted((field_errors(reply) for reply in replies), key=len)
    assert errors[0] == {} and "already approved" in errors[1]["note"]
    assert decisions(bot, 1) == 1 and sorted(applied(bot, "APL-C1")) == ["APL", "APL", "APL-M1"]
    assert plan(bot)[0] == WEEKDAYS.add(END, 5)  # end date and budget each moved once


def test_a_button_and_a_form_from_before_a_restart_still_decide_once(
    bot: RunningBot, database_url: str
) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "4"})
    stale_form = click(bot, "change_approve", ALICE)  # opened before the restart
    restarted = create_app(make_settings(bot.fake, database_url), database=bot.database, mode=Mode.HTTP)
    with serving(restarted, bot.fake) as again:
        # The old message's button works against the new process: it carries the request's key.
        opened = len(bot.fake.calls_to("views.open"))
        again.slack.block_action("change_reject", value="APL-C1", user=ALICE)
        assert len(bot.fake.wait_for("views.open", opened + 1)) == opened + 1
        assert field_errors(again.slack.view_submission(stale_form, fill(stale_form, {"note": "Fine"}))) == {}
        assert status_of(bot, 1) is ChangeStatus.APPROVED
        late = again.slack.view_submission(stale_form, fill(stale_form, {"note": "Again"}))
        assert "already approved" in field_errors(late)["note"]
    assert decisions(bot, 1) == 1 and plan(bot)[0] == WEEKDAYS.add(END, 4)
