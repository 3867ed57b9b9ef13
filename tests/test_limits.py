"""What the database cannot hold is refused beside its field (issue 17, point 8).

End to end over HTTP on SQLite and PostgreSQL: every bound of models.core.limits at its edge (kept)
and one past it (refused, naming the field's bound, nothing changed), in forms and commands;
control characters stripped; text checked against the column's own length; a date moved past
9999-12-31 refused; and a lost unique-constraint race answered as the sequential check is.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.blocks import MESSAGE_BLOCKS_MAX, MESSAGE_TEXT_MAX
from models import BudgetLine, ChangeRequest, CostEntry, Lesson, Member, Project, Risk, Task
from models.budget.earned_value import forecast_finish
from models.calendar.working_days import WorkCalendar
from models.charter.charters import Charter, create_project
from models.core.access import Actor
from models.core.enums import ChangeStatus, Phase
from models.core.errors import InvalidError
from models.core.limits import (
    COUNT,
    DAYS,
    HOURS,
    LAST_DAY,
    MONEY,
    PERCENT_MAX,
    clamped_shift,
    column_limit,
    shifted,
)
from tests.support.changes import change as change_of
from tests.support.changes import decide, plan, requested
from tests.support.charter import CHARTER, create, project
from tests.support.flows import CHANNEL, count_rows, field_errors, open_modal, say, submit
from tests.support.served import RunningBot
from tests.support.slackdriver import Reply
from tests.support.workspace import ALICE, BOB, TEAM

CAROL_MENTION = "<@U0003|carol>"
TITLE_LIMIT = column_limit(Task.title)


def rows(bot: RunningBot, model: type, column: object) -> list[object]:
    with bot.database.system_session(write=False) as db:
        return list(db.scalars(select(column).order_by(model.id)))  # type: ignore[attr-defined]


# -- money: at most 1,000,000,000,000 either way


def test_a_charter_budget_at_the_bound_is_kept_and_one_cent_more_is_refused_beside_it(
    bot: RunningBot,
) -> None:
    view = open_modal(bot, "new")
    errors = field_errors(submit(bot, view, {**CHARTER, "budget": "1,000,000,000,000.01"}))
    assert errors == {
        "budget": "`1,000,000,000,000.01` is too large: an amount can be at most "
        "1,000,000,000,000, either way. Nothing was changed."
    }
    assert count_rows(bot.database, Project) == 0
    assert field_errors(submit(bot, view, {**CHARTER, "budget": "1,000,000,000,000"})) == {}
    assert project(bot).budget == Decimal("1000000000000.00")


def test_budget_and_cost_commands_keep_the_bound_and_refuse_past_it(bot: RunningBot) -> None:
    create(bot)
    refused = say(bot, "budget set people 1000000000001")
    assert "`1000000000001` is too large: an amount can be at most 1,000,000,000,000" in refused
    assert count_rows(bot.database, BudgetLine) == 0
    assert "people" in say(bot, "budget set people 1000000000000")
    assert rows(bot, BudgetLine, BudgetLine.amount) == [Decimal("1000000000000.00")]
    assert "at most 1,000,000,000,000" in say(bot, "cost 1000000000001 people laptops")
    assert count_rows(bot.database, CostEntry) == 0
    assert "1,000,000,000,000.00" in say(bot, "cost 1000000000000 people laptops")
    assert rows(bot, CostEntry, CostEntry.amount) == [Decimal("1000000000000.00")]


# -- hours: at most 100,000


def test_an_estimate_at_the_bound_is_kept_and_one_more_hour_is_refused(bot: RunningBot) -> None:
    create(bot)
    assert "`100001` hours is too many: at most 100,000 hours" in say(bot, "task add Build est 100001")
    assert count_rows(bot.database, Task) == 0
    assert "APL-1" in say(bot, "task add Build est 100000")
    view = open_modal(bot, "task")
    errors = field_errors(submit(bot, view, {"title": "Test", "estimate_hours": "100000.5"}))
    assert errors == {
        "estimate_hours": "`100000.5` hours is too many: at most 100,000 hours. Nothing was changed."
    }
    assert field_errors(submit(bot, view, {"title": "Test", "estimate_hours": "100000"})) == {}
    assert rows(bot, Task, Task.estimate_hours) == [100_000, 100_000]


# -- day counts: at most 3,650; dates up to 9999-12-31


def change(bot: RunningBot, values: dict[str, str | None]) -> dict[str, str]:
    view = open_modal(bot, "change")
    return field_errors(submit(bot, view, {"title": "Add refunds", **values}))


def test_a_schedule_impact_at_the_bound_is_kept_and_a_day_more_or_a_million_is_refused(
    bot: RunningBot,
) -> None:
    create(bot)
    for days in ("3651", "1000000"):
        errors = change(bot, {"schedule_days": days})
        assert errors == {
            "schedule_days": f"`{days}` days is too many: at most 3,650 days (ten years). "
            "Nothing was changed."
        }
    assert change(bot, {"cost_impact": "-1000000000001"})["cost_impact"].startswith(
        "`-1000000000001` is too large"
    )
    assert count_rows(bot.database, ChangeRequest) == 0
    assert change(bot, {"schedule_days": "3650", "cost_impact": "-1000000000000"}) == {}
    assert rows(bot, ChangeRequest, ChangeRequest.schedule_days) == [3650]


def test_charter_thresholds_keep_the_day_and_money_bounds_beside_their_fields(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    past = {"change_threshold_days": "3651", "change_threshold_amount": "1000000000001"}
    errors = field_errors(submit(bot, view, {**CHARTER, **past}))
    assert set(errors) == {"change_threshold_days", "change_threshold_amount"}
    assert "at most 3,650 days" in errors["change_threshold_days"]
    assert "at most 1,000,000,000,000" in errors["change_threshold_amount"]
    assert count_rows(bot.database, Project) == 0
    edge = {"change_threshold_days": "3650", "change_threshold_amount": "1000000000000"}
    assert field_errors(submit(bot, view, {**CHARTER, **edge})) == {}
    assert (project(bot).change_threshold_days, project(bot).change_threshold_amount) == (
        3650,
        Decimal("1000000000000.00"),
    )


def test_a_schedule_impact_that_would_pass_the_last_date_is_refused_not_a_crash(bot: RunningBot) -> None:
    """Typed dates stay within ten years; an end date moved by approved changes may not."""
    create(bot)
    with bot.database.system_session() as db:
        db.execute(update(Project).values(target_end_date=date(9999, 12, 25)))
    errors = change(bot, {"schedule_days": "7"})
    assert errors == {
        "schedule_days": "Moving 9999-12-25 by 7 days goes past 9999-12-31, the last date I can keep. "
        "Nothing was changed."
    }
    assert count_rows(bot.database, ChangeRequest) == 0
    assert change(bot, {"schedule_days": "6"}) == {}
    assert rows(bot, ChangeRequest, ChangeRequest.schedule_days) == [6]


def test_an_approval_that_would_move_the_end_date_past_the_last_date_is_refused(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "10"})
    with bot.database.system_session() as db:
        db.execute(update(Project).values(target_end_date=date(9999, 12, 25)))
    errors = field_errors(decide(bot, "change_approve", ALICE))
    assert errors == {
        "note": "Moving 9999-12-25 by 10 days goes past 9999-12-31, the last date I can keep. "
        "Nothing was changed."
    }
    assert change_of(bot).status is ChangeStatus.PENDING
    assert plan(bot)[0] == date(9999, 12, 25) and plan(bot)[2] == date(2027, 1, 15)


def test_computed_dates_are_refused_or_clamped_at_the_last_day() -> None:
    with pytest.raises(InvalidError) as refused:
        shifted(date(9999, 12, 31), 1, field="schedule_days")
    assert (refused.value.key, refused.value.field) == ("limits.date", "schedule_days")
    assert shifted(date(9999, 12, 30), 1) == date(9999, 12, 31)
    assert clamped_shift(date(2026, 12, 1), float("inf")) == date(9999, 12, 31)
    assert forecast_finish(date(2026, 1, 1), date(2026, 12, 31), 1e-300, WorkCalendar()) == date(9999, 12, 31)


# -- typed text


def test_nul_and_control_characters_are_removed_from_typed_text(bot: RunningBot) -> None:
    create(bot)
    assert "APL-1" in say(bot, "task add Build\x00 the\x07 API\x1b")
    view = open_modal(bot, "risk")
    assert (
        field_errors(
            submit(bot, view, {"title": "Vendor\x00 late\r\nagain", "probability": "3", "impact": "3"})
        )
        == {}
    )
    assert rows(bot, Task, Task.title) == ["Build the API"]
    assert rows(bot, Risk, Risk.title) == ["Vendor late\nagain"]


def test_an_over_long_title_is_refused_with_the_columns_own_limit(bot: RunningBot) -> None:
    create(bot)
    assert TITLE_LIMIT == 300
    refused = say(bot, "task add " + "x" * (TITLE_LIMIT + 1))
    assert f"at most {TITLE_LIMIT} characters" in refused
    errors = change(bot, {"title": "y" * (TITLE_LIMIT + 1)})
    assert f"at most {TITLE_LIMIT} characters" in errors["title"]
    assert count_rows(bot.database, Task) == count_rows(bot.database, ChangeRequest) == 0
    assert "APL-1" in say(bot, "task add " + "x" * TITLE_LIMIT)
    assert rows(bot, Task, Task.title) == ["x" * TITLE_LIMIT]


def test_a_column_no_rule_checks_is_still_checked_against_its_length(bot: RunningBot) -> None:
    """Only the flush guard knows a risk's category holds 100 characters: beside its field still."""
    create(bot)
    limit = column_limit(Risk.category)
    view = open_modal(bot, "risk")
    values = {"title": "Vendor late", "probability": "3", "impact": "3", "category": "c" * (limit + 1)}
    errors = field_errors(submit(bot, view, values))
    assert errors == {
        "category": f"That is {limit + 1} characters; this field holds at most {limit}. Nothing was changed."
    }
    assert count_rows(bot.database, Risk) == 0
    assert field_errors(submit(bot, view, {**values, "category": "c" * limit})) == {}


