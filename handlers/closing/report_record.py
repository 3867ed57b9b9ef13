"""The final report's record of people and leftovers: carried items, lessons, team, documents, charts."""

from __future__ import annotations

from datetime import date

from bot.charts import AXIS_LABELS
from bot.formats import currency_name
from bot.i18n import Translator
from bot.report_charts import CostCurve, MilestoneMark, PlanRow, PlanVsActual
from bot.report_doc import Paragraph, Section, Table
from handlers.closing.report_content import NONE, Names, cols, day, local_day, none_or
from models.closing.checklist import key_of
from models.closing.final_report import FinalReport
from models.closing.lessons import TEXTS, average_rating
from models.core.enums import Disposition, TaskStatus
from models.issues.tables import Issue
from models.risks.tables import Risk
from models.tasks.tables import Task


def carried_row(
    report: FinalReport, item: Task | Issue | Risk, t: Translator, names: Names
) -> tuple[str, ...]:
    kind = {Task: "task", Issue: "issue", Risk: "risk"}[type(item)]
    if isinstance(item, Task):
        state = t(f"tasks.status.{item.status.value}") + f" · {item.percent_complete}%"
        due = day(item.due_date, t)
    elif isinstance(item, Issue):
        state, due = t(f"issues.severity.{item.severity.value}"), day(item.due_date, t)
    else:
        state, due = t("report.score", score=item.score), day(item.review_date, t)
    return (
        key_of(report.project, item),
        t(f"report.kind.{kind}"),
        item.title,
        names(item.owner_id),
        state,
        due,
    )


def carried_section(report: FinalReport, t: Translator, names: Names) -> Section:
    rows = [carried_row(report, item, t, names) for item in report.carried]
    headers = cols(t, "key", "kind", "title", "owner", "state", "due")
    return Section(
        t("report.section.carried"),
        [Paragraph(t("report.carried_intro")), none_or(Table(headers, rows, widths=(2, 2, 5, 3, 3, 2)), t)],
    )


def lessons_section(report: FinalReport, t: Translator, names: Names) -> Section:
    average = average_rating(report.lessons)
    parts: list[Paragraph | Table] = [
        Paragraph(
            t(
                "report.lessons_summary",
                count=len(report.lessons),
                average=average if average is not None else NONE,
            )
        )
    ]
    for lesson in report.lessons:
        parts.append(
            Paragraph(
                t("report.lesson_who", name=names(lesson.user_id), rating=lesson.rating or NONE), bold=True
            )
        )
        lines = [
            t(f"report.lesson.{name}", text=getattr(lesson, name)) for name in TEXTS if getattr(lesson, name)
        ]
        parts.append(Paragraph("\n".join(lines)))
    return Section(t("report.section.lessons"), parts)


def team_section(report: FinalReport, t: Translator, names: Names) -> Section:
    rows = [
        (
            names(member.user_id),
            t(f"role.{member.role.value}"),
            member.responsibility or NONE,
            f"{member.allocation_pct}%",
            day(member.allocated_from, t),
            day(member.allocated_to, t),
        )
        for member in report.members
    ]
    headers = cols(t, "person", "role", "responsibility", "allocation", "from", "to")
    return Section(t("report.section.team"), [none_or(Table(headers, rows, widths=(3, 2, 4, 2, 2, 2)), t)])


def documents_section(report: FinalReport, t: Translator, names: Names) -> Section:
    rows = [
        (
            document.title,
            t(f"documents.kind.{document.kind}") if document.kind else NONE,
            document.url,
            names(document.added_by),
            day(local_day(report, document.created_at), t),
        )
        for document in report.documents
    ]
    headers = cols(t, "title", "kind", "link", "added_by", "date")
    return Section(t("report.section.documents"), [none_or(Table(headers, rows, widths=(4, 2, 6, 3, 2)), t)])


def plan_row(report: FinalReport, task: Task) -> PlanRow:
    planned_start = task.baseline_start or task.baseline_due
    planned = (
        (planned_start, max(planned_start, task.baseline_due))
        if planned_start and task.baseline_due
        else None
    )
    start = task.start_date or task.due_date
    finish: date | None
    if task.status is TaskStatus.DONE and task.done_at:
        finish = task.done_at.date()
    else:
        finish = (
            max(task.due_date or report.as_of, report.as_of)
            if task.status is not TaskStatus.CANCELLED
            else task.due_date
        )
    actual = (start, max(start, finish)) if start and finish else None
    state = {TaskStatus.DONE: "done", TaskStatus.CANCELLED: "cancelled"}.get(task.status, "open")
    if task.disposition is Disposition.CARRIED_OVER:
        state = "carried"
    return PlanRow(f"{key_of(report.project, task)} {task.title}", planned, actual, state)


def chart_labels(t: Translator, *names: str, prefix: str = "report.chart") -> dict[str, str]:
    """A chart's words (<prefix>.<name>) and its time axis's date patterns, in `t`'s language."""
    labels = {name: t(f"{prefix}.{name}") for name in names}
    return labels | {name: t(f"gantt.label.{name}") for name in AXIS_LABELS}


def plan_chart(report: FinalReport, t: Translator) -> PlanVsActual:
    labels = chart_labels(t, "planned", "done", "open", "carried", "cancelled", "empty")
    marks = tuple(
        MilestoneMark(m.name, m.baseline_due or m.due_date, m.completed_on) for m in report.milestones
    )
    return PlanVsActual(
        title=t("report.chart.plan_title", key=report.project.key),
        rows=tuple(plan_row(report, task) for task in report.tasks),
        milestones=marks,
        labels=labels,
    )


def cost_chart(report: FinalReport, t: Translator) -> CostCurve:
    labels = chart_labels(t, "spent", "planned_value", "budget", "baseline", "empty")
    labels["planned"] = labels.pop("planned_value")
    return CostCurve(
        title=t("report.chart.cost_title", key=report.project.key),
        spent=tuple(report.costs),
        planned=tuple(report.planned_value),
        budget=report.project.budget,
        baseline_budget=report.project.baseline_budget,
        currency=currency_name(report.project.currency, t),
        labels=labels,
    )
