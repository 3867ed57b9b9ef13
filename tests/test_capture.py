"""Message shortcuts and the issue and change-request forms, end to end over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import ChangeRequest, ChangeTarget, Issue, Risk, Task
from models.core.enums import Severity
from tests.support.charter import create
from tests.support.flows import CHANNEL, count_rows, field_errors, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

MESSAGE = "The payment provider deprecates v2 in March\nWe need to move to v3 before the launch."
LINK_START = "https://"


def shortcut_modal(bot: RunningBot, callback_id: str, user: str = ALICE) -> dict:
    before = len(bot.fake.calls_to("views.open"))
    reply = bot.slack.message_shortcut(callback_id, message_text=MESSAGE, user=user)
    assert reply.status == 200
    return bot.fake.wait_for("views.open", before + 1)[-1].args["view"]


def initial(view: dict, field: str) -> str | None:
    block = next(b for b in view["blocks"] if b.get("block_id") == field)
    return block["element"].get("initial_value")


@pytest.mark.parametrize(
    ("callback_id", "model", "values"),
    [
        ("create_task", Task, {}),
        ("log_risk", Risk, {}),
        ("log_issue", Issue, {}),
        ("request_change", ChangeRequest, {}),
    ],
)
def test_each_shortcut_opens_its_form_prefilled_with_the_message_and_a_link_back(
    bot: RunningBot, callback_id: str, model: type, values: dict[str, str]
) -> None:
    create(bot)
    view = shortcut_modal(bot, callback_id)
    assert initial(view, "title") == "The payment provider deprecates v2 in March"
    description = initial(view, "description") or ""
    assert description.startswith(MESSAGE) and f"{LINK_START}" in description
    assert field_errors(submit(bot, view, values)) == {}
    with bot.database.system_session(write=False) as db:
        item = db.scalars(select(model)).one()
    assert item.title == "The payment provider deprecates v2 in March"
    assert item.source_link.startswith(LINK_START) and "/archives/C0001/p" in item.source_link


def test_a_shortcut_outside_a_project_channel_says_how_to_start_one(bot: RunningBot) -> None:
    bot.slack.message_shortcut("log_issue", message_text=MESSAGE, channel="C0042")
    assert "This channel has no project yet" in bot.fake.wait_for("response_url")[-1].args["text"]
    assert not bot.fake.calls_to("views.open")


def test_an_issue_from_one_line_or_the_form_with_its_links_and_errors(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("task add Build")
    answer = bot.slack.command("issue Staging is down").json()["text"]
    assert answer == "Logged *APL-I1* Staging is down."
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("issue")
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    bad = {"title": "Build server flaky", "linked": "APL-9", "owner_id": "U0009", "due_date": "whenever-ish"}
    assert set(field_errors(submit(bot, view, bad))) == {"linked", "owner_id", "due_date"}
    good = {"title": "Build server flaky", "linked": "APL-1", "owner_id": CAROL, "severity": "critical"}
    assert field_errors(submit(bot, view, good)) == {}
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue).where(Issue.number == 2)).one()
        build = db.scalars(select(Task)).one()
    assert (issue.severity, issue.owner_id, issue.task_id) == (Severity.CRITICAL, CAROL, build.id)
    assert bot.slack.command("status").json()["text"].startswith("🔴")  # a critical issue is open


def test_a_change_request_records_its_impact_targets_and_who_decides(bot: RunningBot) -> None:
    create(bot, {"change_threshold_days": "5", "change_threshold_amount": "10000"})
    bot.slack.command("milestone add Beta due 2027-01-15")
    bot.slack.command("team add <@U0003> member")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change")
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    errors = field_errors(
        submit(bot, view, {"title": "Add refunds", "schedule_days": "-3", "targets": "APL-M7"})
    )
    assert "0 or more" in errors["schedule_days"] and "APL-M7" in errors["targets"]
    assert count_rows(bot.database, ChangeRequest) == 0

    values = {"title": "Add refunds", "schedule_days": "10", "cost_impact": "2,500", "targets": "APL-M1"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        change = db.scalars(select(ChangeRequest)).one()
        targets = db.scalars(select(ChangeTarget)).all()
    assert (change.schedule_days, change.cost_impact, change.needs_sponsor, change.requested_by) == (
        10,
        Decimal("2500.00"),
        True,  # 10 days passes the 5-day threshold
        CAROL,
    )
    assert len(targets) == 1 and targets[0].milestone_id is not None
    posts = [call.args for call in bot.fake.wait_for("chat.postMessage", 5)[-4:]]
    # The channel, then everyone allowed to decide: the manager, the sponsor, each PMO administrator.
    assert [post["channel"] for post in posts] == [CHANNEL, ALICE, BOB, ADMIN]
    assert all("change_approve" in str(post["blocks"]) for post in posts)
    assert posts[0]["text"] == "⏳ Change request *APL-C1* Add refunds · waiting for a decision"
    assert "*Decided by:* <@U0001>, <@U0002>" in str(posts[0]["blocks"])
    assert "*Change requests waiting for a decision* 1" in bot.slack.command("status").json()["text"]


def test_someone_off_the_project_is_told_who_may_capture_and_no_form_opens(bot: RunningBot) -> None:
    create(bot)
    opened = len(bot.fake.calls_to("views.open"))
    bot.slack.message_shortcut("create_task", message_text=MESSAGE, user=CAROL)
    refusal = bot.fake.wait_for("response_url")[-1].args["text"]
    assert refusal == "Only the project's team (manager, member) or a PMO administrator can change the plan."
    assert len(bot.fake.calls_to("views.open")) == opened
