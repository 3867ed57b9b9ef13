"""`/pmo team` and `/pmo people`: roles, allocation, load and over-allocation flags."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.markup import unescape
from models import AuditEntry, Member, Project, Task
from models.core.enums import Role
from tests.support.charter import create
from tests.support.flows import local_today
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

DAN = "U0999"  # not in the workspace


def members(bot: RunningBot) -> dict[str, tuple[Role, int, bool]]:
    with bot.database.system_session(write=False) as db:
        rows = db.execute(
            select(Member.user_id, Member.role, Member.allocation_pct, Member.released_at)
        ).all()
    return {user: (role, pct, released is None) for user, role, pct, released in rows}


def test_team_shows_members_roles_and_responsibilities(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("team add <@U0003|carol> member 50% backend and API").json()
    assert "<@U0003> is on APL as member" in answer["text"]
    shown = str(bot.slack.command("team").json()["blocks"])
    assert "<@U0001> · manager" in shown and "<@U0002> · sponsor" in shown
    assert "<@U0003> · member — backend and API" in shown
    assert "50% from the start to the end" in shown
    assert members(bot)[CAROL] == (Role.MEMBER, 50, True)


def test_team_add_refuses_unknown_roles_and_people_outside_the_workspace(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("team add <@U0003|carol> wizard").json()["text"]
    assert "`wizard` is not a role: the roles are manager, member, sponsor, stakeholder" in answer
    assert "/pmo team add @user <role>" in unescape(answer)
    assert (
        "not an active person in this workspace"
        in bot.slack.command(f"team add <@{DAN}> member").json()["text"]
    )
    assert "from 1% to 100%" in bot.slack.command("team add <@U0003> member 150%").json()["text"]
    assert CAROL not in members(bot) and DAN not in members(bot)


def test_only_the_manager_or_an_administrator_changes_the_team(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("team add <@U0003> member", user=BOB).json()
    assert (
        "Only the project's manager (<@U0001>) or a PMO administrator can change the team" in answer["text"]
    )
    assert CAROL not in members(bot)
    bot.slack.command("team add <@U0003> stakeholder", user=ADMIN)
    assert members(bot)[CAROL][0] is Role.STAKEHOLDER


def test_team_remove_releases_and_is_audited(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    assert "released from APL" in bot.slack.command("team remove <@U0003>").json()["text"]
    assert members(bot)[CAROL][2] is False
    assert "<@U0003>" not in str(bot.slack.command("team").json()["blocks"])
    assert "manages this project" in bot.slack.command("team remove <@U0001>").json()["text"]
    with bot.database.system_session(write=False) as db:
        actions = list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["team.add", "team.remove"]


def test_alloc_sets_percent_dates_and_capacity(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    answer = bot.slack.command("team alloc <@U0003> 40% from 2026-12-01 to 2027-02-28 capacity 32").json()
    assert "allocation to APL is updated" in answer["text"]
    with bot.database.system_session(write=False) as db:
        carol = db.scalars(select(Member).where(Member.user_id == CAROL)).one()
    assert (carol.allocation_pct, carol.allocated_from, carol.allocated_to, carol.weekly_capacity_hours) == (
        40,
        date(2026, 12, 1),
        date(2027, 2, 28),
        32.0,
    )
    bad = bot.slack.command("team alloc <@U0003> 40% from 2027-03-01 to 2027-02-01").json()["text"]
    assert "ends before it starts" in bad
    assert "can't read `whenever`" in bot.slack.command("team alloc <@U0003> from whenever").json()["text"]


def test_over_allocation_across_projects_is_flagged_to_the_manager_once(bot: RunningBot) -> None:
    create(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus", "manager_id": BOB}, channel="C0002")
    bot.slack.command("team add <@U0003> member 60%")
    posts_before = len(bot.fake.calls_to("chat.postMessage"))
    answer = bot.slack.command("team add <@U0003> member 60%", channel="C0002", user=BOB).json()
    assert "allocated 120% across the workspace's projects" in answer["text"]
    dms = [
        call for call in bot.fake.calls_to("chat.postMessage")[posts_before:] if call.args["channel"] == BOB
    ]
    assert len(dms) == 1 and "<@U0003>" in dms[0].args["text"] and "120%" in dms[0].args["text"]
    assert "over 100%" in str(bot.slack.command("team", channel="C0002").json()["blocks"])
    bot.slack.command("team alloc <@U0003> 70%", channel="C0002", user=BOB)  # still over: no new DM
    assert (
        len([c for c in bot.fake.calls_to("chat.postMessage")[posts_before:] if c.args["channel"] == BOB])
        == 1
    )


def test_load_beyond_capacity_is_shown_and_flagged(bot: RunningBot) -> None:
    create(bot)
    with bot.database.system_session() as db:
        apollo = db.scalars(select(Project)).one()
        soon = local_today() + timedelta(days=7)
        for number in (1, 2):
            db.add(
                Task(
                    team_id=apollo.team_id,
                    project_id=apollo.id,
                    number=number,
                    title=f"T{number}",
                    owner_id=CAROL,
                    due_date=soon,
                    estimate_hours=40,
                    created_by=ALICE,
                )
            )
    answer = bot.slack.command("team add <@U0003> member 25% capacity 40").json()
    assert "80 h of work due in the next 4 weeks, more than the 40 h available" in answer["text"]
    assert "load 80 h" in str(bot.slack.command("team").json()["blocks"])
    assert any(call.args["channel"] == ALICE for call in bot.fake.calls_to("chat.postMessage"))


def test_people_lists_allocation_across_projects_for_administrators_only(bot: RunningBot) -> None:
    create(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    bot.slack.command("team add <@U0003> member 30%")
    answer = bot.slack.command("people", user=ADMIN).json()
    assert "<@U0001> · 200% · APL (manager, 100%), ZEUS (manager, 100%) ⚠️ over 100%" in answer["text"]
    assert "<@U0003> · 30% · APL (member, 30%)" in answer["text"]
    assert "Only PMO administrators" in bot.slack.command("people").json()["text"]


def test_team_add_takes_the_allocations_dates_and_echoes_them(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("team add <@U0003> member 50% backend from 2026-12-07 to 2027-01-29").json()
    assert unescape(answer["text"]).startswith("<@U0003> is on APL as member. 50% of their time, from ")
    with bot.database.system_session(write=False) as db:
        carol = db.scalars(select(Member).where(Member.user_id == CAROL)).one()
    assert (carol.allocation_pct, carol.responsibility) == (50, "backend")
    assert (carol.allocated_from, carol.allocated_to) == (date(2026, 12, 7), date(2027, 1, 29))


def test_team_add_refuses_an_end_before_the_start_a_bad_capacity_and_an_empty_keyword(
    bot: RunningBot,
) -> None:
    create(bot)
    answers = [
        bot.slack.command(f"team add <@U0003> member 50% {tail}").json()["text"]
        for tail in ("from 2027-02-01 to 2027-01-04", "capacity -10", "backend from")
    ]
    assert "The allocation ends before it starts." in answers[0]
    assert "not -10" in answers[1]
    assert "`from` needs a value after it" in answers[2]
    assert CAROL not in members(bot)


def test_a_second_team_add_is_refused_and_changes_nothing(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member 50% backend")
    again = unescape(bot.slack.command("team add <@U0003> member 10% capacity 8").json()["text"])
    assert again.startswith("<@U0003> is already on this project's team")
    assert "`/pmo team alloc" in again
    with bot.database.system_session(write=False) as db:
        carol = db.scalars(select(Member).where(Member.user_id == CAROL)).one()
    assert (carol.allocation_pct, carol.responsibility, carol.weekly_capacity_hours) == (50, "backend", 40.0)
    # Released, she can be added again, in another role if need be.
    bot.slack.command("team remove <@U0003>")
    assert "is on APL as stakeholder" in bot.slack.command("team add <@U0003> stakeholder").json()["text"]


def test_a_team_add_in_another_role_says_what_changed(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> stakeholder")
    answer = unescape(bot.slack.command("team add <@U0003> member 40%").json()["text"])
    assert answer.startswith("<@U0003> was stakeholder on APL and is now member. 40% of their time")
    with bot.database.system_session(write=False) as db:
        carol = db.scalars(select(Member).where(Member.user_id == CAROL, Member.released_at.is_(None))).one()
    assert (carol.role.value, carol.allocation_pct) == ("member", 40)
