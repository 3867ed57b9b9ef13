"""The communication plan every new project starts with.

This plan is the one source of the bot's scheduled sends: a line switched off here is a send
the bot does not make.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.comms.tables import CommPlanLine
from models.core.access import Action, Actor, require, require_open
from models.core.audit import changed, record
from models.core.enums import Channel, CommKind, Role
from models.core.errors import DomainError, InvalidError, Listed, NotFoundError, check_all
from models.core.grouped import ProjectIds, per_project
from models.core.id_lists import among
from models.projects.tables import Member, Project

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = "mon,tue,wed,thu,fri"
TIME_ZONE_OWNERS = ("member", "project")
LOCAL_TIME = re.compile(r"^(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)$")
AUDIENCE_MAX = 300
# Each owner's reminder lists their own overdue work with their own buttons: it cannot be a
# channel post.
DM_ONLY = frozenset({CommKind.REMINDERS})


@dataclass(frozen=True)
class DefaultLine:
    kind: CommKind
    audience: str
    channel: Channel
    days: str
    local_time: str
    time_zone_of: str
    enabled: bool = True


# What a PMO would set up on day one: standups at each member's morning, overdue reminders
# before work starts, the team digest on Monday, a Friday stakeholder report and a weekly
# status meeting (held by people; the bot posts its agenda).
DEFAULT_PLAN = (
    DefaultLine(CommKind.STANDUP, "team", Channel.DM, WORKDAYS, "09:30", "member"),
    DefaultLine(CommKind.REMINDERS, "owners", Channel.DM, WORKDAYS, "09:00", "member"),
    DefaultLine(CommKind.DIGEST, "channel", Channel.CHANNEL, "mon", "09:00", "project"),
    DefaultLine(CommKind.STAKEHOLDER_REPORT, "sponsor, stakeholders", Channel.DM, "fri", "16:00", "project"),
    DefaultLine(CommKind.STATUS_MEETING, "team", Channel.CHANNEL, "wed", "10:00", "project"),
)


def add_default_plan(db: Session, project: Project) -> None:
    for line in DEFAULT_PLAN:
        db.add(
            CommPlanLine(
                project_id=project.id,
                team_id=project.team_id,
                kind=line.kind,
                audience=line.audience,
                channel=line.channel,
                days=line.days,
                local_time=line.local_time,
                time_zone_of=line.time_zone_of,
                enabled=line.enabled,
            )
        )


def plan_lines(db: Session, project: Project) -> list[CommPlanLine]:
    order = list(CommKind)
    lines = db.scalars(select(CommPlanLine).where(CommPlanLine.project_id == project.id)).all()
    return sorted(lines, key=lambda line: order.index(line.kind))


def enabled_lines(db: Session, kind: CommKind) -> list[CommPlanLine]:
    """Every project's line for `kind` that is switched on, for a pass over all of them."""
    return list(
        db.scalars(select(CommPlanLine).where(CommPlanLine.kind == kind, CommPlanLine.enabled.is_(True)))
    )


def enabled_lines_of(
    db: Session, project_ids: ProjectIds, kinds: Collection[CommKind]
) -> dict[int, list[CommPlanLine]]:
    """Each project's switched-on lines of any of `kinds`, in the plan's order: what one pass
    sends for them (a line switched off sends nothing)."""
    query = select(CommPlanLine).where(
        among(CommPlanLine.project_id, project_ids),
        CommPlanLine.kind.in_(list(kinds)),
        CommPlanLine.enabled.is_(True),
    )
    return per_project(db.scalars(query.order_by(CommPlanLine.id)))


class CommLineForm(BaseModel):
    """One line of the plan as a manager edits it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    audience: str
    channel: Channel
    days: list[str]
    local_time: str
    time_zone_of: str
    enabled: bool
    notes: str | None = None


def find_line(db: Session, project: Project, kind: str) -> CommPlanLine:
    line = next((line for line in plan_lines(db, project) if line.kind.value == kind.lower()), None)
    if line is None:
        raise NotFoundError("comms.unknown_line", given=kind, known=Listed(k.value for k in CommKind))
    return line


def normal_time(text: str) -> str | None:
    """ "9:30" → "09:30"; None when it is not a time of day on a 24-hour clock."""
    match = LOCAL_TIME.match(text.strip())
    return f"{int(match['hour']):02d}:{match['minute']}" if match else None


def line_problems(kind: CommKind, form: CommLineForm) -> list[DomainError | None]:
    unknown_days = [day for day in form.days if day not in WEEKDAYS]
    return [
        None
        if form.audience and len(form.audience) <= AUDIENCE_MAX
        else InvalidError("comms.bad_audience", field="audience", limit=AUDIENCE_MAX),
        None
        if form.days and not unknown_days
        else InvalidError("comms.bad_days", field="days", given=Listed(unknown_days)),
        None
        if normal_time(form.local_time)
        else InvalidError("comms.bad_time", field="local_time", given=form.local_time),
        None
        if form.time_zone_of in TIME_ZONE_OWNERS
        else InvalidError("comms.bad_time_zone_of", field="time_zone_of", given=form.time_zone_of),
        InvalidError("comms.dm_only", field="channel")
        if kind in DM_ONLY and form.channel is Channel.CHANNEL
        else None,
    ]


def edit_line(
    *, db: Session, actor: Actor, project: Project, line: CommPlanLine, form: CommLineForm
) -> dict[str, object]:
    """Change one line of the plan; returns the changed fields' new values, audited."""
    require(db, project, actor, Action.EDIT_COMMS)
    require_open(project)
    check_all(*line_problems(line.kind, form))
    wanted = form.model_dump() | {
        # Stored in week order whatever order they were ticked in, so the plan reads Mon→Sun.
        "days": ",".join(day for day in WEEKDAYS if day in form.days),
        "local_time": normal_time(form.local_time),
    }
    before, after = changed({name: getattr(line, name) for name in wanted}, wanted)
    for name in after:
        setattr(line, name, wanted[name])
    if after:
        record(
            db,
            project_id=project.id,
            actor_id=actor.user_id,
            action="comms.edit",
            subject=line.kind.value,
            before=before,
            after=after,
        )
    return after


def audience_people(
    project: Project, members: Sequence[Member], words: Iterable[tuple[str, str | None]]
) -> list[str]:
    """Who a line's audience names: "team", "manager", "sponsor", "stakeholders", or people.

    `members` are the project's active members (models.team.members.active_members_of);
    `words` are the audience as typed, each with the user id it names when it is a mention
    (read by the Slack plumbing: handlers.slack.forms.read_words). Words it does not know
    (say "channel", or a note) name nobody, so the line reads as written.
    """

    def with_role(*roles: Role) -> list[str | None]:
        return [member.user_id for member in members if member.role in roles]

    groups: dict[str, list[str | None]] = {
        "team": [project.manager_id, *with_role(Role.MANAGER, Role.MEMBER)],
        "manager": [project.manager_id],
        "sponsor": [project.sponsor_id],
        "stakeholder": with_role(Role.STAKEHOLDER),
    }
    people: list[str | None] = []
    for word, user_id in words:
        people += [user_id] if user_id else groups.get(word.lower().removesuffix("s"), [])
    return list(dict.fromkeys(person for person in people if person))
