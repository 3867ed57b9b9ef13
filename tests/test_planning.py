"""Work breakdown, dependencies, milestones, the plan and the quality plan, end to end."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from bot.charts import DAY_OFF, FLOAT_TAIL, GHOST, LATE, PALETTE
from bot.markup import unescape
from models import (
    AcceptanceCriterion,
    AuditEntry,
    Issue,
    Milestone,
    Project,
    QualityResult,
    QualityReview,
    Task,
    TaskDependency,
)
from models.core.enums import TaskStatus
from tests.support.charter import create
from tests.support.flows import count_rows, field_errors, local_today, open_modal, say, submit
from tests.support.planning import planned, task
from tests.support.png import PNG_SIGNATURE, hex_rgb, pixels, runs
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL


def day(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).isoformat()


def test_task_add_from_one_line_echoes_key_and_resolved_dates(bot: RunningBot) -> None:
    planned(bot)
    answer = say(bot, "task add Design the API <@U0003|carol> start 2026-12-01 due 2026-12-11 est 16")
    assert answer == (
        "Added *APL-1* Design the API · owner <@U0003> · start Tue 2026-12-01 · due Fri 2026-12-11 · 16 h"
    )
    created = task(bot, 1)
    assert (created.owner_id, created.start_date, created.due_date, created.estimate_hours) == (
        CAROL,
        date(2026, 12, 1),
        date(2026, 12, 11),
        16.0,
    )
    assert created.baseline_due == date(2026, 12, 11)


def test_tasks_nest_and_parents_roll_up_dates_estimates_and_progress(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Billing")
    say(bot, "task add Invoices under APL-1 start 2026-12-01 due 2026-12-04 est 10")
    say(bot, "task add Refunds under APL-1 start 2026-12-07 due 2026-12-18 est 30")
    say(bot, "task add Refund rules under APL-3 start 2026-12-07 due 2026-12-09 est 6")
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 2)).one().percent_complete = 50
    assert task(bot, 4).parent_id == task(bot, 3).id
    blocks = str(bot.slack.command("plan").json()["blocks"])
    # The parent spans its children and sums their leaf estimates: 10 + 6 (APL-3's own 30 is rolled up).
    assert "*APL-1* Billing · nobody · Tue 2026-12-01 → Wed 2026-12-09 (7 d) · 16 h · to do 31%" in blocks
    assert blocks.index("APL-1") < blocks.index("APL-2") < blocks.index("APL-3") < blocks.index("APL-4")


def test_bad_task_lines_answer_with_the_right_form_and_change_nothing(bot: RunningBot) -> None:
    planned(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    bot.slack.command("task add Elsewhere", channel="C0002")
    cases = [
        ("task add X start 2026-12-10 due 2026-12-01", "is before the start"),
        ("task add X <@U0009|pat>", "not on this project's team"),
        ("task add X est -3", "positive number of hours"),
        ("task add X est lots", "is not a number"),
        ("task add X under APL-99", "no task APL-99"),
        ("task add X under ZEUS-1", "belongs to another project"),
        ("task add X due someday-ish", "can't read"),
        ("task add due tomorrow", "Give the task a title"),
        ("task frobnicate", "add, move or link"),
    ]
    for text, words in cases:
        answer = say(bot, text)
        assert words in answer, (text, answer)
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Task.id).where(Task.title == "X")) is None
    # The form of `task add` alone: the move and link forms would be noise here.
    shown = unescape(say(bot, "task add X est -3"))
    assert "Write it like this: `/pmo task add <title> [@owner]" in shown and "move <KEY>" not in shown


def test_only_the_team_plans_work(bot: RunningBot) -> None:
    planned(bot)
    assert "Only the project's team (manager, member)" in say(bot, "task add Sneaky", user=BOB)
    assert count_rows(bot.database, Task) == 0


def test_dependencies_refuse_cycles_and_early_starts_and_moves_carry_successors(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Build start 2026-12-01 due 2026-12-04")
    say(bot, "task add Test start 2026-12-07 due 2026-12-09 after APL-1")
    say(bot, "task add Ship start 2026-12-10 due 2026-12-10 after APL-2")
    early = say(bot, "task add Early start 2026-12-02 after APL-1")
    assert "Its link to *APL-1* lets it start no earlier than Mon 2026-12-07, not Wed 2026-12-02." in early
    assert "loop of dependencies: APL-1 → APL-3 → APL-2 → APL-1" in say(bot, "task link APL-1 after APL-3")
    assert count_rows(bot.database, TaskDependency) == 2

    answer = say(bot, "task move APL-1 due 2026-12-08")
    assert "*APL-1* now runs from Tue 2026-12-01 to Tue 2026-12-08." in answer
    assert "*APL-2* follows it, 2 working days later: now Wed 2026-12-09 to Fri 2026-12-11." in answer
    assert "*APL-3* follows it, 2 working days later: now Mon 2026-12-14 to Mon 2026-12-14." in answer
    assert "The project's finish moves from Thu 2026-12-10 to Mon 2026-12-14." in answer
    assert task(bot, 1).due_date == date(2026, 12, 8)
    assert (task(bot, 2).start_date, task(bot, 3).due_date) == (date(2026, 12, 9), date(2026, 12, 14))


def test_moves_and_links_that_break_the_schedule_are_refused_and_change_nothing(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Build start 2026-12-01 due 2026-12-04")
    say(bot, "task add Test start 2026-12-07 due 2026-12-09 after APL-1")
    say(bot, "task add Docs start 2026-12-03 due 2026-12-10")
    cases = [
        (
            "task move APL-2 due 2026-12-05",
            "The due date (Sat 2026-12-05) is before the start (Mon 2026-12-07).",
        ),
        (
            "task move APL-2 start 2026-12-04",
            "Its link to *APL-1* lets it start no earlier than Mon 2026-12-07, not Fri 2026-12-04.",
        ),
        (
            "task link APL-3 after APL-1",
            "Its link to *APL-1* lets it start no earlier than Mon 2026-12-07, not Thu 2026-12-03.",
        ),
    ]
    for text, refusal in cases:
        assert refusal in say(bot, text), text
    dates = [(task(bot, n).start_date, task(bot, n).due_date) for n in (1, 2, 3)]
    assert dates == [
        (date(2026, 12, 1), date(2026, 12, 4)),
        (date(2026, 12, 7), date(2026, 12, 9)),
        (date(2026, 12, 3), date(2026, 12, 10)),
    ]
    assert count_rows(bot.database, TaskDependency) == 1
    with bot.database.system_session(write=False) as db:
        changes = select(AuditEntry).where(AuditEntry.action.in_(["task.dates", "task.link"]))
        assert db.scalars(changes).all() == []


def test_the_plan_names_each_task_owner(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design <@U0003|carol> start 2026-12-01 due 2026-12-04 est 8")
    say(bot, "task add Unowned start 2026-12-07 due 2026-12-08")
    text = bot.slack.command("plan").json()["text"]
    design = next(line for line in text.splitlines() if "*APL-1*" in line)
    assert "*APL-1* Design · <@U0003> · Tue 2026-12-01 → Fri 2026-12-04" in design
    assert "*APL-2* Unowned · nobody ·" in text


def test_the_plan_marks_the_critical_path(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add A start 2026-12-01 due 2026-12-02")
    say(bot, "task add Long start 2026-12-03 due 2026-12-10 after APL-1")
    say(bot, "task add Short start 2026-12-03 due 2026-12-04 after APL-1")
    say(bot, "task add D start 2026-12-11 due 2026-12-12 after APL-2 APL-3")
    text = bot.slack.command("plan").json()["text"]
    critical = {line.split("*")[1] for line in text.splitlines() if line.lstrip().startswith("🔺")}
    assert critical == {"APL-1", "APL-2", "APL-4"}


def test_a_long_plan_is_folded_with_a_show_more_button(bot: RunningBot) -> None:
    planned(bot)
    with bot.database.system_session() as db:
        apollo = db.scalars(select(Project)).one()
        apollo.task_seq = 130
        for number in range(1, 131):
            db.add(
                Task(
                    team_id=apollo.team_id,
                    project_id=apollo.id,
                    number=number,
                    title=f"Task {number}",
                    due_date=date(2027, 1, 1) + timedelta(days=number),
                    created_by=ALICE,
                )
            )
    answer = bot.slack.command("plan").json()
    assert len(answer["blocks"]) <= 50
    more = next(
        block
        for block in answer["blocks"]
        if block["type"] == "actions" and block["elements"][0]["action_id"] == "plan_show_more"
    )
    value = more["elements"][0]["value"]
    bot.slack.block_action("plan_show_more", value=value)
    page = bot.fake.wait_for("response_url")[-1].args
    assert page["replace_original"] is True and "Task 61" in page["text"] and "Task 60" not in page["text"]


def test_show_more_of_a_private_project_is_refused_to_people_outside_it(bot: RunningBot) -> None:
    create(bot, {"key": "SEC", "name": "Secret"}, channel="G0001")
    bot.slack.block_action("plan_show_more", value="SEC:0", user=CAROL, channel="G0001")
    assert "SEC belongs to a private channel" in bot.fake.wait_for("response_url")[-1].args["text"]
    bot.slack.block_action("plan_show_more", value="SEC:0", user=ALICE, channel="G0001")
    assert bot.fake.wait_for("response_url", 2)[-1].args["text"].startswith("SEC · Secret — plan")


def test_task_modal_creates_a_task_and_shows_errors_beside_fields(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Parent")
    view = open_modal(bot, "task")
    errors = field_errors(
        submit(
            bot,
            view,
            {
                "title": "Child",
                "due_date": "2026-12-01",
                "start_date": "2026-12-05",
                "estimate_hours": "zero",
                "parent": "APL-9",
            },
        )
    )
    # Every problem at once, each beside its field: the unreadable estimate and what the plan refuses.
    assert set(errors) == {"estimate_hours", "due_date", "parent"}
    assert "not a number" in errors["estimate_hours"] and "no task APL-9" in errors["parent"]
    assert count_rows(bot.database, Task) == 1
    reply = submit(
        bot,
        view,
        {
            "title": "Child",
            "owner_id": CAROL,
            "parent": "APL-1",
            "due_date": "2026-12-18",
            "estimate_hours": "8",
            "is_deliverable": "yes",
        },
    )
    assert field_errors(reply) == {}
    child = task(bot, 2)
    assert (child.title, child.owner_id, child.is_deliverable) == ("Child", CAROL, True)
    confirmation = bot.fake.wait_for("chat.postEphemeral")[-1].args
    assert confirmation["user"] == ALICE and "Added *APL-2* Child" in confirmation["text"]


def test_tasks_lists_by_filter(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Late one <@U0003> due 2020-01-01")
    say(bot, "task add Mine <@U0001> due 2030-01-01")
    say(bot, "task add Finished <@U0001> due 2030-01-02")
    with bot.database.system_session() as db:
        db.scalars(select(Task).where(Task.number == 3)).one().status = TaskStatus.DONE
    assert "APL-2" in say(bot, "tasks mine") and "APL-1" not in say(bot, "tasks mine")
    assert "APL-1" in say(bot, "tasks overdue") and "APL-2" not in say(bot, "tasks overdue")
    assert "APL-1" in say(bot, "tasks <@U0003|carol>") and "APL-2" not in say(bot, "tasks <@U0003|carol>")
    assert "APL-3" in say(bot, "tasks done") and "APL-3" not in say(bot, "tasks")
    typed = say(bot, "tasks open")
    assert "APL-1" in typed and "APL-2" in typed and "APL-3" not in typed
    assert typed == say(bot, "tasks")  # `open` is what the bare verb lists
    assert "not a list of tasks" in say(bot, "tasks later")


def test_milestones_are_added_and_listed_in_the_plan(bot: RunningBot) -> None:
    planned(bot)
    answer = say(bot, "milestone add Beta release due 2027-01-15 deliverable")
    assert answer == "Added milestone *APL-M1* Beta release · due Fri 2027-01-15 · deliverable"
    assert (
        "◆ *APL-M1* Beta release · due Fri 2027-01-15 · deliverable"
        in bot.slack.command("plan").json()["text"]
    )
    assert "before the project starts" in say(bot, "milestone add Too early due 2026-01-01")
    assert "/pmo milestone add <name> due <when>" in unescape(say(bot, "milestone add Beta"))
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Milestone.is_deliverable)) is True
    assert count_rows(bot.database, Milestone) == 1


def test_quality_plan_shows_criteria_and_reviews_of_deliverables(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "milestone add Go-live due 2027-03-01 deliverable")
    say(bot, "task add Not a deliverable")
    assert "APL-M1 has no" not in say(bot, "quality")
    assert "Acceptance criterion added to APL-M1: All invoices reconcile" in say(
        bot, "quality criterion APL-M1 All invoices reconcile"
    )
    assert "planned for Mon 2027-02-22" in say(bot, "quality review APL-M1 <@U0003|carol> 2027-02-22")
    assert "is not marked as a deliverable" in say(bot, "quality criterion APL-1 Something")
    assert "not an active person" in say(bot, "quality review APL-M1 <@U0999> 2027-02-22")
    shown = say(bot, "quality")
    assert "review by <@U0003> on Mon 2027-02-22 · planned" in shown
    # Planned, not passed: a tick would read as a criterion already met.
    assert "◻️ All invoices reconcile · not reviewed yet" in shown and "✓" not in shown
    assert count_rows(bot.database, AcceptanceCriterion) == 1 and count_rows(bot.database, QualityReview) == 1


def test_gantt_uploads_a_png_with_one_bar_per_dated_task_after_answering(bot: RunningBot) -> None:
    create(bot, {"start_date": day(-30)})
    bot.slack.command("team add <@U0003> member")
    say(bot, f"task add Late <@U0003> start {day(-10)} due {day(-1)}")
    say(bot, f"task add Build <@U0003> start {day(-5)} due {day(5)}")
    say(bot, f"task add Test <@U0001> start {day(-5)} due {day(8)}")
    say(bot, "task add Undated")
    say(bot, f"task add Ship <@U0003> start {day(9)} due {day(12)}")
    assert say(bot, "task link APL-5 after APL-2") == "Linked: *APL-5* starts after *APL-2* is due."
    say(bot, f"milestone add Go-live due {day(10)}")
    assert "Drawing the Gantt chart of APL" in say(bot, "gantt")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=20)[-1]
    assert complete.args["channel_id"] == "C0001"
    assert "4 tasks, 1 milestones" in complete.args["initial_comment"]
    png = bot.fake.uploaded(complete.args["files"][0]["id"]).content
    assert png.startswith(PNG_SIGNATURE) and len(png) == bot.fake.calls_to("upload")[-1].args["length"]
    picture = pixels(png)
    assert picture.shape[1] >= 1000 and picture.shape[0] >= 200
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 50  # not blank
    # Owners are coloured in plan order (Carol, then Alice); late work is red whoever owns it.
    carol, alice = (hex_rgb(colour) for colour in PALETTE[:2])
    columns = range(0, picture.shape[1] * 2 // 5, 4)  # left of the legend
    counts = [
        (runs(picture[:, x], carol), runs(picture[:, x], alice), runs(picture[:, x], hex_rgb(LATE)))
        for x in columns
    ]
    assert (1, 1, 1) in counts and max(max(count) for count in counts) == 1


def reviewed(bot: RunningBot) -> dict:
    """Carol reviews deliverable APL-1 against two criteria; the form she opens from /pmo quality."""
    return reviewed_with(bot, extra=0)


def reviewed_with(bot: RunningBot, extra: int) -> dict:
    """As `reviewed`, with `extra` more criteria after the two."""
    planned(bot)
    say(bot, "task add Billing API <@U0003|carol> due 2026-12-20")
    with bot.database.system_session() as db:
        db.scalars(select(Task)).one().is_deliverable = True
    say(bot, "quality criterion APL-1 Handles 100 requests a second")
    say(bot, "quality criterion APL-1 Every endpoint documented")
    with bot.database.system_session() as db:
        task = db.scalars(select(Task)).one()
        db.add_all(
            AcceptanceCriterion(
                team_id=task.team_id,
                project_id=task.project_id,
                task_id=task.id,
                text=f"Check {n}",
                position=n + 2,
            )
            for n in range(extra)
        )
    say(bot, "quality review APL-1 <@U0003|carol> 2026-12-18")
    reply = bot.slack.command("quality", user=CAROL).json()
    button = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == "quality_record" and button["text"]["text"] == "Record review of APL-1"
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("quality_record", value=button["value"], user=CAROL)
    return bot.fake.wait_for("views.open", before + 1)[-1].args["view"]


def criteria_fields(view: dict) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("criterion_")]


def test_a_passed_review_is_recorded_against_each_criterion(bot: RunningBot) -> None:
    view = reviewed(bot)
    fields = criteria_fields(view)
    assert len(fields) == 2
    assert field_errors(submit(bot, view, dict.fromkeys(fields, "pass"), user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        review = db.scalars(select(QualityReview)).one()
    assert review.status.value == "passed"
    assert "review by <@U0003> on Fri 2026-12-18 · passed" in say(bot, "quality")
    assert "passed 1" in say(bot, "status")


def test_a_failed_review_opens_an_issue_linked_to_the_deliverable(bot: RunningBot) -> None:
    view = reviewed(bot)
    first, second = criteria_fields(view)
    values = {first: "pass", second: "fail", "note": "Refunds endpoint undocumented"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue)).one()
    assert issue.title == "APL-1 failed review: Every endpoint documented"
    assert (issue.task_id, issue.owner_id, issue.origin) == (task(bot, 1).id, CAROL, "failed_review")
    post = bot.fake.wait_for("chat.postMessage", 2)[-1].args["text"]
    assert post.startswith("❌ <@U0003> recorded the review of *APL-1*: failed.") and "APL-I1" in post
    shown = say(bot, "quality").splitlines()
    assert "    ✅ Handles 100 requests a second · passed" in shown
    assert "    ❌ Every endpoint documented · failed" in shown
    assert "    🔎 review by <@U0003> on Fri 2026-12-18 · failed · _Refunds endpoint undocumented_" in shown
    assert "failed 1" in say(bot, "status")


def test_a_review_of_120_criteria_goes_over_pages_and_keeps_its_note(bot: RunningBot) -> None:
    view = reviewed_with(bot, extra=118)
    pages = []
    while True:
        fields = criteria_fields(view)
        pages.append(len(fields))
        assert len(view["blocks"]) <= 100
        last = any(b.get("block_id") == "note" for b in view["blocks"])
        values: dict[str, str | None] = {field: "pass" for field in fields}
        if last:
            values[fields[-1]] = "fail"
            values["note"] = "The last one misses its target"
        reply = submit(bot, view, values, user=CAROL)
        if last:
            assert field_errors(reply) == {}
            break
        answer = reply.json()
        assert answer["response_action"] == "update"
        assert answer["view"]["submit"]["text"] in ("Next", "Record result")
        view = answer["view"]
    assert pages == [45, 45, 30]
    with bot.database.system_session(write=False) as db:
        review = db.scalars(select(QualityReview)).one()
        results = db.scalars(select(QualityResult.passed)).all()
    assert (review.status.value, review.note) == ("failed", "The last one misses its target")
    assert sorted(results) == [False] + [True] * 119


def test_only_the_reviewer_records_and_only_once(bot: RunningBot) -> None:
    view = reviewed(bot)
    fields = criteria_fields(view)
    errors = field_errors(submit(bot, view, dict.fromkeys(fields, "pass"), user=BOB))
    assert "This review is <@U0003>'s to record" in next(iter(errors.values()))
    assert field_errors(submit(bot, view, dict.fromkeys(fields, "pass"), user=CAROL)) == {}
    again = field_errors(submit(bot, view, dict.fromkeys(fields, "fail"), user=CAROL))
    assert "already recorded: passed" in next(iter(again.values()))
    assert "No review of APL-1 is waiting" in say(bot, "quality result APL-1", user=CAROL)


def shaded_runs(picture: np.ndarray) -> list[int]:
    """The widths, in pixels, of the stretches of columns shaded as days off: columns where the
    shade fills a good height (not the legend's swatch); a gridline across a stretch does not
    split it, and slivers at the picture's edges narrower than any day are not stretches."""
    shade = np.all(np.abs(picture - hex_rgb(DAY_OFF)) < 0.01, axis=2)
    shaded = np.flatnonzero(np.count_nonzero(shade, axis=0) >= 30)
    if not len(shaded):
        return []
    breaks = np.flatnonzero(np.diff(shaded) > 4)
    firsts, lasts = shaded[np.r_[0, breaks + 1]], shaded[np.r_[breaks, len(shaded) - 1]]
    return [int(width) for width in lasts - firsts + 1 if width >= 8]


def test_gantt_of_a_sunday_to_thursday_project_shades_its_days_off_and_draws_float_and_baseline(
    bot: RunningBot,
) -> None:
    planned(bot)
    say(bot, "calendar week sun-thu")
    recent = local_today() - timedelta(days=7)
    sunday = recent - timedelta(days=(recent.weekday() + 1) % 7)

    def on(offset: int) -> str:
        return (sunday + timedelta(days=offset)).isoformat()

    say(bot, f"calendar holiday {on(18)} Site closed")  # a Thursday
    say(bot, f"task add Design start {on(0)} due {on(3)}")  # Sunday to Wednesday
    say(bot, f"task add Build start {on(7)} due {on(10)} after APL-1")
    say(bot, f"task add Docs start {on(7)} due {on(7)} after APL-1")  # float to the finish
    say(bot, f"task add Ship start {on(21)} due {on(22)} after APL-2")
    say(bot, f"task move APL-1 start {on(1)} due {on(4)}")  # its baseline stays at 0 to 3
    assert "Drawing the Gantt chart of APL" in say(bot, "gantt")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=20)[-1]
    picture = pixels(bot.fake.uploaded(complete.args["files"][0]["id"]).content)
    # From the baseline's first day to Ship's last: Fri-Sat 5-6 and 12-13, then the holiday on
    # Thursday 18 joined to Fri-Sat 19-20: three stretches, the last half as wide again.
    first, second, third = shaded_runs(picture)
    assert abs(first - second) <= 2 and abs(third / first - 1.5) < 0.15
    columns = range(0, picture.shape[1] * 3 // 5, 2)  # left of the legend
    assert any(runs(picture[:, x], hex_rgb(GHOST)) for x in columns)  # Design's promised days
    assert any(runs(picture[:, x], hex_rgb(FLOAT_TAIL)) for x in columns)  # Docs' float