# -- a unique-constraint race answered as the sequential check is


def submit_while_a_rival_saves(bot: RunningBot, rival_channel: str, rival_key: str) -> Reply:
    """Submit the charter form while another `/pmo new` holds its uncommitted project.

    The form was opened while the channel and key were free; the rival's row is written but not
    committed when the app checks, so only the unique constraint can stop the second save.
    """
    view = open_modal(bot, "new")
    replies: list[Reply] = []
    with bot.database.session(TEAM) as db:
        rival = Charter(name="Rival", key=rival_key, manager_id=BOB, timezone="UTC")
        create_project(db=db, actor=Actor(BOB), channel_id=rival_channel, charter=rival)
        db.flush()
        worker = threading.Thread(target=lambda: replies.append(submit(bot, view, CHARTER)))
        worker.start()
        worker.join(timeout=1.5)  # the save waits on the rival (a lock, or the unique index)
    worker.join(timeout=30)
    [reply] = replies
    return reply


def test_a_lost_race_for_the_channel_gets_the_sequential_answer(bot: RunningBot) -> None:
    reply = submit_while_a_rival_saves(bot, CHANNEL, "RIV")
    assert field_errors(reply) == {
        "name": "This channel already has the project RIV (Rival). Start a new project in its own channel."
    }
    assert rows(bot, Project, Project.key) == ["RIV"]


