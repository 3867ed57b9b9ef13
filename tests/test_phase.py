"""`/pmo phase`: gates list what is missing; managers move; administrators override with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import AuditEntry, Milestone, Project, Task
from models.core.enums import Phase
from tests.support.charter import CHARTER, create, project
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL, WEI


def test_phase_without_arguments_shows_what_the_gate_needs(bot: RunningBot) -> None:
    create(bot, {"sponsor_id": None, "goal": None})
    text = bot.slack.command("phase").json()["text"]
    assert "APL is in initiation" in text
    assert "a goal in the charter" in text and "a sponsor in the charter" in text
    assert "at least one identified risk" in text


def test_leaving_initiation_lists_what_is_missing_instead_of_moving(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("phase planning").json()
    assert "can't move to planning yet" in answer["text"]
    assert "at least one identified risk" in str(answer["blocks"])
    assert "a goal in the charter" not in str(answer["blocks"])
    assert project(bot).phase is Phase.INITIATION


def test_a_complete_charter_with_a_risk_moves_to_planning_and_is_audited(bot: RunningBot) -> None:
    create(bot, {"risk1_title": "Vendor late"})
    answer = bot.slack.command("phase planning").json()
    assert answer["response_type"] == "in_channel"
    assert "moved APL to planning" in answer["text"]
    assert project(bot).phase is Phase.PLANNING
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "phase.move")).one()
    assert (entry.before, entry.after, entry.actor_id) == (
        {"phase": "initiation"},
        {"phase": "planning"},
        ALICE,
    )


def test_only_the_next_phase_can_be_entered(bot: RunningBot) -> None:
    create(bot, {"risk1_title": "Vendor late"})
    answer = bot.slack.command("phase execution").json()
    assert "the next is planning" in answer["text"]
    assert "is not a phase" in bot.slack.command("phase done").json()["text"]
    assert project(bot).phase is Phase.INITIATION


def test_people_not_managing_are_told_who_can_move_the_phase(bot: RunningBot) -> None:
    create(bot, {"risk1_title": "Vendor late"})
    for user in (BOB, CAROL):  # the sponsor is not the manager either
        answer = bot.slack.command("phase planning", user=user).json()
        assert "Only the project's manager (<@U0001>) or a PMO administrator" in answer["text"]
    assert project(bot).phase is Phase.INITIATION


def test_an_administrator_overrides_a_gate_with_a_reason_that_is_recorded(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("phase planning override risks are reviewed next week", user=ADMIN).json()
    assert "overriding its gate: risks are reviewed next week" in answer["text"]
    assert project(bot).phase is Phase.PLANNING
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "phase.override")).one()
    assert entry.reason == "risks are reviewed next week" and entry.actor_id == ADMIN


def test_a_manager_cannot_override_a_gate(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("phase planning override because I say so").json()
    assert "Only a PMO administrator can override a gate" in answer["text"]
    assert "needs a reason" in bot.slack.command("phase planning override", user=ADMIN).json()["text"]
    assert project(bot).phase is Phase.INITIATION


def seed_plan(bot: RunningBot, *, owner: str | None, due: date | None, milestone: bool, budget: bool) -> None:
    with bot.database.system_session() as db:
        created = db.scalars(select(Project)).one()
        created.phase = Phase.PLANNING
        created.budget = Decimal(1000) if budget else None
        db.add(
            Task(
                team_id=created.team_id,
                project_id=created.id,
                number=1,
                title="Design",
                owner_id=owner,
                due_date=due,
                created_by=ALICE,
            )
        )
        if milestone:
            db.add(
                Milestone(
                    team_id=created.team_id,
                    project_id=created.id,
                    number=1,
                    name="Go-live",
                    due_date=date(2027, 3, 1),
                    created_by=ALICE,
                )
            )


def test_leaving_planning_needs_owned_dated_tasks_a_milestone_and_a_budget(bot: RunningBot) -> None:
    create(bot, {"budget": None})
    seed_plan(bot, owner=None, due=None, milestone=False, budget=False)
    blocks = str(bot.slack.command("phase execution").json()["blocks"])
    for gap in (
        "an owner for each task (1 without one)",
        "a due date for each task (1 without one)",
        "at least one milestone",
        "a budget",
    ):
        assert gap in blocks
    assert project(bot).phase is Phase.PLANNING


def test_a_complete_plan_moves_to_execution(bot: RunningBot) -> None:
    create(bot)
    seed_plan(bot, owner=BOB, due=date(2027, 1, 15), milestone=True, budget=True)
    assert "moved APL to execution" in bot.slack.command("phase execution").json()["text"]
    assert project(bot).phase is Phase.EXECUTION


def test_a_closed_project_refuses_changes(bot: RunningBot) -> None:
    create(bot)
    with bot.database.system_session() as db:
        db.scalars(select(Project)).one().phase = Phase.CLOSED
    answer = bot.slack.command("charter edit APL").json()
    assert "APL is closed and read-only" in answer["text"]
    assert CHARTER["goal"] == project(bot).goal


def test_phases_and_roles_are_named_in_chinese_too_and_refusals_list_the_readers_words(
    bot: RunningBot,
) -> None:
    create(bot, {"risk1_title": "Vendor late"})
    # Roles are read in Chinese too.
    assert "<@U0005> is on APL as member" in bot.slack.command("team add <@U0005> 成员").json()["text"]
    refused = bot.slack.command("phase 完成", user=WEI).json()["text"]
    assert "没有 `完成` 这个阶段：可选 启动、规划、执行、收尾、已关闭。" in refused, refused
    assert "initiation" not in refused
    answer = bot.slack.command("phase 规划").json()
    assert "moved APL to planning" in answer["text"]
    assert project(bot).phase is Phase.PLANNING
