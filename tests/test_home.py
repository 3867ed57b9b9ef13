"""The App Home tab refreshes after every change that touches its owner, end to end over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from models import Task
from models.enums import TaskStatus
from tests.conftest import ALICE, BOB, CAROL, RunningBot
from tests.flows import field_errors, open_modal, submit
from tests.test_status import day, running, say

Home = dict[str, Any]


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
    assert "⚠️ overdue" in text and "🔴 *APL* Apollo" in text
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


def test_meeting_action_items_appear_on_their_owners_home(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "meeting")
    assert field_errors(submit(bot, view, {"actions": f"Call the vendor <@U0003> due {day(2)}"})) == {}
    home_of(bot, CAROL, lambda blocks: "Call the vendor" in blocks)


def test_a_change_request_appears_on_its_deciders_home_until_it_is_withdrawn(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "change", user=CAROL)
    assert field_errors(submit(bot, view, {"title": "Add refunds"}, user=CAROL)) == {}
    home_of(bot, ALICE, lambda blocks: "*APL-C1* Add refunds: approve or reject it" in blocks)
    assert say(bot, "change withdraw APL-C1", user=CAROL).startswith("↩️")
    home_of(bot, ALICE, lambda blocks: "APL-C1" not in blocks)


def test_a_finished_deliverable_waits_on_the_sponsors_home(bot: RunningBot) -> None:
    running(bot)
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 2)).one().is_deliverable = True
    say(bot, "done APL-2", user=CAROL)
    home = home_of(bot, BOB, lambda blocks: "APL-2" in blocks)
    assert "*APL-2* Test" in str(home["blocks"]) and "accept" in str(home["blocks"]).lower()
