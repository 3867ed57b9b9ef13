"""Plans exported as CSV by Jira, Asana and Microsoft Project, read into the same PlanFile the
Microsoft Project XML reader gives.

Each tool is recognised by the headers its export writes (the first that fits wins):

- Jira ("Export CSV (all fields)"): Summary, Issue key, Issue id, Parent or Parent id (the
  parent's issue id), Assignee, Due date (like `05/Dec/26 12:00 AM`), Original Estimate in
  seconds, Status, and one "Inward issue link (Blocks)" column per issue that blocks this one.
- Asana (project "Export CSV"): Task ID, Name, Assignee, Assignee Email, Start Date and Due
  Date (ISO), Completed At, Parent task (the parent's name), Blocked By (Dependencies),
  Section/Column.
- Microsoft Project ("Save As" CSV, the task table): ID, Name, Duration (`5 days`, `2 wks`,
  `4 hrs`, `?` for an estimate), Start and Finish (like `Mon 12/7/26`), Predecessors (like
  `3FS+2 days,4`), Outline Level, Resource Names, Milestone (Yes/No).

Rows are numbered as a spreadsheet shows them: the headers are row 1. Every problem found is
listed by its row and the file refused whole (models.schedule.plan_checks).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from models.core.enums import LinkKind
from models.core.errors import InvalidError, Listed
from models.schedule.mspdi import HOURS_PER_DAY, PlanFile, PlanLink, PlanResource, PlanTask
from models.schedule.plan_checks import PlanRefusedError, RowProblem

WEEKMASK = "1111100"
DONE_STATUSES = {"done", "closed", "resolved", "complete", "completed"}
# Microsoft Project's duration units as its CSV writes them, in working days (8 h, 5-day weeks).
UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1 / (HOURS_PER_DAY * 60)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 1 / HOURS_PER_DAY),
    **dict.fromkeys(("d", "dy", "dys", "day", "days"), 1.0),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 5.0),
    **dict.fromkeys(("mo", "mon", "mons", "month", "months"), 20.0),
}
DURATION = re.compile(r"^(?P<amount>-?\d+(?:[.,]\d+)?)\s*e?(?P<unit>[a-z]+)\??$")
PREDECESSOR = re.compile(r"^(?P<id>\d+)\s*(?P<kind>FS|SS|FF|SF)?\s*(?:(?P<sign>[+-])\s*(?P<lag>.+))?$")
LINK_KINDS = {"FS": LinkKind.FINISH_TO_START, "SS": LinkKind.START_TO_START, "FF": LinkKind.FINISH_TO_FINISH}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%b/%y %I:%M %p",  # Jira
    "%d/%b/%y",
    "%m/%d/%y %I:%M %p",  # Microsoft Project, after the weekday
    "%m/%d/%y",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y",
)
WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ReadPlan:
    """A plan read from a file, with how it was read: which tool's columns, mapped to what."""

    plan: PlanFile
    source: str  # "jira", "asana", "msproject" (CSV) or "mspdi" (XML)
    columns: tuple[str, ...] = ()  # the file's headers that were read
    problems: tuple[RowProblem, ...] = ()  # what couldn't be read, listed with the plan's own


class Row:
    """One CSV row by header; a header written more than once (Jira's links) gives each value."""

    def __init__(self, number: int, headers: Sequence[str], values: Sequence[str]) -> None:
        self.number = number
        self.cells: dict[str, list[str]] = {}
        for header, value in zip(headers, values, strict=False):
            if value.strip():
                self.cells.setdefault(header, []).append(value.strip())

    def get(self, *headers: str) -> str | None:
        return next((self.cells[header][0] for header in headers if header in self.cells), None)

    def all(self, header: str) -> list[str]:
        return self.cells.get(header, [])


@dataclass
class Reading:
    """What a reader gathers: the tasks by row, the people named, the problems met."""

    rows: list[tuple[Row, PlanTask, str | None]] = field(default_factory=list)  # task, parent's ref
    people: dict[str, PlanResource] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    def problem(self, row: Row, key: str, **params: Any) -> None:
        self.problems.append(RowProblem(row.number, InvalidError(key, **params)))

    def person(self, name: str | None, email: str | None = None) -> int | None:
        if not name and not email:
            return None
        label = name or email or ""
        found = self.people.setdefault(label, PlanResource(len(self.people) + 1, label, email))
        return found.uid


def parse_date(text: str | None) -> date | None:
    """A date as these tools write it; ValueError when it is none of their forms."""
    if text is None or text.upper() == "NA":
        return None
    cleaned = WEEKDAY.sub("", text.strip())
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_days(text: str) -> float:
    """Working days in a Microsoft Project duration like `5 days`, `2 wks`, `4 hrs`, `3d?`."""
    match = DURATION.match(text.strip().lower())
    if match is None or match["unit"] not in UNITS:
        raise ValueError(text)
    return float(match["amount"].replace(",", ".")) * UNITS[match["unit"]]


