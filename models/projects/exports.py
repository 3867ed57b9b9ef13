"""A project's records as CSV, for PMOs that keep them elsewhere.

Column names are stable identifiers (not translated), so an import set up once keeps working.
People are Slack user ids, dates ISO 8601, times UTC, money in the project's currency.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from operator import attrgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.changes.tables import ChangeRequest
from models.core.keys import ItemKind, item_key, numbered
from models.core.records import AuditEntry
from models.issues.tables import Issue
from models.projects.tables import CostEntry, Project
from models.risks.tables import Risk
from models.schedule import mspdi
from models.schedule.network import rollups
from models.schedule.plan_file import plan_file
from models.tasks.breakdown import as_items
from models.tasks.tables import Task


class Export(StrEnum):
    TASKS = "tasks"
    RISKS = "risks"
    ISSUES = "issues"
    CHANGES = "changes"
    COSTS = "costs"
    AUDIT = "audit"
    PLAN = "plan"  # Microsoft Project XML, not CSV


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: numbers stay numbers (a negative cost still sums); text that a spreadsheet
    would run as a formula gets a leading single quote, OWASP's advice, so it shows as typed."""
    text = _plain_cell(value)
    if isinstance(value, str | Enum) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _plain_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


Getter = Callable[[Any], Any]
# A person's display name from their Slack id (None when unknown): the caller knows the directory.
Names = Callable[[str], str | None]


def to_csv(columns: dict[str, Getter], records: Iterable[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell(get(record)) for get in columns.values()] for record in records)
    return buffer.getvalue()


def _keyed(project: Project, kind: ItemKind) -> Getter:
    return lambda item: item_key(project.key, kind, item.number)


def _person(column: str, attribute: str, names: Names) -> dict[str, Getter]:
    """A person as two columns: the id, which never changes, and the name a reader recognises."""
    get = attrgetter(attribute)
    return {column: get, f"{column}_name": lambda record: names(get(record)) if get(record) else None}


def _plain(*names: str) -> dict[str, Getter]:
    """Columns that are the record's own attributes, under the same names."""
    return {name: attrgetter(name) for name in names}


def _tasks(db: Session, project: Project, names: Names) -> str:
    tasks = numbered(db, project, Task)
    numbers = {task.id: task.number for task in tasks}
    # A parent's percent is its leaves' rolled up by effort: the same figure the plan and status show.
    rolled = rollups(as_items(tasks, []))
    columns: dict[str, Getter] = {
        "key": _keyed(project, ItemKind.TASK),
        "title": attrgetter("title"),
        "parent": lambda t: (
            item_key(project.key, ItemKind.TASK, numbers[t.parent_id]) if t.parent_id else None
        ),
        **_person("owner", "owner_id", names),
        "status": attrgetter("status"),
        "percent_complete": lambda t: rolled[t.id].percent if t.id in rolled else t.percent_complete,
        **_plain("start_date", "due_date", "baseline_start", "baseline_due"),
        **_plain("estimate_hours", "done_at"),
        "deliverable": attrgetter("is_deliverable"),
        "acceptance": lambda t: t.acceptance if t.is_deliverable else None,
        "disposition": attrgetter("disposition"),
    }
    return to_csv(columns, tasks)


def _risks(db: Session, project: Project, names: Names) -> str:
    columns: dict[str, Getter] = {
        "key": _keyed(project, ItemKind.RISK),
        **_plain("title", "category", "probability", "impact", "score"),
        **_person("owner", "owner_id", names),
        **_plain("strategy", "response_actions", "review_date", "status", "disposition"),
    }
    return to_csv(columns, numbered(db, project, Risk))


def _issues(db: Session, project: Project, names: Names) -> str:
    columns: dict[str, Getter] = {
        "key": _keyed(project, ItemKind.ISSUE),
        **_plain("title", "severity"),
        **_person("owner", "owner_id", names),
        **_plain("due_date", "status", "resolution", "resolved_at", "origin", "disposition"),
    }
    return to_csv(columns, numbered(db, project, Issue))


def _changes(db: Session, project: Project, names: Names) -> str:
    columns: dict[str, Getter] = {
        "key": _keyed(project, ItemKind.CHANGE),
        **_plain("title", "status"),
        **_person("requested_by", "requested_by", names),
        **_plain("schedule_days", "cost_impact", "scope_impact"),
        **_plain("needs_sponsor", "created_at", "decided_at"),
    }
    return to_csv(columns, numbered(db, project, ChangeRequest))


def _costs(db: Session, project: Project, names: Names) -> str:
    entries = db.scalars(
        select(CostEntry).where(CostEntry.project_id == project.id).order_by(CostEntry.spent_on, CostEntry.id)
    )
    columns = {
        **_plain("spent_on", "amount"),
        "currency": lambda _: project.currency,
        **_plain("category", "description"),
        **_person("logged_by", "logged_by", names),
    }
    return to_csv(columns, entries)


def _audit(db: Session, project: Project, names: Names) -> str:
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.project_id == project.id).order_by(AuditEntry.id)
    )
    columns: dict[str, Getter] = {
        "at_utc": attrgetter("created_at"),
        **_person("actor", "actor_id", names),
        **_plain("action", "subject", "before", "after", "reason"),
    }
    return to_csv(columns, entries)


TABLES: dict[Export, Callable[[Session, Project, Names], str]] = {
    Export.TASKS: _tasks,
    Export.RISKS: _risks,
    Export.ISSUES: _issues,
    Export.CHANGES: _changes,
    Export.COSTS: _costs,
    Export.AUDIT: _audit,
}


def export_csv(db: Session, project: Project, which: Export, names: Names) -> str:
    return TABLES[which](db, project, names)


@dataclass(frozen=True)
class ExportFile:
    content: str | bytes
    extension: str


def export_file(db: Session, project: Project, which: Export, names: Names) -> ExportFile:
    if which is Export.PLAN:
        return ExportFile(mspdi.write(plan_file(db, project, names)), "xml")
    return ExportFile(export_csv(db, project, which, names), "csv")
