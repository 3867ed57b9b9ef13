"""The final report's words: each section of the plan against what happened, in the reader's language.

Sections are plain paragraphs and tables (see bot/report_doc.py) so the Markdown and PDF editions
say exactly the same; people are named as Slack shows them, not by id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.formats import fmt_date, fmt_list, fmt_money
from bot.i18n import Translator
from bot.report_doc import Paragraph, Section, Table
from handlers.status.command import undated_keys
from models.calendar.working_days import WorkCalendar
from models.changes.tables import ChangeRequest
from models.closing.checklist import key_of, title_of
from models.closing.final_report import FinalReport
from models.core.enums import ChangeStatus, Disposition, IssueStatus, RiskStatus
from models.core.keys import ItemKind, item_key
from models.issues.tables import Issue
from models.schedule.baseline import slip

Names = Callable[[str | None], str]
NONE = "—"


def cols(t: Translator, *names: str) -> tuple[str, ...]:
    """Column headings by name."""
    return tuple(t(f"report.col.{name}") for name in names)


def day(value: date | None, t: Translator) -> str:
    """A date in a table cell, written the report's language's way; a dash where there is none."""
    return fmt_date(value, t) if value else NONE


def money(report: FinalReport, amount: Decimal | None, t: Translator) -> str:
    return fmt_money(amount, report.project.currency, t)


def none_or(table: Table, t: Translator) -> Table | Paragraph:
    return table if table.rows else Paragraph(t("report.none"))


def local_day(report: FinalReport, moment: datetime | None) -> date | None:
    """A timestamp as the day it was on the project's calendar."""
    return moment.astimezone(ZoneInfo(report.project.timezone)).date() if moment else None


def variance(actual: date | None, planned: date | None, calendar: WorkCalendar) -> str:
    """Working days late (negative: early) on the project's calendar."""
    if actual is None or planned is None:
        return NONE
    return f"{slip(calendar, planned, actual):+d}"


def outcome(report: FinalReport, end: date | None, t: Translator) -> str:
    """How the end compares with the baseline, in words: "ended 13 days early", never "-13 days"."""
    key = f"report.outcome.{'final' if report.closed else 'draft'}"
    spent = {
        "spent": money(report, report.status.spent, t),
        "baseline": money(report, report.project.baseline_budget, t),
    }
    baseline = report.project.baseline_end_date
    if end is None or baseline is None:
        return t(f"{key}.undated", **spent)
    days = (end - baseline).days
    if days == 0:
        return t(f"{key}.on_time", **spent)
    return t(f"{key}.{'late' if days > 0 else 'early'}", days=abs(days), **spent)


def charter_section(report: FinalReport, t: Translator) -> Section:
    project = report.project
    end = report.as_of if report.closed else None
    plan = Table(
        cols(t, "what", "charter", "final_plan", "actual"),
        [
            (
                t("report.row.start"),
                day(project.start_date, t),
                day(project.start_date, t),
                day(project.start_date, t),
            ),
            (
                t("report.row.end"),
                day(project.baseline_end_date, t),
                day(project.target_end_date, t),
                day(end, t),
            ),
            (
                t("report.row.budget"),
                money(report, project.baseline_budget, t),
                money(report, project.budget, t),
                money(report, report.status.spent, t),
            ),
        ],
        widths=(2, 2, 2, 2),
    )
    approved = [change for change in report.changes if change.status is ChangeStatus.APPROVED]
    changes = Table(
        cols(t, "key", "title", "days", "cost", "scope", "decided"),
        [change_row(report, change, t) for change in approved],
        widths=(2, 5, 1, 2, 4, 2),
    )
    counts = {status: sum(1 for c in report.changes if c.status is status) for status in ChangeStatus}
    return Section(
        t("report.section.charter"),
        [
            Paragraph(t("report.goal", goal=project.goal or NONE)),
            Paragraph(
                t("report.scope", scope_in=project.scope_in or NONE, scope_out=project.scope_out or NONE)
            ),
            plan,
            Paragraph(outcome(report, end or project.target_end_date, t)),
            Paragraph(
                t("report.changes_title", **{status.value: count for status, count in counts.items()}),
                bold=True,
            ),
            none_or(changes, t),
        ],
    )


def change_row(report: FinalReport, change: ChangeRequest, t: Translator) -> tuple[str, ...]:
    return (
        key_of(report.project, change),
        change.title,
        f"{change.schedule_days:+d}",
        money(report, change.cost_impact, t),
        change.scope_impact or NONE,
        day(local_day(report, change.decided_at), t),
    )


def undated_rows(report: FinalReport, t: Translator) -> list[tuple[str, str]]:
    """Tasks planned value could not place in time, named as the status names them."""
    count = report.status.value.undated
    return [(t("report.ev.undated", count=count), undated_keys(report.status, t))] if count else []


