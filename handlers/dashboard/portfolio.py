"""The portfolio page: every project the reader may see, read from the status snapshots.

Each row's figures are written by the same functions as `/pmo status` (handlers.status.command)
from the same snapshot, taken on each project's own calendar day as `/pmo status` takes it, so
the page and the command agree for the same moment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from bot.formats import fmt_date
from bot.i18n import Translator
from handlers.slack.directory import cached_names
from handlers.status.command import forecast_day, index
from models.core.access import Actor
from models.core.enums import Health, Phase
from models.projects.portfolio import ProjectFilter, list_projects
from models.projects.tables import Project
from models.status.report import StatusReport
from models.status.snapshot import current_snapshots

HEALTH_ORDER = {Health.RED: 0, Health.AMBER: 1, Health.GREEN: 2}
PHASE_ORDER = {phase: number for number, phase in enumerate(Phase)}
SORTS = ("key", "health", "phase", "spi", "cpi", "budget", "manager")


@dataclass(frozen=True)
class Row:
    report: StatusReport
    reasons: list[str]
    spi: str
    cpi: str
    used: int | None  # percent of the budget spent
    milestone: str | None
    milestone_due: str
    milestone_forecast: str
    milestone_late: bool
    manager: str
    sponsor: str

    @property
    def project(self) -> Project:
        return self.report.project

    @property
    def health(self) -> Health:
        return self.report.assessment.health


@dataclass(frozen=True)
class Filters:
    phase: Phase | None = None
    health: Health | None = None
    manager: str | None = None
    sponsor: str | None = None
    sort: str = "health"

    @classmethod
    def read(cls, query: Mapping[str, str]) -> Filters:
        """The page's query string; a value the page never offers is ignored, never an error."""
        phase, health = query.get("phase"), query.get("health")
        sort = query.get("sort", "health")
        return cls(
            phase=Phase(phase) if phase in set(Phase) else None,
            health=Health(health) if health in set(Health) else None,
            manager=query.get("manager") or None,
            sponsor=query.get("sponsor") or None,
            sort=sort if sort in SORTS else "health",
        )

    def sorted_by(self, sort: str) -> str:
        """This page's query string, sorted by `sort`: the column headers link to it."""
        chosen = {
            "phase": self.phase.value if self.phase else None,
            "health": self.health.value if self.health else None,
            "manager": self.manager,
            "sponsor": self.sponsor,
            "sort": sort,
        }
        return "?" + urlencode({name: value for name, value in chosen.items() if value})

    def keeps(self, row: Row) -> bool:
        project = row.project
        return (
            (self.phase is None or project.phase is self.phase)
            and (self.health is None or row.health is self.health)
            and (self.manager is None or project.manager_id == self.manager)
            and (self.sponsor is None or project.sponsor_id == self.sponsor)
        )


@dataclass(frozen=True)
class Portfolio:
    rows: list[Row]  # those the filters keep, sorted
    everyone: dict[str, str]  # managers and sponsors of every visible project, for the filters
    matrix: dict[Phase, dict[Health, int]]  # of every visible project, filters aside
    filters: Filters
    total: int


def percent_of(part: Decimal, whole: Decimal | None) -> int | None:
    return None if not whole else int((part / whole * 100).to_integral_value())


def row_of(report: StatusReport, names: Mapping[str, str], t: Translator) -> Row:
    project, value = report.project, report.value
    first = report.milestones[0] if report.milestones else None
    return Row(
        report=report,
        reasons=[t(reason.key, **reason.params) for reason in report.assessment.reasons],
        spi=index(value.spi, t),
        cpi=index(value.cpi, t),
        used=percent_of(report.spent, project.budget),
        milestone=first.milestone.name if first else None,
        milestone_due=fmt_date(first.milestone.due_date, t) if first else "",
        milestone_forecast=forecast_day(first.forecast, report, t) if first else "",
        milestone_late=bool(first and first.late(report.today)),
        manager=names.get(project.manager_id or "", project.manager_id or ""),
        sponsor=names.get(project.sponsor_id or "", project.sponsor_id or ""),
    )


def no_index(value: float | None) -> float:
    return value if value is not None else float("inf")


def sort_key(sort: str) -> Callable[[Row], Any]:
    keys: dict[str, Callable[[Row], Any]] = {
        "key": lambda row: row.project.key,
        "health": lambda row: (HEALTH_ORDER[row.health], row.project.key),
        "phase": lambda row: (PHASE_ORDER[row.project.phase], row.project.key),
        "spi": lambda row: (no_index(row.report.value.spi), row.project.key),
        "cpi": lambda row: (no_index(row.report.value.cpi), row.project.key),
        "budget": lambda row: (-(row.used if row.used is not None else -1), row.project.key),
        "manager": lambda row: (row.manager.casefold(), row.project.key),
    }
    return keys[sort]


def portfolio(db: Session, actor: Actor, t: Translator, filters: Filters) -> Portfolio:
    projects = list_projects(db=db, actor=actor, which=ProjectFilter.ALL)
    snapshots = current_snapshots(db, projects)
    people = {p.manager_id for p in projects} | {p.sponsor_id for p in projects}
    names = cached_names(db, [user_id for user_id in people if user_id])
    rows = [row_of(snapshots[project.id].report, names, t) for project in projects]
    matrix = {phase: dict.fromkeys(Health, 0) for phase in Phase}
    for row in rows:
        matrix[row.project.phase][row.health] += 1
    kept = sorted((row for row in rows if filters.keeps(row)), key=sort_key(filters.sort))
    named = sorted((names.get(user_id, user_id), user_id) for user_id in people if user_id)
    return Portfolio(kept, {user_id: name for name, user_id in named}, matrix, filters, len(rows))
