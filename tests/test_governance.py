"""Governance as a PMO expects: nobody decides their own change request, a baselined project's
budget and dates move only through an approved change, a member hands on only their own tasks,
and exports and history are for the team, the sponsor and administrators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import ChangeRequest, Project, Task
from models.core.enums import ChangeStatus, Phase
from tests.support.changes import click
from tests.support.charter import create
from tests.support.flows import field_errors, open_modal, submit
from tests.support.integrity import contents
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

OWN = "You asked for APL-C1, so you cannot decide it: <@U0002> or a PMO administrator decides."


def manager_asks(bot: RunningBot, values: dict[str, str]) -> None:
    """Apollo, with its manager Alice asking for a change herself."""
    create(bot, {"change_threshold_days": "30", "change_threshold_amount": "50000"})
    view = open_modal(bot, "change")
    assert field_errors(submit(bot, view, {"title": "Add refunds", **values})) == {}


def request(bot: RunningBot) -> ChangeRequest:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(ChangeRequest)).one()


def project(bot: RunningBot) -> Project:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project)).one()


def test_the_manager_cannot_approve_her_own_change_the_sponsor_decides(bot: RunningBot) -> None:
    manager_asks(bot, {"schedule_days": "5"})
    # The request with its buttons goes to the channel and to the deciders, not to its requester.
    copies = {call.args["channel"] for call in bot.fake.calls_to("chat.postMessage") if call.ok}
    assert {"C0001", BOB, ADMIN} <= copies and ALICE not in copies
    before = contents(bot.database)
    for action in ("change_approve", "change_reject"):
        assert click(bot, action, ALICE) is None
        assert bot.fake.wait_for("response_url")[-1].args["text"].startswith(OWN)
    assert contents(bot.database) == before
    # The decision form, forged by the requester with the sponsor's form, is refused beside its field.
    view = click(bot, "change_approve", BOB)
    assert view is not None
    assert field_errors(submit(bot, view, {"note": "mine"}, user=ALICE))["note"].startswith(OWN)
    assert request(bot).status is ChangeStatus.PENDING
    assert field_errors(submit(bot, view, {"note": "Fine"}, user=BOB)) == {}
    assert request(bot).status is ChangeStatus.APPROVED
    assert project(bot).target_end_date == date(2027, 4, 7)  # Wed 2027-03-31 and five working days


def test_past_a_threshold_the_managers_own_change_needs_the_sponsor_or_an_administrator(
    bot: RunningBot,
) -> None:
    manager_asks(bot, {"schedule_days": "45"})
    assert click(bot, "change_approve", ALICE) is None
    view = click(bot, "change_approve", ADMIN)
    assert view is not None and field_errors(submit(bot, view, {"note": "ok"}, user=ADMIN)) == {}
    assert request(bot).status is ChangeStatus.APPROVED


def baselined(bot: RunningBot) -> dict:
    """Apollo in execution (moved there by an administrator), its charter form open for Alice."""
    create(bot)
    for phase in ("planning", "execution"):
        answer = bot.slack.command(f"phase {phase} override test", user=ADMIN).json()["text"]
        assert f"moved APL to {phase}" in answer, answer
    assert project(bot).phase is Phase.EXECUTION
    return open_modal(bot, "charter edit")


def test_a_baselined_projects_budget_and_dates_move_only_through_a_change(bot: RunningBot) -> None:
    view = baselined(bot)
    refused = "APL is baselined: its budget and dates change only through an approved change request."
    for field, value in (
        ("budget", "150,000"),
        ("target_end_date", "2027-06-30"),
        ("start_date", "2026-12-15"),
        ("currency", "usd"),
    ):
        errors = field_errors(submit(bot, view, {field: value}))
        assert list(errors) == [field] and errors[field].startswith(refused), (field, errors)
        assert "`/pmo change`" in errors[field]
    kept = project(bot)
    assert (kept.budget, kept.target_end_date, kept.currency) == (
        Decimal("120000.00"),
        date(2027, 3, 31),
        "EUR",
    )
    # What is not the baseline still changes.
    assert field_errors(submit(bot, view, {"goal": "Bill everyone from one system"})) == {}
    assert project(bot).goal == "Bill everyone from one system"


def test_before_the_baseline_the_charter_still_moves_budget_and_dates(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "charter edit")
    assert field_errors(submit(bot, view, {"budget": "150,000", "target_end_date": "2027-06-30"})) == {}
    assert (project(bot).budget, project(bot).target_end_date) == (Decimal("150000.00"), date(2027, 6, 30))


def owners(bot: RunningBot) -> list[str | None]:
    with bot.database.system_session(write=False) as db:
        return [task.owner_id for task in db.scalars(select(Task).order_by(Task.number))]


def test_a_member_hands_on_only_her_own_tasks(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("task add Alice's work <@U0001> due 2027-01-15")
    bot.slack.command("task add Carol's work <@U0003> due 2027-01-15")
    answer = bot.slack.command("assign APL-1 <@U0003>", user=CAROL).json()["text"]
    assert answer == (
        "Only the owner of APL-1, the project's manager (<@U0001>) or a PMO administrator "
        "can reassign it: nothing was changed."
    )
    assert owners(bot) == [ALICE, CAROL]
    assert "APL-2" in bot.slack.command("assign APL-2 <@U0001>", user=CAROL).json()["text"]
    assert owners(bot) == [ALICE, ALICE]
    assert "APL-2" in bot.slack.command("assign APL-2 <@U0003>").json()["text"]  # the manager, any
    assert owners(bot) == [ALICE, CAROL]


def test_exports_and_history_are_for_the_team_the_sponsor_and_administrators(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("task add Build <@U0001> due 2027-01-15")
    refused = (
        "Only the project's team and sponsor (manager, member, sponsor) or a PMO administrator "
        "can export its records or read their history."
    )
    for typed in ("export tasks", "history APL-1"):
        assert bot.slack.command(typed, user=CAROL).json()["text"] == refused, typed
    assert bot.fake.calls_to("files.completeUploadExternal") == []
    for person in (ALICE, BOB, ADMIN):
        assert bot.slack.command("history APL-1", user=person).json()["text"].startswith("APL-1 Build")
        assert "APL" in bot.slack.command("export tasks", user=person).json()["text"]
    bot.slack.command("team add <@U0003> member")
    assert bot.slack.command("history APL-1", user=CAROL).json()["text"].startswith("APL-1 Build")
