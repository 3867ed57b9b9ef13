"""`/pmo trend [KEY]`: the project's trend charts, drawn from its daily snapshots after the answer."""

from __future__ import annotations

from slack_bolt import App

from bot.formats import fmt_date, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.closing.final_report import keyed_project, report_translator
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply
from handlers.slack.context import Ctx
from handlers.trends.charts import trend_charts
from models.projects.portfolio import project_by_id
from models.trends.daily import trend_of
from models.trends.history import FEWEST, trend_data
from models.trends.tables import TrendSnapshot


def too_few(key: str, snapshots: list[TrendSnapshot], t: Translator) -> str:
    """The answer while there is no line to draw: what was kept so far, and when a chart comes."""
    if not snapshots:
        return t("trend.none_yet", key=key)
    only = snapshots[0]
    return t(
        "trend.one_so_far", key=key, day=fmt_date(only.day, t), health=t(f"status.health.{only.health.value}")
    )


def upload_trend(ctx: Ctx, project_id: int, channel_id: str) -> None:
    with ctx.db(write=False) as db:
        data = trend_data(db, project_by_id(db, project_id))
    project = data.project
    t = report_translator(ctx, project, channel_id)
    charts = trend_charts(data, t.literal())  # drawn in pictures, which are not mrkdwn
    last = data.snapshots[-1].day.isoformat()
    ctx.client.files_upload_v2(
        channel=channel_id,
        initial_comment=t(
            "trend.comment",
            user=mention(ctx.user_id or project.manager_id, t),
            key=project.key,
            count=len(data.snapshots),
            first=fmt_date(data.snapshots[0].day, t),
            last=fmt_date(data.snapshots[-1].day, t),
        ),
        file_uploads=[
            {"file": chart.png, "filename": f"{project.key}-trend-{n}-{last}.png", "title": chart.caption}
            for n, chart in enumerate(charts, start=1)
        ],
    )


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("trend", usage="trend [KEY]", example="trend APL", reads=Reads.KEYED)
    def trend_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = keyed_project(db, invocation, "trend.bad_args")
            snapshots = trend_of(db, project)
        if len(snapshots) < FEWEST:
            return Reply(too_few(project.key, snapshots, ctx.t))
        ctx.after(upload_trend, ctx, project.id, invocation.command.channel_id)
        return Reply(ctx.t("trend.drawing", key=project.key, count=len(snapshots)))
