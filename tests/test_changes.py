"""Deciding change requests: Approve and Reject, every copy updated, the impact applied once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import AuditEntry, ChangeDecision, Delivery, Project
from models.core.enums import ChangeStatus, DeliveryState, Role
from tests.support.changes import change, click, decide, plan, request_posts, requested
from tests.support.flows import field_errors, submit
from tests.support.served import RunningBot
from tests.support.slackdriver import Reply
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL


def test_the_manager_approves_with_a_note_and_the_impact_is_applied_and_every_copy_updated(
    bot: RunningBot,
) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "10", "cost_impact": "2500"})
    updates_before = len(bot.fake.calls_to("chat.update"))
    assert field_errors(decide(bot, "change_approve", ALICE, note="Worth it")) == {}

    assert change(bot).status is ChangeStatus.APPROVED
    # Ten working days: the target end and the milestone land on working days.
    assert plan(bot) == (date(2027, 4, 14), Decimal("122500.00"), date(2027, 1, 29))
    with bot.database.system_session(write=False) as db:
        project = db.scalars(select(Project)).one()
        applied = db.scalars(select(AuditEntry).where(AuditEntry.action == "change.apply")).all()
    # An approved change to the schedule is the new promise: the baseline is saved with it.
    assert project.baseline_end_date == date(2027, 4, 14)
    status = bot.slack.command("status").json()["text"]
    assert "· target Wed 2027-04-14 · baseline Wed 2027-04-14" in status
    moved = "• *APL-M1* Beta · due Fri 2027-01-29 · forecast Fri 2027-01-29"
    assert moved in status
    assert "remaining 122,500.00 EUR · baseline 120,000.00 EUR" in status
    assert {(entry.subject, entry.reason) for entry in applied} == {("APL", "APL-C1"), ("APL-M1", "APL-C1")}
    assert all(entry.change_request_id == change(bot).id for entry in applied)

    updates = bot.fake.wait_for("chat.update", updates_before + 4)[updates_before:]
    # Every copy: the channel's and the DMs of the manager, the sponsor and the administrator.
    assert sorted(call.args["channel"] for call in updates) == sorted(
        ["C0001", "D" + ALICE, "D" + BOB, "D" + ADMIN]
    )
    assert all(
        "approved" in call.args["text"] and "change_approve" not in str(call.args["blocks"])
        for call in updates
    )
    assert "Approved by <@U0001> (manager): _Worth it_" in str(updates[0].args["blocks"])
    told = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CAROL]
    assert told and told[-1]["text"].startswith("✅ Your change request *APL-C1* Add refunds is approved")


def test_past_a_threshold_both_manager_and_sponsor_must_approve(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "45"})
    assert field_errors(decide(bot, "change_approve", ALICE)) == {}
    assert change(bot).status is ChangeStatus.PENDING
    assert plan(bot)[0] == date(2027, 3, 31)  # nothing applied on one approval
    told = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CAROL]
    assert told[-1]["text"] == (
        "⏳ <@U0001> approved your change request *APL-C1* Add refunds; "
        "it still needs <@U0002> to approve it."
    )
    # Told through the delivery log, so a failed post is retried like every other notice.
    with bot.database.system_session(write=False) as db:
        sent = db.scalars(select(Delivery).where(Delivery.kind == "change_partly")).one()
    assert (sent.channel_id, sent.state) == ("D" + CAROL, DeliveryState.SENT)  # her DM with the bot
    assert field_errors(decide(bot, "change_approve", BOB)) == {}
    assert change(bot).status is ChangeStatus.APPROVED
    assert plan(bot)[0] == date(2027, 6, 2)


def test_a_rejection_settles_it_and_applies_nothing(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "45"})
    assert field_errors(decide(bot, "change_reject", BOB, note="Not this quarter")) == {}
    assert change(bot).status is ChangeStatus.REJECTED
    assert plan(bot) == (date(2027, 3, 31), Decimal("120000.00"), date(2027, 1, 15))


def test_anyone_else_is_told_who_decides_and_a_second_click_changes_nothing(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "3"})
    assert click(bot, "change_approve", CAROL) is None  # she asked for it: not hers to decide
    refusal = bot.fake.wait_for("response_url")[-1].args["text"]
    assert refusal == (
        "You asked for APL-C1, so you cannot decide it: <@U0001>, <@U0002> or a PMO administrator "
        "decides. Nothing was changed."
    )

    stale = click(bot, "change_approve", ALICE)  # opened twice, as a double click does
    assert field_errors(decide(bot, "change_approve", ALICE)) == {}
    assert stale is not None
    again = field_errors(submit(bot, stale, {"note": "again"}))
    assert "already approved" in again["note"]
    assert click(bot, "change_approve", ALICE) is None
    with bot.database.system_session(write=False) as db:
        assert len(db.scalars(select(ChangeDecision)).all()) == 1
    assert plan(bot)[0] == date(2027, 4, 5)  # moved 3 working days once


def test_a_withdrawn_request_cannot_be_decided(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "3"})
    form = click(bot, "change_reject", ALICE)
    assert (
        "Only <@U0003>, who requested APL-C1"
        in bot.slack.command("change withdraw APL-C1", user=BOB).json()["text"]
    )
    assert bot.slack.command("change withdraw APL-C1", user=CAROL).json()["text"].startswith("↩️")
    assert form is not None
    assert "was withdrawn by <@U0003>" in field_errors(submit(bot, form, {"note": "no"}))["note"]
    assert change(bot).status is ChangeStatus.WITHDRAWN
    lines = bot.slack.command("changes").json()["text"].splitlines()
    assert lines[0] == "APL · Apollo — change requests"
    assert lines[1].startswith("↩️ *APL-C1* Add refunds · withdrawn ")
    assert lines[1].endswith(", 0 days after it was asked")


def test_a_stale_button_of_an_unknown_request_is_answered(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds"})
    assert click(bot, "change_approve", ALICE, key="APL-C9") is None
    assert "There is no change request `APL-C9`" in bot.fake.wait_for("response_url")[-1].args["text"]


def test_two_deciders_approving_at_the_same_moment_apply_the_impact_once(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "10", "cost_impact": "1000"})
    forms = {user: click(bot, "change_approve", user) for user in (ALICE, ADMIN)}
    replies: dict[str, Reply] = {}
    start = threading.Barrier(2)

    def approve(user: str) -> None:
        start.wait()
        replies[user] = submit(bot, forms[user], {"note": "go"}, user=user)

    threads = [threading.Thread(target=approve, args=(user,)) for user in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    outcomes = sorted(bool(field_errors(reply)) for reply in replies.values())
    assert outcomes == [False, True]  # one decision recorded, the other told it was already approved
    assert plan(bot) == (date(2027, 4, 14), Decimal("121000.00"), date(2027, 1, 29))
    with bot.database.system_session(write=False) as db:
        assert len(db.scalars(select(ChangeDecision)).all()) == 1


def test_below_the_thresholds_the_sponsor_alone_decides_and_every_copy_follows(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "3", "cost_impact": "100"})
    copies = request_posts(bot)
    assert set(copies) == {"C0001", ALICE, BOB, ADMIN}
    admin_copy = str(copies[ADMIN]["blocks"])
    assert "change_approve" in admin_copy and "change_reject" in admin_copy
    assert "*Decided by:* any one of <@U0001>, <@U0002>, or a PMO administrator" in admin_copy
    updates_before = len(bot.fake.calls_to("chat.update"))

    assert field_errors(decide(bot, "change_approve", BOB, note="Fine by me")) == {}
    assert change(bot).status is ChangeStatus.APPROVED
    assert plan(bot) == (date(2027, 4, 5), Decimal("120100.00"), date(2027, 1, 20))
    with bot.database.system_session(write=False) as db:
        decision = db.scalars(select(ChangeDecision)).one()
    assert (decision.user_id, decision.role, decision.as_admin) == (BOB, Role.SPONSOR, False)

    updates = bot.fake.wait_for("chat.update", updates_before + 4)[updates_before:]
    assert sorted(call.args["channel"] for call in updates) == sorted(
        ["C0001", "D" + ALICE, "D" + BOB, "D" + ADMIN]
    )
    for call in updates:
        blocks = str(call.args["blocks"])
        assert "change_approve" not in blocks and "change_reject" not in blocks
        assert "Approved by <@U0002> (sponsor): _Fine by me_" in blocks
    told = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CAROL]
    assert told[-1]["text"].startswith("✅ Your change request *APL-C1* Add refunds is approved")
    assert click(bot, "change_approve", ALICE) is None  # settled: the manager's click is answered
    assert "already approved" in bot.fake.wait_for("response_url")[-1].args["text"]


def test_the_administrator_decides_from_the_copy_in_their_dm(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "2"})
    assert "change_reject" in str(request_posts(bot)[ADMIN]["blocks"])
    assert field_errors(decide(bot, "change_approve", ADMIN, note="PMO ok")) == {}
    assert change(bot).status is ChangeStatus.APPROVED
    with bot.database.system_session(write=False) as db:
        decision = db.scalars(select(ChangeDecision)).one()
    assert (decision.user_id, decision.as_admin) == (ADMIN, True)


def test_the_cost_threshold_alone_needs_both_manager_and_sponsor(bot: RunningBot) -> None:
    # 3 days is under the 30-day threshold; 60,000 is over the 50,000 one.
    requested(bot, {"title": "New vendor", "schedule_days": "3", "cost_impact": "60000"})
    assert change(bot).needs_sponsor is True
    assert "*Decided by:* <@U0001>, <@U0002>" in str(request_posts(bot)["C0001"]["blocks"])
    assert field_errors(decide(bot, "change_approve", ALICE)) == {}
    assert change(bot).status is ChangeStatus.PENDING
    assert plan(bot) == (date(2027, 3, 31), Decimal("120000.00"), date(2027, 1, 15))
    told = [call.args for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CAROL]
    assert told[-1]["text"].endswith("it still needs <@U0002> to approve it.")
    assert field_errors(decide(bot, "change_approve", BOB)) == {}
    assert change(bot).status is ChangeStatus.APPROVED
    assert plan(bot) == (date(2027, 4, 5), Decimal("180000.00"), date(2027, 1, 20))
