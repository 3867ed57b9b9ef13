"""Microsoft Project's XML interchange format (MSPDI), which Microsoft Project, ProjectLibre and
GanttProject open and save.

Only what a plan here holds is written and read: the calendar (working week and days off),
tasks in outline order with their dates, durations, progress and baseline, milestones,
dependencies with their kind and lag, and people as resources assigned to their tasks.
The conventions followed are those of Microsoft's published schema (mspdi_pj12.xsd): days
of the week numbered from Sunday = 1, durations as ISO 8601 `PT…H…M…S` of working time at 8
hours a day, link lags in tenths of a minute, and link types 0 FF, 1 FS, 2 SF, 3 SS.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from defusedxml import ElementTree as SafeET

from models.core.enums import LinkKind

NS = "http://schemas.microsoft.com/project"
HOURS_PER_DAY = 8
MINUTES_PER_DAY = HOURS_PER_DAY * 60
LAG_UNITS_PER_DAY = MINUTES_PER_DAY * 10  # LinkLag counts tenths of a minute
DAY_STARTS, DAY_ENDS = time(8), time(17)
# MSPDI numbers weekdays from Sunday (1) to Saturday (7); our week masks run Monday to Sunday.
DAY_TYPE = {weekday: (weekday + 1) % 7 + 1 for weekday in range(7)}
LINK_TYPE = {LinkKind.FINISH_TO_FINISH: 0, LinkKind.FINISH_TO_START: 1, LinkKind.START_TO_START: 3}
LINK_KIND = {number: kind for kind, number in LINK_TYPE.items()}
START_TO_FINISH = 2
DURATION = re.compile(r"^PT(?P<hours>\d+(?:\.\d+)?)H(?P<minutes>\d+(?:\.\d+)?)M(?P<seconds>\d+(?:\.\d+)?)S$")


class FormatError(ValueError):
    """The file is not MSPDI a plan can be read from; `where` names the element (a task's UID)."""

    def __init__(self, problem: str, where: str = "") -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.problem, self.where = problem, where


@dataclass(frozen=True)
class PlanLink:
    predecessor_uid: int
    kind: LinkKind = LinkKind.FINISH_TO_START
    lag_days: int = 0


@dataclass(frozen=True)
class PlanTask:
    uid: int
    name: str
    outline_level: int
    start: date | None
    finish: date | None
    duration_days: int | None
    milestone: bool = False
    summary: bool = False
    percent_complete: int = 0
    baseline_start: date | None = None
    baseline_finish: date | None = None
    links: tuple[PlanLink, ...] = ()
    resource_uid: int | None = None
    estimate_hours: float | None = None
    # Where the task stands in its file, for problems to name: not part of the plan itself.
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PlanResource:
    uid: int
    name: str
    email: str | None = None


@dataclass(frozen=True)
class PlanFile:
    name: str
    start: date | None
    weekmask: str  # Monday to Sunday, "1111100"
    days_off: tuple[date, ...]
    tasks: tuple[PlanTask, ...]
    resources: tuple[PlanResource, ...] = ()


# Writing


def _at(day: date, moment: time) -> str:
    return datetime.combine(day, moment).isoformat()


def duration(days: int) -> str:
    return f"PT{days * HOURS_PER_DAY}H0M0S"


def _child(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def _calendar(root: ET.Element, plan: PlanFile) -> None:
    calendar = _child(_child(root, "Calendars"), "Calendar")
    _child(calendar, "UID", 1)
    _child(calendar, "Name", "Standard")
    _child(calendar, "IsBaseCalendar", 1)
    week = _child(calendar, "WeekDays")
    for weekday, working in enumerate(plan.weekmask):
        day = _child(week, "WeekDay")
        _child(day, "DayType", DAY_TYPE[weekday])
        _child(day, "DayWorking", working)
        if working == "1":
            times = _child(_child(day, "WorkingTimes"), "WorkingTime")
            _child(times, "FromTime", DAY_STARTS.isoformat())
            _child(times, "ToTime", DAY_ENDS.isoformat())
    exceptions = _child(calendar, "Exceptions")
    for off in plan.days_off:
        exception = _child(exceptions, "Exception")
        period = _child(exception, "TimePeriod")
        _child(period, "FromDate", _at(off, time(0)))
        _child(period, "ToDate", _at(off, time(23, 59)))
        _child(exception, "DayWorking", 0)


def _task(tasks: ET.Element, task: PlanTask, row: int) -> None:
    element = _child(tasks, "Task")
    _child(element, "UID", task.uid)
    _child(element, "ID", row)
    _child(element, "Name", task.name)
    _child(element, "OutlineLevel", task.outline_level)
    if task.start is not None:
        _child(element, "Start", _at(task.start, DAY_STARTS))
    if task.finish is not None:
        _child(element, "Finish", _at(task.finish, DAY_ENDS))
    if task.duration_days is not None:
        _child(element, "Duration", duration(task.duration_days))
        _child(element, "DurationFormat", 7)  # days
    _child(element, "Milestone", int(task.milestone))
    _child(element, "Summary", int(task.summary))
    _child(element, "PercentComplete", task.percent_complete)
    for link in task.links:
        predecessor = _child(element, "PredecessorLink")
        _child(predecessor, "PredecessorUID", link.predecessor_uid)
        _child(predecessor, "Type", LINK_TYPE[link.kind])
        _child(predecessor, "LinkLag", link.lag_days * LAG_UNITS_PER_DAY)
        _child(predecessor, "LagFormat", 7)
    if task.baseline_start is not None and task.baseline_finish is not None:
        baseline = _child(element, "Baseline")
        _child(baseline, "Number", 0)
        _child(baseline, "Start", _at(task.baseline_start, DAY_STARTS))
        _child(baseline, "Finish", _at(task.baseline_finish, DAY_ENDS))


def _resources(root: ET.Element, plan: PlanFile) -> None:
    resources = _child(root, "Resources")
    for row, person in enumerate(plan.resources, start=1):
        element = _child(resources, "Resource")
        _child(element, "UID", person.uid)
        _child(element, "ID", row)
        _child(element, "Name", person.name)
        if person.email:
            _child(element, "EmailAddress", person.email)
    assignments = _child(root, "Assignments")
    assigned = [task for task in plan.tasks if task.resource_uid is not None]
    for number, task in enumerate(assigned, start=1):
        assignment = _child(assignments, "Assignment")
        _child(assignment, "UID", number)
        _child(assignment, "TaskUID", task.uid)
        _child(assignment, "ResourceUID", task.resource_uid)
        _child(assignment, "Units", 1)


def write(plan: PlanFile) -> bytes:
    """The plan as an MSPDI document, UTF-8."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}Project")
    _child(root, "SaveVersion", 14)
    _child(root, "Name", plan.name)
    if plan.start is not None:
        _child(root, "StartDate", _at(plan.start, DAY_STARTS))
    _child(root, "CalendarUID", 1)
    _child(root, "MinutesPerDay", MINUTES_PER_DAY)
    _child(root, "DefaultStartTime", DAY_STARTS.isoformat())
    _calendar(root, plan)
    tasks = _child(root, "Tasks")
    for row, task in enumerate(plan.tasks, start=1):
        _task(tasks, task, row)
    _resources(root, plan)
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written


# Reading


def _find(element: ET.Element, tag: str) -> ET.Element | None:
    return element.find(f"{{{NS}}}{tag}")


def _all(element: ET.Element, path: str) -> list[ET.Element]:
    return element.findall("/".join(f"{{{NS}}}{tag}" for tag in path.split("/")))


def _text(element: ET.Element, tag: str) -> str | None:
    found = _find(element, tag)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _int(element: ET.Element, tag: str, where: str, default: int | None = None) -> int | None:
    text = _text(element, tag)
    if text is None:
        return default
    try:
        return int(float(text))
    except ValueError:
        raise FormatError(f"{tag} is not a number: {text!r}", where) from None


def _day(element: ET.Element, tag: str, where: str) -> date | None:
    text = _text(element, tag)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise FormatError(f"{tag} is not a date: {text!r}", where) from None


def duration_days(text: str | None, where: str) -> int | None:
    """Working days in an MSPDI duration, at 8 hours a day (a part day counts as a day)."""
    if text is None:
        return None
    match = DURATION.match(text)
    if match is None:
        raise FormatError(f"Duration is not an ISO 8601 duration: {text!r}", where)
    minutes = float(match["hours"]) * 60 + float(match["minutes"]) + float(match["seconds"]) / 60
    return -int(-minutes // MINUTES_PER_DAY)


def _link(element: ET.Element, where: str) -> PlanLink:
    predecessor = _int(element, "PredecessorUID", where)
    if predecessor is None:
        raise FormatError("a predecessor link without PredecessorUID", where)
    kind = _int(element, "Type", where, default=1)
    if kind == START_TO_FINISH or kind not in LINK_KIND:
        raise FormatError("start-to-finish links are not supported", where)
    lag = _int(element, "LinkLag", where, default=0) or 0
    return PlanLink(predecessor, LINK_KIND[kind], round(lag / LAG_UNITS_PER_DAY))


def _read_task(element: ET.Element, assigned: dict[int, int], row: int) -> PlanTask:
    uid = _int(element, "UID", "Task")
    if uid is None:
        raise FormatError("a task without UID", "Task")
    where = f"Task UID {uid}"
    baseline = next(
        (found for found in _all(element, "Baseline") if _text(found, "Number") in (None, "0")), None
    )
    return PlanTask(
        uid=uid,
        name=_text(element, "Name") or "",
        outline_level=_int(element, "OutlineLevel", where, default=1) or 1,
        start=_day(element, "Start", where),
        finish=_day(element, "Finish", where),
        duration_days=duration_days(_text(element, "Duration"), where),
        milestone=_text(element, "Milestone") == "1",
        summary=_text(element, "Summary") == "1",
        percent_complete=_int(element, "PercentComplete", where, default=0) or 0,
        baseline_start=_day(baseline, "Start", where) if baseline is not None else None,
        baseline_finish=_day(baseline, "Finish", where) if baseline is not None else None,
        links=tuple(_link(link, where) for link in _all(element, "PredecessorLink")),
        resource_uid=assigned.get(uid),
        row=row,
    )


def _weekmask(calendar: ET.Element | None) -> str:
    if calendar is None:
        return "1111100"
    working = {
        _int(day, "DayType", "WeekDay"): _text(day, "DayWorking") == "1"
        for day in _all(calendar, "WeekDays/WeekDay")
    }
    return "".join("1" if working.get(DAY_TYPE[weekday], weekday < 5) else "0" for weekday in range(7))


def _days_off(calendar: ET.Element | None) -> tuple[date, ...]:
    if calendar is None:
        return ()
    days: list[date] = []
    for exception in _all(calendar, "Exceptions/Exception"):
        if _text(exception, "DayWorking") == "1":
            continue
        period = _find(exception, "TimePeriod")
        first = _day(period, "FromDate", "Exception") if period is not None else None
        last = _day(period, "ToDate", "Exception") if period is not None else None
        while first is not None and last is not None and first <= last:
            days.append(first)
            first += timedelta(days=1)
    return tuple(sorted(set(days)))


def _base_calendar(root: ET.Element) -> ET.Element | None:
    wanted = _text(root, "CalendarUID")
    calendars = _all(root, "Calendars/Calendar")
    return next(
        (found for found in calendars if _text(found, "UID") == wanted), calendars[0] if calendars else None
    )


def read(content: bytes) -> PlanFile:
    """A plan from an MSPDI document; FormatError names what can't be read and where."""
    try:
        root = SafeET.fromstring(content)
    except (ET.ParseError, ValueError) as error:
        raise FormatError(f"not readable XML: {error}") from None
    if root.tag != f"{{{NS}}}Project":
        raise FormatError("not a Microsoft Project XML file (no Project element in its namespace)")
    assigned: dict[int, int] = {}
    for assignment in _all(root, "Assignments/Assignment"):
        task, resource = (
            _int(assignment, "TaskUID", "Assignment"),
            _int(assignment, "ResourceUID", "Assignment"),
        )
        if task is not None and resource is not None and resource >= 0:
            assigned.setdefault(task, resource)  # the first resource named owns the task
    calendar = _base_calendar(root)
    return PlanFile(
        name=_text(root, "Name") or _text(root, "Title") or "",
        start=_day(root, "StartDate", "Project"),
        weekmask=_weekmask(calendar),
        days_off=_days_off(calendar),
        # UID 0 is the project's own summary row, which Microsoft Project writes first.
        tasks=tuple(
            task
            for task in (
                _read_task(element, assigned, row)
                for row, element in enumerate(_all(root, "Tasks/Task"), start=1)
            )
            if task.uid != 0
        ),
        resources=tuple(
            PlanResource(uid, _text(element, "Name") or "", _text(element, "EmailAddress"))
            for element in _all(root, "Resources/Resource")
            if (uid := _int(element, "UID", "Resource")) is not None and uid != 0
        ),
    )
