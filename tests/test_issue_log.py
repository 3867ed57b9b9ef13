"""The issue log: `/pmo issues`, resolving with a resolution, overdue issues in status, end to end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Issue, Risk, Task
from models.core.enums import IssueStatus
from tests.support.charter import create
from tests.support.flows import CHANNEL, field_errors, local_today, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL

YESTERDAY = (local_today() - timedelta(days=1)).isoformat()


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def logged(bot: RunningBot) -> None:
    create(bot)
    say(bot, "team add <@U0003> member")
    say(bot, "issue Printer out of toner")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("issue")
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    values = {"title": "Vendor API down", "severity": "critical", "owner_id": CAROL, "due_date": YESTERDAY}
    assert field_errors(submit(bot, view, values)) == {}


def test_the_log_lists_open_issues_most_severe_first_with_overdue_marked(bot: RunningBot) -> None:
    logged(bot)
    lines = say(bot, "issues").splitlines()
    assert lines[0] == "APL · Apollo — open issues"
    assert lines[1].startswith("🔴 *APL-I2* Vendor API down · critical · <@U0003> · due ")
    assert lines[1].endswith("⚠️ overdue")
    assert lines[2].startswith("🟡 *APL-I1* Printer out of toner · medium · nobody")
    assert [line.split("*")[1] for line in say(bot, "issues mine", user=CAROL).splitlines()[1:]] == ["APL-I2"]
    assert "• 1 issue past its due date" in say(bot, "status").splitlines()


def test_resolving_asks_for_the_resolution_and_records_it(bot: RunningBot) -> None:
    logged(bot)
    reply = bot.slack.command("issues").json()
    button = next(block["accessory"] for block in reply["blocks"] if "accessory" in block)
    assert (button["action_id"], button["value"]) == ("issue_resolve", "APL-I2")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("issue_resolve", value="APL-I2", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert "resolution" in field_errors(submit(bot, view, {"resolution": None}, user=CAROL))
    assert field_errors(submit(bot, view, {"resolution": "Switched to the backup region"}, user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue).where(Issue.number == 2)).one()
    assert (issue.status, issue.resolution) == (IssueStatus.RESOLVED, "Switched to the backup region")
    post = bot.fake.wait_for("chat.postMessage", 2)[-1].args
    assert post["channel"] == CHANNEL and post["text"].startswith(
        "✅ <@U0003> resolved *APL-I2* Vendor API down."
    )
    assert "APL-I2" not in say(bot, "issues")
    assert "✅ *APL-I2*" in say(bot, "issues all")
    assert "APL-I2 is already resolved." in say(bot, "resolve APL-I2")
    # The Resolve button of an older copy of the list, clicked after the fact.
    bot.slack.block_action("issue_resolve", value="APL-I2", user=CAROL)
    assert bot.fake.wait_for("response_url")[-1].args["text"] == "APL-I2 is already resolved."
    # The resolution form, submitted a second time.
    again = field_errors(submit(bot, view, {"resolution": "Again"}, user=CAROL))
    assert again == {"resolution": "APL-I2 is already resolved."}


def test_bad_issue_words_and_outsiders_are_refused(bot: RunningBot) -> None:
    logged(bot)
    assert "`closed` is not a list of issues" in say(bot, "issues closed")
    assert "There is no issue `APL-I9`" in say(bot, "resolve APL-I9")
    assert "Name one issue by its key." in say(bot, "resolve")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("issue_resolve", value="APL-I1", user=BOB)
    assert "Only the project's team (manager, member)" in bot.fake.wait_for("response_url")[-1].args["text"]
    assert len(bot.fake.calls_to("views.open")) == before
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Issue).where(Issue.number == 1)).one().status is IssueStatus.OPEN


def test_an_issue_form_links_a_risk_or_a_task_and_refuses_unknown_keys(bot: RunningBot) -> None:
    logged(bot)
    say(bot, "task add Build")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("risk")
    risk_form = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, risk_form, {"title": "Vendor late"})) == {}
    view = open_modal(bot, "issue")
    for key, words in (
        ("APL-R7", "no risk `APL-R7`"),
        ("ZEUS-R1", "no risk `ZEUS-R1`"),
        ("APL-9", "no task APL-9"),
    ):
        errors = field_errors(submit(bot, view, {"title": "Vendor missed the date", "linked": key}))
        assert set(errors) == {"linked"} and words in errors["linked"], key
    assert field_errors(submit(bot, view, {"title": "Vendor missed the date", "linked": "apl-r1"})) == {}
    assert field_errors(submit(bot, view, {"title": "Build broke", "linked": "APL-1"})) == {}
    with bot.database.system_session(write=False) as db:
        by_risk = db.scalars(select(Issue).where(Issue.title == "Vendor missed the date")).one()
        by_task = db.scalars(select(Issue).where(Issue.title == "Build broke")).one()
        risk_id = db.scalar(select(Risk.id))
        task_id = db.scalar(select(Task.id))
    assert (by_risk.risk_id, by_risk.task_id) == (risk_id, None)
    assert (by_task.task_id, by_task.risk_id) == (task_id, None)