def earned_value_section(report: FinalReport, t: Translator) -> Section:
    status, value = report.status, report.status.value

    def index(number: float | None) -> str:
        return f"{number:.2f}" if number is not None else NONE

    rows = [
        (
            t("report.ev.progress"),
            t(
                "report.ev.progress_value",
                done=status.progress.done,
                total=status.progress.total,
                percent=status.progress.weighted_percent,
            ),
        ),
        (t("report.ev.pv"), money(report, value.planned_value, t)),
        (t("report.ev.ev"), money(report, value.earned_value, t)),
        (t("report.ev.ac"), money(report, value.actual_cost, t)),
        (t("report.ev.sv"), money(report, value.schedule_variance, t)),
        (t("report.ev.cv"), money(report, value.cost_variance, t)),
        (t("report.ev.spi"), index(value.spi)),
        (t("report.ev.cpi"), index(value.cpi)),
        (
            t("report.ev.eac", method=t(f"status.eac_method.{value.method.value}")),
            money(report, value.estimate_at_completion, t),
        ),
        (t("report.ev.etc"), money(report, value.estimate_to_complete, t)),
        (t("report.ev.vac"), money(report, value.variance_at_completion, t)),
        (t("report.ev.tcpi"), index(value.to_complete_index)),
        *undated_rows(report, t),
        (t("report.ev.health"), t(f"status.health.{status.assessment.health.value}")),
    ]
    return Section(
        t("report.section.earned_value"),
        [
            Paragraph(t("report.ev.as_of", day=day(report.as_of, t))),
            Table(cols(t, "measure", "value"), rows, widths=(2, 3)),
        ],
    )


def milestones_section(report: FinalReport, t: Translator) -> Section:
    rows = [
        (
            key_of(report.project, m),
            m.name,
            day(m.baseline_due, t),
            day(m.due_date, t),
            day(m.completed_on, t) if m.completed_on else t("report.not_reached"),
            variance(m.completed_on, m.baseline_due, report.status.calendar),
        )
        for m in report.milestones
    ]
    headers = cols(t, "key", "name", "baseline", "final_due", "reached", "variance")
    table = none_or(Table(headers, rows, widths=(2, 5, 2, 2, 2, 1)), t)
    slipped = report.status.slipped
    tasks = [Paragraph(t("report.tasks_slipped", count=slipped))] if slipped else []
    return Section(t("report.section.milestones"), [table, *tasks])


def deliverables_section(report: FinalReport, t: Translator, names: Names) -> Section:
    rows = [
        (
            key_of(report.project, item),
            title_of(item),
            t(f"acceptance.state.{item.acceptance.value}"),
            names(item.accepted_by) if item.accepted_by else NONE,
            item.acceptance_note or NONE,
        )
        for item in report.deliverables
    ]
    headers = cols(t, "key", "title", "acceptance", "by", "note")
    return Section(
        t("report.section.deliverables"), [none_or(Table(headers, rows, widths=(2, 4, 2, 3, 5)), t)]
    )


def risks_section(report: FinalReport, t: Translator, names: Names) -> Section:
    risks = report.risks
    counts = t(
        "report.risk_counts",
        total=len(risks),
        occurred=sum(1 for r in risks if r.status is RiskStatus.OCCURRED),
        closed=sum(1 for r in risks if r.status is RiskStatus.CLOSED),
        carried=sum(1 for r in risks if r.disposition is Disposition.CARRIED_OVER),
    )
    rows = [
        (
            key_of(report.project, item.risk),
            item.risk.title,
            str(item.risk.score),
            names(item.risk.owner_id),
            fmt_list(
                (item_key(report.project.key, ItemKind.ISSUE, number) for number in item.issue_numbers), t
            )
            or NONE,
        )
        for item in report.occurred
    ]
    headers = cols(t, "key", "title", "score", "owner", "issues")
    return Section(
        t("report.section.risks"),
        [
            Paragraph(counts),
            Paragraph(t("report.occurred_title"), bold=True),
            none_or(Table(headers, rows, widths=(2, 5, 1, 3, 3)), t),
        ],
    )


def issue_state(issue: Issue, t: Translator) -> str:
    if issue.disposition is not None:
        return t(f"report.disposition.{issue.disposition.value}")
    return t(f"report.issue_status.{issue.status.value}")


def issues_section(report: FinalReport, t: Translator, names: Names) -> Section:
    rows = [
        (
            key_of(report.project, issue),
            issue.title,
            t(f"issues.severity.{issue.severity.value}"),
            names(issue.owner_id),
            issue_state(issue, t),
            issue.resolution or NONE,
        )
        for issue in report.issues
    ]
    open_count = sum(1 for issue in report.issues if issue.status is IssueStatus.OPEN)
    headers = cols(t, "key", "title", "severity", "owner", "state", "resolution")
    return Section(
        t("report.section.issues"),
        [
            Paragraph(t("report.issue_counts", total=len(report.issues), open=open_count)),
            none_or(Table(headers, rows, widths=(2, 5, 2, 3, 2, 5)), t),
        ],
    )


def quality_section(report: FinalReport, t: Translator, names: Names) -> Section:
    criteria = {criterion.id: criterion.text for plan in report.quality for criterion in plan.criteria}
    rows = []
    for plan in report.quality:
        for review in plan.reviews:
            results = report.results.get(review.id, [])
            failed = [criteria.get(result.criterion_id, "?") for result in results if not result.passed]
            rows.append(
                (
                    plan.key,
                    names(review.reviewer_id),
                    day(review.due_date, t),
                    t(f"report.review.{review.status.value}"),
                    t("report.passed_of", passed=len(results) - len(failed), total=len(results)),
                    "; ".join(failed) or NONE,
                    review.note or NONE,
                )
            )
    headers = cols(t, "deliverable", "reviewer", "date", "result", "criteria", "failed", "note")
    planned = sum(len(plan.criteria) for plan in report.quality)
    return Section(
        t("report.section.quality"),
        [
            Paragraph(
                t(
                    "report.quality_counts",
                    deliverables=len(report.quality),
                    criteria=planned,
                    reviews=len(rows),
                )
            ),
            none_or(Table(headers, rows, widths=(3, 3, 2, 2, 2, 4, 4)), t),
        ],
    )