def _date(reading: Reading, row: Row, header: str) -> date | None:
    try:
        return parse_date(row.get(header))
    except ValueError as error:
        reading.problem(row, "import.bad_date", column=header, given=str(error))
        return None


def _uid(reading: Reading, row: Row, header: str) -> int:
    text = row.get(header)
    if text is not None and text.isdigit():
        return int(text)
    reading.problem(row, "import.bad_id", column=header, given=text or "")
    return -row.number  # keeps the row readable; the file is refused anyway


def _whole_days(days: float) -> int:
    return max(1, math.ceil(days - 1e-9))


# -- Jira


def _jira_row(reading: Reading, row: Row) -> None:
    seconds = row.get("Original Estimate", "Original Estimate (seconds)")
    hours = None
    if seconds is not None:
        try:
            hours = float(seconds) / 3600
        except ValueError:
            reading.problem(row, "import.bad_duration", column="Original Estimate", given=seconds)
    due = _date(reading, row, "Due date")
    status = (row.get("Status") or "").lower()
    task = PlanTask(
        uid=_uid(reading, row, "Issue id"),
        name=row.get("Summary") or "",
        outline_level=1,
        start=None,
        finish=due,
        duration_days=_whole_days(hours / HOURS_PER_DAY) if hours else None,
        percent_complete=100 if status in DONE_STATUSES else 0,
        resource_uid=reading.person(row.get("Assignee")),
        estimate_hours=hours,
        row=row.number,
    )
    reading.rows.append((row, task, row.get("Parent", "Parent id")))


def _jira_links(reading: Reading) -> None:
    """Each issue's blockers, by key: known only once every row is read."""
    keys = {row.get("Issue key"): task.uid for row, task, _ in reading.rows}
    for at, (row, task, parent) in enumerate(reading.rows):
        links = []
        for key in row.all("Inward issue link (Blocks)"):
            if key in keys:
                links.append(PlanLink(keys[key]))
            else:
                reading.problem(row, "import.unknown_predecessor", uid=key)
        reading.rows[at] = (row, replace(task, links=tuple(links)), parent)


# -- Asana


def _asana_row(reading: Reading, row: Row) -> None:
    start, due = _date(reading, row, "Start Date"), _date(reading, row, "Due Date")
    task = PlanTask(
        uid=_uid(reading, row, "Task ID"),
        name=row.get("Name") or "",
        outline_level=1,
        start=start or due,
        finish=due or start,
        duration_days=None,
        percent_complete=100 if row.get("Completed At") else 0,
        resource_uid=reading.person(row.get("Assignee"), row.get("Assignee Email")),
        row=row.number,
    )
    reading.rows.append((row, task, row.get("Parent task")))


def _asana_waits(row: Row) -> list[str]:
    text = row.get("Blocked By (Dependencies)") or ""
    return [part.strip() for part in text.split(",") if part.strip()]


def _asana_links(reading: Reading) -> None:
    # Asana names a dependency by its task id; an older export by the task's name.
    known = {str(task.uid): task.uid for _, task, _ in reading.rows}
    known |= {task.name: task.uid for _, task, _ in reading.rows if task.name not in known}
    for at, (row, task, parent) in enumerate(reading.rows):
        links = []
        for wanted in _asana_waits(row):
            if wanted in known:
                links.append(PlanLink(known[wanted]))
            else:
                reading.problem(row, "import.unknown_predecessor", uid=wanted)
        reading.rows[at] = (row, replace(task, links=tuple(links)), parent)


# -- Microsoft Project


def _msproject_links(reading: Reading, row: Row) -> tuple[PlanLink, ...]:
    links = []
    for part in re.split(r"[,;]", row.get("Predecessors") or ""):
        match = PREDECESSOR.match(part.strip())
        if not part.strip():
            continue
        if match is None or match["kind"] == "SF":
            reading.problem(row, "import.bad_predecessor", given=part.strip())
            continue
        lag = 0
        if match["lag"]:
            try:
                lag = round(parse_days(match["lag"])) * (-1 if match["sign"] == "-" else 1)
            except ValueError:
                reading.problem(row, "import.bad_predecessor", given=part.strip())
        links.append(PlanLink(int(match["id"]), LINK_KINDS[match["kind"] or "FS"], lag))
    return tuple(links)


def _msproject_row(reading: Reading, row: Row) -> None:
    days = None
    text = row.get("Duration")
    if text is not None:
        try:
            days = parse_days(text)
        except ValueError:
            reading.problem(row, "import.bad_duration", column="Duration", given=text)
    level = row.get("Outline Level") or "1"
    if not level.isdigit() or int(level) < 1:
        reading.problem(row, "import.bad_outline", given=level)
        level = "1"
    milestone = (row.get("Milestone") or "").lower() in {"yes", "true", "1", "ja", "是"}
    resources = re.sub(r"\[[^]]*\]", "", row.get("Resource Names") or "").split(",")
    task = PlanTask(
        uid=_uid(reading, row, "ID"),
        name=row.get("Name") or "",
        outline_level=int(level),
        start=_date(reading, row, "Start"),
        finish=_date(reading, row, "Finish"),
        duration_days=0 if milestone else (_whole_days(days) if days else None),
        milestone=milestone,
        links=_msproject_links(reading, row),
        resource_uid=reading.person(resources[0].strip() or None),
        row=row.number,
    )
    reading.rows.append((row, task, None))


