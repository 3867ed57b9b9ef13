"""The communication plan every new project starts with.

This plan is the one source of the bot's scheduled sends: a line switched off here is a send
the bot does not make.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.comms import CommPlanLine
from models.enums import Channel, CommKind
from models.project import Project

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = "mon,tue,wed,thu,fri"


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
