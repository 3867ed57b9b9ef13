"""The budget by category and the money spent against it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import InvalidError, Listed, check_all
from models.core.id_lists import among
from models.core.limits import column_limit
from models.projects.tables import BudgetLine, CostEntry, Project

CATEGORY_MAX = column_limit(BudgetLine.category)
# A category is flagged once its spend passes this share of what was planned for it.
WARN_SHARE = Decimal("0.9")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CategorySpend:
    category: str
    planned: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def warning(self) -> bool:
        return self.spent > self.planned * WARN_SHARE

    @property
    def used_percent(self) -> int | None:
        return round(self.spent * 100 / self.planned) if self.planned else None


@dataclass(frozen=True)
class BudgetReport:
    total: Decimal | None
    categories: list[CategorySpend]

    @property
    def planned(self) -> Decimal:
        return sum((line.planned for line in self.categories), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.categories), ZERO)

    @property
    def unplanned(self) -> Decimal | None:
        """The charter's budget not yet split into categories (negative when over-split)."""
        return None if self.total is None else self.total - self.planned


def normal_category(text: str) -> str:
    """Categories are matched without regard to case or spacing: "Cloud  hosting" is "cloud hosting"."""
    return " ".join(text.split()).lower()


def budget_lines(db: Session, project: Project) -> list[BudgetLine]:
    return list(
        db.scalars(
            select(BudgetLine).where(BudgetLine.project_id == project.id).order_by(BudgetLine.category)
        )
    )


def _category_problem(category: str) -> InvalidError | None:
    if category and len(category) <= CATEGORY_MAX:
        return None
    return InvalidError("budget.bad_category", limit=CATEGORY_MAX)


def set_category(
    *, db: Session, actor: Actor, project: Project, category: str, amount: Decimal
) -> BudgetLine:
    require(db, project, actor, Action.SET_BUDGET)
    require_open(project)
    name, amount = normal_category(category), amount.quantize(CENT)
    negative = InvalidError("budget.negative") if amount < 0 else None
    check_all(_category_problem(name), negative)
    line = db.scalar(
        select(BudgetLine).where(BudgetLine.project_id == project.id, BudgetLine.category == name)
    )
    before = {"amount": line.amount} if line else {}
    if line is None:
        line = BudgetLine(project_id=project.id, team_id=project.team_id, category=name, amount=amount)
        db.add(line)
    line.amount = amount
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="budget.set",
        subject=name,
        before=before,
        after={"amount": amount},
    )
    return line


def match_category(db: Session, project: Project, words: list[str]) -> tuple[str, list[str]]:
    """The planned category the words start with (the longest that matches), and the words left."""
    known = {line.category for line in budget_lines(db, project)}
    for size in range(len(words), 0, -1):
        candidate = normal_category(" ".join(words[:size]))
        if candidate in known:
            return candidate, words[size:]
    raise InvalidError(
        "budget.unknown_category",
        given=words[0] if words else "",
        known=Listed(sorted(known)) or "—",
    )


def log_cost(
    *,
    db: Session,
    actor: Actor,
    project: Project,
    amount: Decimal,
    category: str,
    description: str,
    spent_on: date,
    today: date,
) -> CostEntry:
    require(db, project, actor, Action.LOG_COST)
    require_open(project)
    amount = amount.quantize(CENT)
    check_all(
        None if amount > 0 else InvalidError("budget.cost_not_positive"),
        None if description.strip() else InvalidError("budget.cost_needs_what"),
        None if spent_on <= today else InvalidError("budget.cost_in_future", day=spent_on),
    )
    entry = CostEntry(
        project_id=project.id,
        team_id=project.team_id,
        amount=amount,
        category=category,
        description=description.strip(),
        spent_on=spent_on,
        logged_by=actor.user_id,
    )
    db.add(entry)
    db.flush()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="cost.log",
        subject=category,
        after={"amount": amount, "description": entry.description, "spent_on": spent_on},
    )
    return entry


def budget_report(db: Session, project: Project) -> BudgetReport:
    """Planned and spent per category; spend in a category nobody planned shows with 0 planned."""
    return budget_reports(db, [project])[project.id]


def budget_reports(db: Session, projects: Sequence[Project]) -> dict[int, BudgetReport]:
    """Each project's budget report, in two queries however many projects there are."""
    ids = [project.id for project in projects]
    spent: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = db.execute(
        select(CostEntry.project_id, CostEntry.category, func.sum(CostEntry.amount))
        .where(among(CostEntry.project_id, ids))
        .group_by(CostEntry.project_id, CostEntry.category)
    )
    for project_id, category, amount in rows:
        spent[project_id][category] = amount
    planned: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line in db.scalars(select(BudgetLine).where(among(BudgetLine.project_id, ids))):
        planned[line.project_id][line.category] = line.amount
    return {project.id: _report(project, planned[project.id], spent[project.id]) for project in projects}


def _report(project: Project, planned: dict[str, Decimal], spent: dict[str, Decimal]) -> BudgetReport:
    names = sorted(planned.keys() | spent.keys())
    return BudgetReport(
        total=project.budget,
        categories=[CategorySpend(name, planned.get(name, ZERO), spent.get(name) or ZERO) for name in names],
    )
