"""`/pmo report [KEY]`: the final report as Markdown and PDF, built and uploaded after the answer.

Posted by itself when a project is closed; before that it is a draft that says so.
"""

from __future__ import annotations

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.formats import fmt_date, mention
from bot.i18n import Translator
from bot.lazy import lazy_module
from bot.report_charts import render_cost_over_time, render_plan_vs_actual
from bot.report_doc import Chart, ReportDocument, Section
from bot.report_markdown import render_markdown
from bot.runtime import Runtime
from handlers.closing.report_content import (
    NONE,
    Names,
    charter_section,
    deliverables_section,
    earned_value_section,
    issues_section,
    milestones_section,
    quality_section,
    risks_section,
)
from handlers.closing.report_record import (
    carried_section,
    cost_chart,
    documents_section,
    lessons_section,
    plan_chart,
    team_section,
)
from handlers.schedule.gantt import display_name
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.trends.charts import trend_charts
from models.closing.final_report import FinalReport, final_report
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project

# fpdf is imported when the first report is written, not when the bot starts (see bot/lazy.py).
report_pdf = lazy_module("bot.report_pdf")


def charts_section(report: FinalReport, t: Translator) -> Section:
    return Section(
        t("report.section.charts"),
        [
            Chart(t("report.chart.plan_caption"), render_plan_vs_actual(plan_chart(report, t))),
            Chart(t("report.chart.cost_caption"), render_cost_over_time(cost_chart(report, t))),
            *(trend_charts(report.trend, t) if report.trend.drawable else []),
        ],
    )


def report_document(report: FinalReport, t: Translator, names: Names) -> ReportDocument:
    project = report.project
    kind = "final" if report.closed else "draft"
    return ReportDocument(
        title=t(f"report.title.{kind}", key=project.key, name=project.name),
        subtitle=t(
            f"report.subtitle.{kind}",
            day=fmt_date(report.as_of, t),
            manager=names(project.manager_id),
            sponsor=names(project.sponsor_id),
        ),
        sections=[
            charter_section(report, t),
            earned_value_section(report, t),
            milestones_section(report, t),
            deliverables_section(report, t, names),
            risks_section(report, t, names),
            issues_section(report, t, names),
            quality_section(report, t, names),
            carried_section(report, t, names),
            lessons_section(report, t, names),
            team_section(report, t, names),
            documents_section(report, t, names),
            charts_section(report, t),
        ],
        chart_note=t("report.chart_in_pdf"),
        footer=t("report.footer", key=project.key, day=fmt_date(report.as_of, t)),
    )


def names_for(ctx: Ctx) -> Names:
    """People by the name Slack shows, each looked up once per report."""
    known: dict[str, str] = {}

    def name(user_id: str | None) -> str:
        if user_id is None:
            return NONE
        if user_id not in known:
            known[user_id] = display_name(ctx, user_id) or user_id
        return known[user_id]

    return name


def report_translator(ctx: Ctx, project: Project, channel_id: str) -> Translator:
    """The project's language in its own channel; a copy asked for elsewhere, the asker's."""
    return ctx.t_project(project) if channel_id == project.channel_id else ctx.t


def upload_report(ctx: Ctx, project_id: int, channel_id: str) -> None:
    with ctx.db(write=False) as db:
        report = final_report(db, project_by_id(db, project_id))
    project, stem = report.project, f"{report.project.key}-report-{report.as_of.isoformat()}"
    t = report_translator(ctx, project, channel_id)
    # The files show what people typed as they typed it; only the comment is mrkdwn.
    document = report_document(report, t.literal(), names_for(ctx))
    ctx.client.files_upload_v2(
        channel=channel_id,
        initial_comment=t(
            "report.comment",
            title=document.title,
            user=mention(ctx.user_id or project.manager_id, t),
            carried=len(report.carried),
            lessons=len(report.lessons),
        ),
        file_uploads=[
            {
                "content": render_markdown(document),
                "filename": f"{stem}.md",
                "title": t.literal()("report.file.markdown", title=document.title),
            },
            {
                "file": report_pdf.render_pdf(document),
                "filename": f"{stem}.pdf",
                "title": t.literal()("report.file.pdf", title=document.title),
            },
        ],
    )


def keyed_project(db: Session, invocation: Invocation, bad_args: str) -> Project:
    """The project a verb's one optional word names by key, else the channel's."""
    words = invocation.words
    if len(words) > 1:
        raise UsageError(bad_args, given=" ".join(words))
    return find_project(db, channel_id=invocation.command.channel_id, key=words[0] if words else None)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("report", usage="report [KEY]", example="report APL", reads=Reads.KEYED)
    def report_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = keyed_project(db, invocation, "report.bad_args")
        ctx.after(upload_report, ctx, project.id, invocation.command.channel_id)
        return Reply(ctx.t("report.writing", key=project.key))
