"""The App Home tab refreshes after every change that touches its owner, end to end over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from models import ChangeRequest, Task
from models.core.enums import Acceptance, ChangeStatus, TaskStatus
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.flows import field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.status import day, running, say
from tests.support.workspace import ALICE, BOB, CAROL

Home = dict[str, Any]
NO_PROJECTS = "You are not on any open project yet."


def home_of(bot: RunningBot, user: str, shows: Callable[[str], bool], timeout: float = 10) -> Home:
    """The newest Home tab published for `user` that satisfies `shows`, waiting for it to come."""
    deadline = time.monotonic() + timeout
    while True:
        published = [call.args for call in bot.fake.calls_to("views.publish") if call.args["user_id"] == user]
        if published and shows(str(published[-1]["view"]["blocks"])):
            return published[-1]["view"]
        assert time.monotonic() < deadline, f"no Home tab for {user} as expected; last: {published[-1:]}"
        time.sleep(0.05)


def test_home_shows_my_tasks_overdue_first_my_projects_health_and_refreshes_on_change(
    bot: RunningBot,
) -> None:
    running(bot)
    bot.slack.event({"type": "app_home_opened", "user": CAROL, "tab": "home"})
    home = home_of(bot, CAROL, lambda blocks: "*APL-2* Test" in blocks)
    text = str(home["blocks"])
    assert text.index("*APL-1* Build") < text.index("*APL-2* Test")
    # Amber for the overdue task: nothing is earned yet, so SPI is not yet known, let alone red.
    assert "⚠️ overdue" in text and "🟡 *APL* Apollo" in text
    buttons = next(b for b in home["blocks"] if b["type"] == "actions")["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("task_done", "APL-1"),
        ("task_update", "APL-1"),
    ]
    bot.slack.block_action("task_done", value="APL-1", user=CAROL, channel=None, view=home)
    home_of(bot, CAROL, lambda blocks: "*APL-1* Build" not in blocks and "*APL-2* Test" in blocks)
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Task).where(Task.number == 1)).one().status is TaskStatus.DONE


def test_home_lists_the_decisions_waiting_for_me(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "change", user=CAROL)
    assert field_errors(submit(bot, view, {"title": "Add refunds"}, user=CAROL)) == {}
    bot.slack.event({"type": "app_home_opened", "user": ALICE, "tab": "home"})
    home_of(bot, ALICE, lambda blocks: "Change request *APL-C1* Add refunds: approve or reject it" in blocks)


@SQLITE_ONLY
def test_a_task_given_to_someone_appears_on_their_home(bot: RunningBot) -> None:
    running(bot)
    say(bot, f"task add Write the runbook <@U0003> due {day(4)}")
    home_of(bot, CAROL, lambda blocks: "*APL-3* Write the runbook" in blocks)
    view = open_modal(bot, "task")
    assert field_errors(submit(bot, view, {"title": "Check the backups", "owner_id": CAROL})) == {}
    home_of(bot, CAROL, lambda blocks: "*APL-4* Check the backups" in blocks)
    say(bot, f"task move APL-4 due {day(-3)}")
    home = home_of(bot, CAROL, lambda blocks: blocks.index("APL-4") < blocks.index("APL-3"))
    assert "⚠️ overdue" in str(home["blocks"])


@SQLITE_ONLY
def test_meeting_action_items_appear_on_their_owners_home(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "meeting")
    assert field_errors(submit(bot, view, {"actions": f"Call the vendor <@U0003> due {day(2)}"})) == {}
    home_of(bot, CAROL, lambda blocks: "Call the vendor" in blocks)


@SQLITE_ONLY
def test_a_change_request_appears_on_its_deciders_home_until_it_is_withdrawn(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "change", user=CAROL)
    assert field_errors(submit(bot, view, {"title": "Add refunds"}, user=CAROL)) == {}
    home_of(bot, ALICE, lambda blocks: "*APL-C1* Add refunds: approve or reject it" in blocks)
    assert say(bot, "change withdraw APL-C1", user=CAROL).startswith("↩️")
    home_of(bot, ALICE, lambda blocks: "APL-C1" not in blocks)


@SQLITE_ONLY
def test_a_finished_deliverable_waits_on_the_sponsors_home(bot: RunningBot) -> None:
    running(bot)
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 2)).one().is_deliverable = True
    say(bot, "done APL-2", user=CAROL)
    home = home_of(bot, BOB, lambda blocks: "APL-2" in blocks)
    assert "*APL-2* Test" in str(home["blocks"]) and "accept" in str(home["blocks"]).lower()


def task_line(blocks: str, key: str) -> str:
    """The Home tab's line for one task, from the tab's blocks as text."""
    start = blocks.index(f"*{key}*")
    return blocks[start : blocks.index("'", start)]


def opened_home(bot: RunningBot, user: str, shows: Callable[[str], bool]) -> Home:
    """The user opens their Home tab: what it shows before the change under test."""
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    return home_of(bot, user, shows)


@SQLITE_ONLY
def test_a_new_date_from_a_reminder_reorders_the_owners_home(bot: RunningBot) -> None:
    running(bot)
    opened_home(
        bot, CAROL, lambda blocks: blocks.index("APL-1") < blocks.index("APL-2") and "overdue" in blocks
    )
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("reminder_new_date", value="APL-1", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, view, {"due_date": day(15)}, user=CAROL)) == {}
    # Build (now due in 15 days) is no longer late and comes after Test (due in 9).
    home = home_of(bot, CAROL, lambda blocks: blocks.index("APL-2") < blocks.index("APL-1"))
    assert "⚠️ overdue" not in str(home["blocks"])


@SQLITE_ONLY
def test_joining_and_leaving_a_team_shows_on_the_members_home(bot: RunningBot) -> None:
    create(bot)
    opened_home(bot, CAROL, lambda blocks: NO_PROJECTS in blocks)
    say(bot, "team add <@U0003> member")
    home_of(bot, CAROL, lambda blocks: "*APL* Apollo" in blocks and NO_PROJECTS not in blocks)
    say(bot, "team remove <@U0003>")
    home_of(bot, CAROL, lambda blocks: NO_PROJECTS in blocks and "*APL* Apollo" not in blocks)


@SQLITE_ONLY
def test_settling_tasks_at_closing_takes_them_off_the_owners_home(bot: RunningBot) -> None:
    running(bot)
    opened_home(bot, CAROL, lambda blocks: "*APL-1* Build" in blocks and "*APL-2* Test" in blocks)
    say(bot, "close")
    bot.slack.block_action("closing_finish", value="APL-1", user=ALICE)
    home_of(bot, CAROL, lambda blocks: "*APL-1* Build" not in blocks and "*APL-2* Test" in blocks)
    bot.slack.block_action("closing_cancel", value="APL-2", user=ALICE)
    home_of(bot, CAROL, lambda blocks: "No open tasks" in blocks)
    with bot.database.system_session(write=False) as db:
        statuses = db.scalars(select(Task.status).order_by(Task.number)).all()
    assert statuses == [TaskStatus.DONE, TaskStatus.CANCELLED]


@SQLITE_ONLY
def test_assigning_a_task_moves_it_between_the_two_owners_homes(bot: RunningBot) -> None:
    running(bot)
    opened_home(bot, ALICE, lambda blocks: "No open tasks" in blocks)
    opened_home(bot, CAROL, lambda blocks: "*APL-2* Test" in blocks)
    assert say(bot, "assign APL-2 <@U0001|alice>") == "*APL-2* Test now belongs to <@U0001>."
    home_of(bot, ALICE, lambda blocks: "*APL-2* Test" in blocks and "APL-1" not in blocks)
    home_of(bot, CAROL, lambda blocks: "*APL-2*" not in blocks and "*APL-1* Build" in blocks)


@SQLITE_ONLY
def test_saving_the_update_form_shows_the_new_state_on_the_owners_home(bot: RunningBot) -> None:
    running(bot)
    opened_home(bot, CAROL, lambda blocks: "to do" in task_line(blocks, "APL-2"))
    view = open_modal(bot, "update APL-2", user=CAROL)
    assert field_errors(submit(bot, view, {"status": "in_progress", "due_date": day(-3)}, user=CAROL)) == {}
    # Due three days ago now: Test is late too, in every time zone.
    home = home_of(bot, CAROL, lambda blocks: "in progress" in task_line(blocks, "APL-2"))
    assert "⚠️ overdue" in task_line(str(home["blocks"]), "APL-2")


def buttons_of(home: Home) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element["value"])
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


@SQLITE_ONLY
def test_a_change_request_is_approved_from_the_deciders_home(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "change", user=CAROL)
    assert field_errors(submit(bot, view, {"title": "Add refunds"}, user=CAROL)) == {}
    home = opened_home(bot, ALICE, lambda blocks: "*APL-C1* Add refunds" in blocks)
    assert {("change_approve", "APL-C1"), ("change_reject", "APL-C1")} <= set(buttons_of(home))
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("change_approve", value="APL-C1", user=ALICE, channel=None, view=home)
    form = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, form, {"note": "Worth it"}, user=ALICE)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(ChangeRequest)).one().status is ChangeStatus.APPROVED
    home_of(bot, ALICE, lambda blocks: "APL-C1" not in blocks)


@SQLITE_ONLY
def test_a_deliverable_is_accepted_from_the_sponsors_home(bot: RunningBot) -> None:
    running(bot)
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 2)).one().is_deliverable = True
    say(bot, "done APL-2", user=CAROL)
    home = home_of(bot, BOB, lambda blocks: "APL-2" in blocks)
    assert ("deliverable_accept", "APL-2") in buttons_of(home)
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("deliverable_accept", value="APL-2", user=BOB, channel=None, view=home)
    form = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, form, {"note": "Looks right"}, user=BOB)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Task).where(Task.number == 2)).one().acceptance is Acceptance.ACCEPTED
    home_of(bot, BOB, lambda blocks: "APL-2" not in blocks)


def test_past_ten_decisions_the_home_counts_the_rest(bot: RunningBot) -> None:
    running(bot)
    for number in range(12):
        view = open_modal(bot, "change", user=CAROL)
        assert field_errors(submit(bot, view, {"title": f"Change {number}"}, user=CAROL)) == {}
    home = opened_home(bot, ALICE, lambda blocks: "2 more" in blocks)
    approve = [value for action, value in buttons_of(home) if action == "change_approve"]
    assert approve == [f"APL-C{n}" for n in range(1, 11)]
    assert "…and 2 more" in str(home["blocks"])
