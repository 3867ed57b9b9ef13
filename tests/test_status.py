"""`/pmo status`, task updates, history and the App Home tab, end to end over HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import AuditEntry, Issue, Milestone, Task
from models.core.enums import Severity, TaskStatus
from tests.support.charter import create
from tests.support.flows import PROJECT_TZ, field_errors, local_today, open_modal, submit
from tests.support.served import RunningBot
from tests.support.status import day, running, say
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL


def task(bot: RunningBot, number: int) -> Task:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Task).where(Task.number == number)).one()


def test_status_shows_health_reasons_progress_earned_value_and_what_is_late(bot: RunningBot) -> None:
    running(bot)
    say(bot, "done APL-2", user=CAROL)
    lines = say(bot, "status").splitlines()
    # Planned: all of Build (10 h) and 11 of Test's 20 days (5.5 h); earned: Test's 10 h.
    # Of 120,000 EUR: PV 15.5 / 20, EV 10 / 20. SPI = 10 / 15.5 = 0.65, under 0.8: red.
    assert lines[0] == "🔴 APL · Apollo — red"
    assert "• SPI 0.65 is under 0.80: behind schedule" in lines
    assert "• 1 task overdue" in lines
    assert "*Phase* initiation · *Progress* 1 of 2 tasks done · 50% of the work by estimate" in lines
    earned = next(line for line in lines if line.startswith("*Earned value*"))
    assert "PV 93,000.00 EUR · EV 60,000.00 EUR · AC 1,000.00 EUR · SPI 0.65 · CPI 60.00" in earned
    assert any(line.startswith("• *APL-1* Build · <@U0003> · due ") for line in lines)
    assert any(line.startswith("• *APL-M1* Beta · due ") and "forecast" in line for line in lines)
    assert "*Budget* spent 1,000.00 EUR of 120,000.00 EUR · remaining 119,000.00 EUR" in lines


def test_a_calm_project_is_green_and_says_so(bot: RunningBot) -> None:
    create(bot)
    lines = say(bot, "status").splitlines()
    assert lines[0] == "🟢 APL · Apollo — green"
    assert lines[1] == "Nothing is late, over budget or at high risk."
    assert "SPI n/a · CPI n/a" in lines[3]


def test_status_by_key_elsewhere_lists_mine_and_hides_private_projects(bot: RunningBot) -> None:
    create(bot)
    create(bot, {"key": "SEC", "name": "Secret"}, channel="G0001")
    assert say(bot, "status APL", channel="C0042").startswith("🟢 APL · Apollo")
    mine = say(bot, "status", channel="C0042")
    assert mine.startswith("This channel has no project.") and "*APL* Apollo" in mine
    assert "SEC belongs to a private channel" in say(bot, "status SEC", user=CAROL)
    assert say(bot, "status SEC", user=ADMIN, channel="D" + ADMIN).startswith("🟢 SEC · Secret")
    assert "There is no project `NOPE`" in say(bot, "status NOPE")


def test_sharing_the_status_posts_it_to_the_channel(bot: RunningBot) -> None:
    create(bot)
    reply = bot.slack.command("status").json()
    share = next(block for block in reply["blocks"] if block["type"] == "actions")["elements"][0]
    bot.slack.block_action(share["action_id"], value=share["value"])
    posted = bot.fake.wait_for("response_url")[-1].args
    assert posted["response_type"] == "in_channel" and posted["text"].startswith("🟢 APL · Apollo — green")


def test_done_update_and_assign_change_the_task_and_its_history(bot: RunningBot) -> None:
    running(bot)
    assert say(bot, "done APL-1", user=CAROL).startswith("*APL-1* Build · done · 100%")
    assert task(bot, 1).status is TaskStatus.DONE and task(bot, 1).done_at is not None

    view = open_modal(bot, "update APL-2", user=CAROL)
    values = {"status": "in_progress", "percent_complete": "40", "due_date": day(12), "note": "API is slow"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    updated = task(bot, 2)
    assert (updated.status, updated.percent_complete, updated.due_date) == (
        TaskStatus.IN_PROGRESS,
        40,
        local_today() + timedelta(days=12),
    )

    assert say(bot, "assign APL-2 <@U0001|alice>") == "*APL-2* Test now belongs to <@U0001>."
    history = say(bot, "history APL-2")
    assert history.splitlines()[0] == "APL-2 Test — history"
    assert "assigned · Owner: <@U0003> → <@U0001>" in history
    assert "updated · Status: to do → in progress, Percent complete: 0 → 40" in history
    assert "_API is slow_" in history


def test_a_due_date_moved_in_the_update_form_warns_about_the_tasks_it_pushes(bot: RunningBot) -> None:
    create(bot)
    say(bot, "team add <@U0003> member")
    say(bot, "task add Build <@U0003> start 2026-12-01 due 2026-12-04")
    say(bot, "task add Test <@U0001> start 2026-12-07 due 2026-12-09 after APL-1")
    view = open_modal(bot, "update APL-1", user=CAROL)
    assert field_errors(submit(bot, view, {"due_date": "2026-12-08"}, user=CAROL)) == {}
    confirmation = bot.fake.wait_for("chat.postEphemeral")[-1].args
    assert confirmation["user"] == CAROL
    assert "*APL-1* Build" in confirmation["text"] and "due Tue 2026-12-08" in confirmation["text"]
    assert (
        "⚠️ This pushes *APL-2*: it starts Mon 2026-12-07, but can't start before Wed 2026-12-09."
        in confirmation["text"]
    )
    # A warning, not a change: the pushed task keeps its dates until someone moves it.
    assert (task(bot, 1).due_date.isoformat(), task(bot, 2).start_date.isoformat()) == (
        "2026-12-08",
        "2026-12-07",
    )

    sent = len(bot.fake.calls_to("chat.postEphemeral"))
    assert field_errors(submit(bot, view, {"due_date": "2026-12-03"}, user=CAROL)) == {}
    calm = bot.fake.wait_for("chat.postEphemeral", sent + 1)[-1].args["text"]
    assert "due Thu 2026-12-03" in calm and "pushes" not in calm


def test_blocking_a_task_needs_a_reason_and_opens_a_linked_issue(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "update APL-2", user=CAROL)
    assert "blocker" in field_errors(submit(bot, view, {"status": "blocked"}, user=CAROL))
    assert task(bot, 2).status is TaskStatus.TODO
    values = {"status": "blocked", "blocker": "Waiting for the staging database"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue)).one()
    assert (issue.title, issue.task_id, issue.severity, issue.owner_id) == (
        "Waiting for the staging database",
        task(bot, 2).id,
        Severity.HIGH,
        CAROL,
    )
    confirmation = bot.fake.wait_for("chat.postEphemeral")[-1].args["text"]
    assert "Opened issue *APL-I1* Waiting for the staging database, linked to the task." in confirmation


def test_reassigning_past_capacity_says_so(bot: RunningBot) -> None:
    running(bot)
    say(bot, "team alloc <@U0003> 5%")
    say(bot, f"task add Big job due {day(5)} est 80")
    answer = say(bot, "assign APL-3 <@U0003>")
    # 80 h plus Carol's two tasks of 10 h against 40 h × 5% × 4 weeks.
    assert "⚠️ <@U0003> now has 100 h of work due in the next 4 weeks, more than the 8 h available." in answer


def test_bad_updates_are_refused_and_change_nothing(bot: RunningBot) -> None:
    running(bot)
    before = len(bot.fake.calls_to("views.open"))
    assert "There is no task APL-99" in say(bot, "done APL-99")
    assert "There is no project `ZEUS`" in say(bot, "done ZEUS-1")
    assert "Name one task by its key." in say(bot, "done")
    assert "not on this project's team" in say(bot, "assign APL-1 <@U0009|pat>")
    assert "Only the project's team (manager, member)" in say(bot, "done APL-1", user=BOB)
    assert len(bot.fake.calls_to("views.open")) == before
    view = open_modal(bot, "update APL-1", user=CAROL)
    errors = field_errors(submit(bot, view, {"percent_complete": "140", "due_date": day(-30)}, user=CAROL))
    assert "from 0 to 100, not 140" in errors["percent_complete"] and "before the start" in errors["due_date"]
    assert (task(bot, 1).percent_complete, task(bot, 1).status, task(bot, 1).owner_id) == (
        0,
        TaskStatus.TODO,
        CAROL,
    )
    with bot.database.system_session(write=False) as db:
        changes = select(AuditEntry).where(AuditEntry.action.in_(["task.update", "task.assign"]))
        assert db.scalars(changes).all() == []


def test_a_stale_button_on_a_deleted_task_is_answered(bot: RunningBot) -> None:
    running(bot)
    with bot.database.system_session() as db:
        db.delete(db.scalars(select(Task).where(Task.number == 1)).one())
    bot.slack.block_action("task_done", value="APL-1", user=CAROL)
    assert "There is no task APL-1" in bot.fake.wait_for("response_url")[-1].args["text"]


def test_status_lists_top_risks_late_milestones_and_open_work(bot: RunningBot) -> None:
    running(bot)
    with bot.database.system_session() as db:
        db.scalars(select(Milestone)).one().due_date = local_today() - timedelta(days=2)
    bot.slack.command("issue Staging is down")
    for title, p, i in (("Vendor late", "5", "4"), ("Key person leaves", "2", "2")):
        view = open_modal(bot, "risk")
        assert field_errors(submit(bot, view, {"title": title, "probability": p, "impact": i})) == {}
    lines = say(bot, "status").splitlines()
    assert "• 1 milestone late" in lines
    assert "• 1 open risk scored 20 or more with no response" in lines
    assert any(line.startswith("• *APL-M1* Beta") and line.endswith("⚠️ late") for line in lines)
    assert lines[lines.index("*Top risks*") + 1 : lines.index("*Top risks*") + 3] == [
        "🔴 *APL-R1* Vendor late · 20",
        "🟢 *APL-R2* Key person leaves · 4",
    ]
    assert "*Open issues* 1 · *Change requests waiting for a decision* 0" in lines
    assert lines[lines.index("*Open issues* 1 · *Change requests waiting for a decision* 0") + 1].startswith(
        "🟡 *APL-I1* Staging is down · medium · nobody"
    )


def test_status_lists_the_worst_open_issues_and_the_changes_waiting_longest(bot: RunningBot) -> None:
    running(bot)
    for title in ("Printer jam", "Wiki slow", "Laptop lost", "Badge broken"):
        say(bot, f"issue {title}")
    view = open_modal(bot, "issue")
    assert field_errors(submit(bot, view, {"title": "Payments down", "severity": "critical"})) == {}
    view = open_modal(bot, "change", user=CAROL)
    assert field_errors(submit(bot, view, {"title": "Add refunds"}, user=CAROL)) == {}
    lines = say(bot, "status").splitlines()
    at = lines.index("*Open issues* 5 · *Change requests waiting for a decision* 1")
    assert lines[at + 1].startswith("🔴 *APL-I5* Payments down · critical")
    assert [line.split("*")[1] for line in lines[at + 1 : at + 4]] == ["APL-I5", "APL-I1", "APL-I2"]
    assert lines[at + 4] == "…and 2 more issues: `/pmo issues`"
    assert lines[at + 5] == "⏳ *APL-C1* Add refunds · waiting 0 days"


def test_a_new_task_comes_with_done_and_update_buttons_that_work(bot: RunningBot) -> None:
    running(bot)
    reply = bot.slack.command(f"task add Write docs <@U0003> due {day(3)}").json()
    buttons = next(block for block in reply["blocks"] if block["type"] == "actions")["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("task_done", "APL-3"),
        ("task_update", "APL-3"),
    ]
    bot.slack.block_action("task_done", value="APL-3", user=CAROL)
    assert bot.fake.wait_for("response_url")[-1].args["text"].startswith("*APL-3* Write docs · done · 100%")
    assert task(bot, 3).status is TaskStatus.DONE


def form_values(view: dict) -> dict[str, str | None]:
    """What each input of a modal was opened with, by field: what the person sees in it."""
    shown: dict[str, str | None] = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            option = element.get("initial_option")
            shown[block["block_id"]] = option["value"] if option else element.get("initial_value")
    return shown


def test_the_update_button_opens_the_form_with_the_tasks_values_and_saving_changes_it(
    bot: RunningBot,
) -> None:
    running(bot)
    opened = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("task_update", value="APL-2", user=CAROL)
    view = bot.fake.wait_for("views.open", opened + 1)[-1].args["view"]
    assert "*APL-2* Test" in str(view["blocks"][0])
    assert form_values(view) == {
        "status": "todo",
        "percent_complete": "0",
        "due_date": day(9),
        "blocker": None,
        "note": None,
    }
    values = {"status": "in_progress", "percent_complete": "60", "due_date": day(11), "note": "Halfway"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    changed = task(bot, 2)
    assert (changed.status, changed.percent_complete, changed.due_date) == (
        TaskStatus.IN_PROGRESS,
        60,
        local_today() + timedelta(days=11),
    )
    assert "_Halfway_" in say(bot, "history APL-2")
    # The same button on the Home tab opens the form as the task now stands.
    bot.slack.event({"type": "app_home_opened", "user": CAROL, "tab": "home"})
    home = bot.fake.wait_for("views.publish")[-1].args["view"]
    bot.slack.block_action("task_update", value="APL-2", user=CAROL, channel=None, view=home)
    again = bot.fake.wait_for("views.open", opened + 2)[-1].args["view"]
    shown = form_values(again)
    assert (shown["status"], shown["percent_complete"], shown["due_date"]) == ("in_progress", "60", day(11))


def test_status_shows_the_estimate_at_completion_and_the_forecast_finish(bot: RunningBot) -> None:
    running(bot)
    say(bot, "done APL-2", user=CAROL)
    lines = say(bot, "status").splitlines()
    # As in the first test: EV 60,000 of a 120,000 EUR budget against AC 1,000, so CPI = 60.00
    # and EAC = BAC / CPI = 120,000 / 60 = 2,000.00 EUR. SPI 0.65: the 60 planned days from
    # day -20 to day 40 stretch to round(60 / 0.65) = 92, so the forecast finish is day 72.
    earned = next(line for line in lines if line.startswith("*Earned value*"))
    assert earned.endswith("· CPI 60.00 · EAC 2,000.00 EUR")
    forecast = next(line for line in lines if line.startswith("*Forecast finish*")).split(" · ")
    assert day(72) in forecast[0] and forecast[1].startswith("target") and day(40) in forecast[1]


def test_status_weighs_progress_by_estimate_not_by_count(bot: RunningBot) -> None:
    create(bot, {"start_date": day(-20), "target_end_date": day(40)})
    say(bot, f"task add Big job start {day(-10)} due {day(10)} est 30")
    say(bot, f"task add Small job start {day(-10)} due {day(10)} est 10")
    say(bot, f"task add Tiny job start {day(-10)} due {day(10)} est 10")
    say(bot, "done APL-1")
    lines = say(bot, "status").splitlines()
    # 30 of 50 estimated hours are done: 60% by estimate, where counting tasks would say 33%.
    assert "*Phase* initiation · *Progress* 1 of 3 tasks done · 60% of the work by estimate" in lines
    # The charter's 120,000 EUR budget is earned the same way: 60% of it.
    earned = next(line for line in lines if line.startswith("*Earned value*"))
    assert "EV 72,000.00 EUR" in earned


HISTORY_LINE = re.compile(r"\w{3} (\d{4}-\d\d-\d\d) (\d\d:\d\d) (\S+) · <@(U\d+)> · (.*)$")


def test_history_says_who_changed_a_task_and_when_including_done(bot: RunningBot) -> None:
    running(bot)
    assert say(bot, "done APL-1", user=CAROL).startswith("*APL-1* Build · done")
    say(bot, "assign APL-1 <@U0001|alice>")
    lines = say(bot, "history APL-1").splitlines()[1:]  # under the title
    parsed = [HISTORY_LINE.match(line) for line in lines]
    assert all(parsed), lines
    # Newest first: Alice's assignment, Carol's `/pmo done`, Alice's `task add`.
    assert [(match[4], match[5].split(" · ")[0]) for match in parsed] == [
        (ALICE, "assigned"),
        (CAROL, "updated"),
        (ALICE, "added"),
    ]
    assert parsed[1][5] == "updated · Status: to do → done, Percent complete: 0 → 100"
    # When: a minute on the reader's (Alice's) clock, within moments of now.
    now = datetime.now(UTC)
    for match in parsed:
        assert match[3] == PROJECT_TZ
        when = datetime.fromisoformat(f"{match[1]}T{match[2]}").replace(tzinfo=ZoneInfo(PROJECT_TZ))
        assert timedelta(0) <= now - when < timedelta(minutes=3)
