"""The daily snapshots: which projects still need today's, their rows, and keeping them once.

The figures are the status's own (models.status.snapshot), read as `/pmo status` reads them on
that day, so a trend line and the status answer of the same day always agree. A day's row is
claimed once and never rewritten: history is what the figures were, not what they would be now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from models.core.claims import claim_rows
from models.core.id_lists import among
from models.projects.tables import Project
from models.status.report import StatusReport
from models.status.snapshot import statuses_of
from models.trends.tables import TrendSnapshot

__all__ = ["days_due", "keep_snapshots", "snapshot_rows", "trend_of", "week_ends"]


def local_day(project: Project, now: datetime) -> date:
    return now.astimezone(ZoneInfo(project.timezone)).date()


def days_due(db: Session, projects: Sequence[Project], now: datetime) -> dict[date, list[Project]]:
    """The projects without a snapshot for their own today, grouped by that day, in one query.

    The tick asks every minute; once a project's day is kept it costs this one query, not a status.
    """
    days = {project.id: local_day(project, now) for project in projects}
    if not days:
        return {}
    pairs = tuple_(TrendSnapshot.project_id, TrendSnapshot.day).in_(list(days.items()))
    kept = {
        (project_id, day)
        for project_id, day in db.execute(select(TrendSnapshot.project_id, TrendSnapshot.day).where(pairs))
    }
    due: dict[date, list[Project]] = defaultdict(list)
    for project in projects:
        if (project.id, days[project.id]) not in kept:
            due[days[project.id]].append(project)
    return dict(due)


def snapshot_row(report: StatusReport) -> dict[str, Any]:
    value, progress = report.value, report.progress
    return {
        "team_id": report.project.team_id,
        "project_id": report.project.id,
        "day": report.today,
        "planned_value": value.planned_value,
        "earned_value": value.earned_value,
        "actual_cost": value.actual_cost,
        "spi": value.spi,
        "cpi": value.cpi,
        "remaining_hours": progress.remaining_hours,
        "remaining_tasks": progress.total - progress.done,
        "open_risks": report.open_risks,
        "open_issues": report.open_issues,
        "health": report.assessment.health,
    }


def snapshot_rows(db: Session, projects: Sequence[Project], day: date) -> dict[int, dict[str, Any]]:
    """The row of each project for `day`, by project id: its status figures, read together."""
    return {project_id: snapshot_row(report) for project_id, report in statuses_of(db, projects, day).items()}


def keep_snapshots(db: Session, rows: list[dict[str, Any]]) -> int:
    """Keep each row unless its project's day is kept already, in one statement; how many were new."""
    return claim_rows(db, TrendSnapshot, rows, conflict=["project_id", "day"])


def trend_of(db: Session, project: Project, *, since: date | None = None) -> list[TrendSnapshot]:
    """The project's snapshots, oldest first."""
    query = select(TrendSnapshot).where(TrendSnapshot.project_id == project.id)
    if since is not None:
        query = query.where(TrendSnapshot.day >= since)
    return list(db.scalars(query.order_by(TrendSnapshot.day)))


def week_ends(
    db: Session, ids: Sequence[int], since: date, today: date
) -> dict[int, tuple[TrendSnapshot, TrendSnapshot]]:
    """Each project's first and last snapshot between `since` and `today`, when they are two days
    apart: what moved over the week, for the digest. One query for all the projects."""
    rows = db.scalars(
        select(TrendSnapshot)
        .where(among(TrendSnapshot.project_id, ids), TrendSnapshot.day >= since, TrendSnapshot.day <= today)
        .order_by(TrendSnapshot.day)
    )
    found: dict[int, list[TrendSnapshot]] = defaultdict(list)
    for row in rows:
        found[row.project_id].append(row)
    return {project_id: (own[0], own[-1]) for project_id, own in found.items() if len(own) > 1}
