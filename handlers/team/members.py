"""`/pmo team [add|remove|alloc]` and `/pmo people`: who works on what, and how loaded they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.blocks import MESSAGE_BLOCKS_MAX, context, fit, header, sections
from bot.formats import fmt_date, fmt_hours, fmt_list
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.projects.home import refresh_homes
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import (
    DateContext,
    read_date,
    read_number,
    read_person,
    read_term,
    read_user,
    read_whole,
    split_keywords,
)
from models.core.enums import Role
from models.core.errors import Termed
from models.projects.tables import Member, Project
from models.team.members import (
    Allocation,
    Load,
    add_member,
    allocate,
    load_of,
    overload_flags,
    people_allocations,
    remove_member,
    team_loads,
)

ALLOC_KEYWORDS = ("from", "to", "capacity")


def parse_role(text: str) -> Role:
    role = read_term(text, Role, "role")
    if role is None:
        raise UsageError("team.unknown_role", given=text, roles=Termed("role", list(Role)))
    return role


def allocation_parts(words: list[str], *, first: str) -> dict[str, str]:
    """`words` split at from/to/capacity; a keyword with nothing after it is refused, not dropped."""
    parts = split_keywords(words, ALLOC_KEYWORDS, first=first)
    empty = [word.lower() for word in words if word.lower() in ALLOC_KEYWORDS and word.lower() not in parts]
    if empty:
        raise UsageError("team.keyword_needs_value", keyword=empty[0])
    return parts


def read_allocation(parts: dict[str, str], percent: str | None, dates: DateContext) -> Allocation:
    if percent is not None and not percent.endswith("%"):
        raise UsageError("team.bad_percent", given=percent)
    return Allocation(
        percent=read_whole(percent) if percent else None,
        allocated_from=read_date(parts["from"], dates) if "from" in parts else None,
        allocated_to=read_date(parts["to"], dates) if "to" in parts else None,
        weekly_capacity_hours=read_number(parts["capacity"]) if "capacity" in parts else None,
    )


def parse_allocation(words: list[str], dates: DateContext) -> Allocation:
    parts = allocation_parts(words, first="percent")
    return read_allocation(parts, parts.get("percent"), dates)


@dataclass(frozen=True)
class AddArgs:
    user_id: str
    role: Role
    allocation: Allocation
    responsibility: str | None


def parse_add(ctx: Ctx, words: list[str]) -> AddArgs:
    """`@user <role> [NN%] [responsibility…] [from <when>] [to <when>] [capacity <hours>]`."""
    if len(words) < 2:
        raise UsageError("team.add_needs_user_and_role")
    user_id, role = read_person(ctx, words[0]), parse_role(words[1])
    parts = allocation_parts(words[2:], first="rest")
    rest = parts.pop("rest", "").split()
    percent = rest.pop(0) if rest and rest[0].endswith("%") else None
    allocation = read_allocation(parts, percent, DateContext.of(ctx))
    return AddArgs(user_id, role, allocation, " ".join(rest) or None)


def added_text(member: Member, project: Project, was: Role | None, t: Translator) -> str:
    """The acknowledgement, echoing the role it replaced and the share of their time."""
    role = t(f"role.{member.role.value}")
    if was is None:
        text = t("team.added", user=member.user_id, role=role, key=project.key)
    else:
        was_role = t(f"role.{was.value}")
        text = t("team.role_changed", user=member.user_id, was=was_role, role=role, key=project.key)
    if member.role not in (Role.MANAGER, Role.MEMBER):
        return text
    return (
        text
        + " "
        + t(
            "team.added_share",
            percent=member.allocation_pct,
            start=fmt_date(member.allocated_from, t) if member.allocated_from else t("team.open_start"),
            end=fmt_date(member.allocated_to, t) if member.allocated_to else t("team.open_end"),
        )
    )


def load_line(load: Load, t: Translator) -> str:
    member = load.member
    line = t(
        "team.line",
        user=member.user_id,
        role=t(f"role.{member.role.value}"),
        responsibility=f" — {member.responsibility}" if member.responsibility else "",
    )
    if member.role not in (Role.MANAGER, Role.MEMBER):
        return line
    line += "\n" + t(
        "team.load",
        percent=member.allocation_pct,
        start=fmt_date(member.allocated_from, t) if member.allocated_from else t("team.open_start"),
        end=fmt_date(member.allocated_to, t) if member.allocated_to else t("team.open_end"),
        hours=fmt_hours(load.hours_due),
        capacity=fmt_hours(load.capacity_hours),
    )
    return "\n".join([line, *flag_lines(load, overload_flags(load), t)])


def team_reply(project: Project, loads: list[Load], t: Translator) -> Reply:
    title = t("team.title", key=project.key, name=project.name)
    lines = [load_line(load, t) for load in loads] or [t("team.empty")]
    blocks = fit(
        [header(title), *sections(lines), context(t("team.footer"))],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(t("team.too_many", count=len(loads))),
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def flag_lines(load: Load | None, flags: frozenset[str], t: Translator) -> list[str]:
    if load is None:
        return []
    return [
        t(
            f"team.flag.{flag}",
            total=load.workspace_allocation,
            hours=fmt_hours(load.hours_due),
            capacity=fmt_hours(load.capacity_hours),
        )
        for flag in sorted(flags)
    ]


def flag_to_manager(ctx: Ctx, project: Project, before: frozenset[str], load: Load | None) -> None:
    """Tell the manager when someone becomes over-allocated or overloaded, once, as it happens."""
    new = overload_flags(load) - before
    if not new or load is None or not project.manager_id:
        return
    t = ctx.t_for(project.manager_id)
    flags = "\n".join(flag_lines(load, new, t))
    text = t("team.flag_dm", user=load.member.user_id, key=project.key, flags=flags)
    ctx.notify(Notice.new("team_flag", project.key, channel=project.manager_id, text=text))


Change = Callable[[Session, Project], str]


def watching_load(invocation: Invocation, user_id: str, change: Change) -> Reply:
    """Make a team change and report (and flag to the manager) any overload it causes."""
    ctx = invocation.ctx
    today = DateContext.of(ctx).today()
    with ctx.db() as db:
        project = ctx.channel_project(db)
        before = overload_flags(load_of(db, project, user_id, today))
        text = change(db, project)
        db.flush()
        load = load_of(db, project, user_id, today)
    flag_to_manager(ctx, project, before, load)
    return Reply("\n".join([text, *flag_lines(load, overload_flags(load), ctx.t)]))


def team_add(invocation: Invocation, args: list[str]) -> Reply:
    ctx = invocation.ctx
    parsed = parse_add(ctx, args)

    def change(db: Session, project: Project) -> str:
        added = add_member(
            db=db,
            actor=ctx.actor,
            project=project,
            user_id=parsed.user_id,
            role=parsed.role,
            responsibility=parsed.responsibility,
            allocation=parsed.allocation,
        )
        return added_text(added.member, project, added.was, ctx.t)

    reply = watching_load(invocation, parsed.user_id, change)
    refresh_homes(ctx, [parsed.user_id])
    return reply


def team_alloc(invocation: Invocation, args: list[str]) -> Reply:
    ctx = invocation.ctx
    if not args:
        raise UsageError("team.alloc_needs_user")
    user_id = read_person(ctx, args[0])
    allocation = parse_allocation(args[1:], DateContext.of(ctx))

    def change(db: Session, project: Project) -> str:
        allocate(db=db, actor=ctx.actor, project=project, user_id=user_id, allocation=allocation)
        return ctx.t("team.allocated", user=user_id, key=project.key)

    return watching_load(invocation, user_id, change)


def team_remove(invocation: Invocation, args: list[str]) -> Reply:
    ctx = invocation.ctx
    if len(args) != 1:
        raise UsageError("team.remove_needs_user")
    user_id = read_user(args[0])
    with ctx.db() as db:
        project = ctx.channel_project(db)
        remove_member(db=db, actor=ctx.actor, project=project, user_id=user_id)
        text = ctx.t("team.removed", user=user_id, key=project.key)
    refresh_homes(ctx, [user_id])
    return Reply(text)


TEAM_CHANGES = {"add": team_add, "alloc": team_alloc, "remove": team_remove}


def people_reply(ctx: Ctx, today: date) -> Reply:
    with ctx.db(write=False) as db:
        people = people_allocations(db=db, actor=ctx.actor, today=today)
    title = ctx.t("people.title")
    if not people:
        return Reply(ctx.t("people.empty"))
    lines = []
    for entry in people:
        projects = fmt_list(
            (
                ctx.t("people.project", key=key, role=ctx.t(f"role.{role.value}"), percent=pct)
                for key, role, pct in entry.projects
            ),
            ctx.t,
        )
        warn = " " + ctx.t("people.over") if entry.total > 100 else ""
        lines.append(ctx.t("people.line", user=entry.user_id, total=entry.total, projects=projects) + warn)
    blocks = fit(
        [header(title), *sections(lines)],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(ctx.t("people.too_many", count=len(lines))),
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "team",
        usage="team [add @user <role> [NN%] [responsibility] [from <when>] [to <when>] | remove @user | "
        "alloc @user NN% [from <when>] [to <when>] [capacity <hours>]]",
        example="team add @bob member 50% backend and API",
        shareable=True,
    )
    def team_verb(invocation: Invocation) -> Reply:
        words = invocation.words
        if words and words[0].lower() in TEAM_CHANGES:
            return TEAM_CHANGES[words[0].lower()](invocation, words[1:])
        if words:
            raise UsageError("team.bad_args", given=words[0])
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
            return team_reply(project, team_loads(db, project, DateContext.of(ctx).today()), ctx.t)

    @router.verb("people", usage="people", example="people", takes_args=False, reads=Reads.NOTHING)
    def people_verb(invocation: Invocation) -> Reply:
        return people_reply(invocation.ctx, DateContext.of(invocation.ctx).today())