# -- the outline


def _summaries(tasks: list[PlanTask]) -> list[PlanTask]:
    """A task with work under it (the next row a level deeper) is a summary."""
    return [
        replace(task, summary=True)
        if at + 1 < len(tasks) and tasks[at + 1].outline_level > task.outline_level and not task.milestone
        else task
        for at, task in enumerate(tasks)
    ]


def _by_parent(reading: Reading) -> list[PlanTask]:
    """Jira's and Asana's rows, whose parent is named, in outline order with their levels."""
    known = {str(task.uid): task.uid for _, task, _ in reading.rows}
    known |= {row.get("Issue key") or "": task.uid for row, task, _ in reading.rows}
    known |= {task.name: task.uid for _, task, _ in reading.rows if task.name not in known}
    children: dict[int | None, list[PlanTask]] = {}
    for row, task, parent in reading.rows:
        if parent is not None and parent not in known:
            reading.problem(row, "import.unknown_parent", parent=parent)
        children.setdefault(known.get(parent) if parent else None, []).append(task)
    ordered: list[PlanTask] = []
    stack = [(task, 1) for task in reversed(children.get(None, []))]
    while stack:  # explicit stack: an outline may be deeper than the recursion limit
        task, level = stack.pop()
        ordered.append(replace(task, outline_level=level))
        stack += [(child, level + 1) for child in reversed(children.get(task.uid, []))]
    placed = {task.uid for task in ordered}
    for row, task, _ in reading.rows:
        if task.uid not in placed:
            reading.problem(row, "import.parent_loop")
    return ordered


@dataclass(frozen=True)
class Format:
    name: str
    needs: tuple[str, ...]  # headers that recognise the format
    names: str  # the header holding each task's name
    reads: tuple[str, ...]  # every header read, as a preview shows the mapping
    read_row: Callable[[Reading, Row], None]
    finish: Callable[[Reading], None] | None
    nested_by_parent: bool


FORMATS = (
    Format(
        "jira",
        ("Issue key", "Issue id"),
        "Summary",
        (
            "Summary",
            "Issue key",
            "Issue id",
            "Parent",
            "Parent id",
            "Assignee",
            "Due date",
            "Original Estimate",
            "Original Estimate (seconds)",
            "Status",
            "Inward issue link (Blocks)",
        ),
        _jira_row,
        _jira_links,
        True,
    ),
    Format(
        "asana",
        ("Task ID",),
        "Name",
        (
            "Task ID",
            "Name",
            "Assignee",
            "Assignee Email",
            "Start Date",
            "Due Date",
            "Completed At",
            "Parent task",
            "Blocked By (Dependencies)",
        ),
        _asana_row,
        _asana_links,
        True,
    ),
    Format(
        "msproject",
        ("ID",),
        "Name",
        (
            "ID",
            "Name",
            "Duration",
            "Start",
            "Finish",
            "Predecessors",
            "Outline Level",
            "Resource Names",
            "Milestone",
        ),
        _msproject_row,
        None,
        False,
    ),
)


def _decoded(content: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("cp1252", errors="replace")


def read_csv(content: bytes) -> ReadPlan:
    """A plan from a Jira, Asana or Microsoft Project CSV export, with what couldn't be read by
    row; a file no tool's columns fit is refused (PlanRefusedError)."""
    lines = list(csv.reader(io.StringIO(_decoded(content))))
    headers = [header.strip() for header in lines[0]] if lines else []
    found = next((one for one in FORMATS if set(one.needs) <= set(headers)), None)
    if found is None or found.names not in headers:
        expected = Listed(sorted({one.names for one in FORMATS}))
        raise PlanRefusedError([RowProblem(1, InvalidError("import.no_name_column", expected=expected))])
    reading = Reading()
    for number, values in enumerate(lines[1:], start=2):
        if any(value.strip() for value in values):
            found.read_row(reading, Row(number, headers, values))
    if found.finish is not None:
        found.finish(reading)
    tasks = _by_parent(reading) if found.nested_by_parent else [task for _, task, _ in reading.rows]
    plan = PlanFile(
        name="",
        start=None,
        weekmask=WEEKMASK,
        days_off=(),
        tasks=tuple(_summaries(tasks)),
        resources=tuple(reading.people.values()),
    )
    used = tuple(header for header in found.reads if header in headers)
    return ReadPlan(plan, found.name, used, tuple(reading.problems))