def test_a_lost_race_for_the_key_gets_the_sequential_answer(bot: RunningBot) -> None:
    reply = submit_while_a_rival_saves(bot, "C0002", CHARTER["key"])
    assert field_errors(reply) == {"key": "The key APL is taken by the project Rival: choose another."}
    assert rows(bot, Project, Project.name) == ["Rival"]
    assert count_rows(bot.database, Member) == 1  # the rival's manager; nothing of the loser's


# -- percent: 0 to 100, checked where each is set


def test_an_allocation_of_100_percent_is_kept_and_101_is_refused(bot: RunningBot) -> None:
    create(bot)
    assert "from 1% to 100%" in say(bot, "team add <@U0003> member 101%")
    assert "U0003" not in rows(bot, Member, Member.user_id)
    say(bot, "team add <@U0003> member 100%")
    with bot.database.system_session(write=False) as db:
        carol = db.scalars(select(Member).where(Member.user_id == "U0003")).one()
    assert carol.allocation_pct == PERCENT_MAX


def test_readme_lists_the_bounds_the_code_enforces() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme[readme.index("### Limits") :]
    for bound in (MONEY, HOURS, DAYS, COUNT):
        assert f"| {bound.high:,}" in table, bound.key
    assert f"| {PERCENT_MAX}% |" in table and f"| {LAST_DAY.isoformat()}" in table


def test_a_message_text_past_slacks_40000_characters_is_cut_and_its_blocks_stay_whole(
    bot: RunningBot,
) -> None:
    """`/pmo lessons` of a big team reached 180,000 characters, which Slack refuses (msg_too_long)."""
    create(bot)
    with bot.database.system_session() as db:
        project = db.scalars(select(Project)).one()
        project.phase, project.closed_at = Phase.CLOSED, datetime(2026, 12, 4, tzinfo=UTC)
        db.add_all(
            Lesson(
                team_id=project.team_id,
                project_id=project.id,
                user_id=f"U9{number:04d}",
                went_well="Early demos to the sponsor, every second week. " * 60,
                went_badly="Vendor answers took days. " * 100,
                next_time="Agree response times in the contract. " * 70,
                rating=4,
            )
            for number in range(60)
        )
    reply = bot.slack.command("lessons").json()
    assert len(reply["text"]) == MESSAGE_TEXT_MAX and reply["text"].endswith("…")
    assert "Vendor answers took days." in reply["text"]
    assert 0 < len(reply["blocks"]) <= MESSAGE_BLOCKS_MAX
