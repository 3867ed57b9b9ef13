"""The `digests` pass: each project's weekly digest, and the portfolio digest for the PMO channel.

A project's digest goes out at its communication plan's day and time in the project's time
zone (Monday 09:00 by default), once per ISO week, caught up later that day if the bot was
down. The portfolio digest goes to PMO_PORTFOLIO_CHANNEL on Monday from 09:00 UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import Block, header, section
from bot.formats import fmt_list, fmt_money, mention
from bot.health_chart import HealthHistory, render_health_history
from bot.i18n import Translator
from bot.outbox import send_once
from bot.runtime import Runtime
from handlers.change_decisions import STATUS_MARK
from handlers.command import CommandRouter
from handlers.context import project_translator, translator_for
from handlers.risk_lines import level
from handlers.status import HEALTH_MARK
from models.changes import change_key
from models.comms import CommPlanLine
from models.comms_plan import WEEKDAYS
from models.digest import Digest, health_history, iso_week, keep_snapshot, weekly_digest
from models.enums import CommKind, Phase
from models.project import Project
from models.risks import risk_key
from models.status import status_of
from models.tasks import task_key
from models.team import workspace_allocations
from models.work import Task
from models.workspace import Workspace

PORTFOLIO_DAY, PORTFOLIO_TIME = "mon", time(9, 0)
HISTORY_WEEKS = 8


def health_text(digest: Digest, t: Translator) -> str:
    now = f"{HEALTH_MARK[digest.health]} {t(f'status.health.{digest.health.value}')}"
    if digest.previous_health is None or digest.previous_health is digest.health:
        return t("digests.health", health=now)
    was = f"{HEALTH_MARK[digest.previous_health]} {t(f'status.health.{digest.previous_health.value}')}"
    return t("digests.health_changed", health=now, was=was)


def task_list(project: Project, tasks: list[Task], t: Translator) -> str:
    return fmt_list((f"*{task_key(project, task)}* {task.title}" for task in tasks), t)


def digest_lines(digest: Digest, t: Translator) -> list[str]:
    project = digest.project
    lines = [health_text(digest, t)]
    lines += [t("status.reason", text=t(reason.key, **reason.params)) for reason in digest.reasons]
    if digest.slipped:
        lines.append(t("digests.slipped", items=task_list(project, digest.slipped, t)))
    if digest.status.pending_changes:
        lines.append(t("digests.waiting", count=digest.status.pending_changes))
    lines.append(
        t("digests.done", count=digest.done_count, items=task_list(project, digest.done, t))
        if digest.done_count
        else t("digests.nothing_done")
    )
    if digest.due_next:
        lines.append(t("digests.due_next", items=task_list(project, digest.due_next, t)))
    if digest.new_risks:
        new = digest.new_risks
        risks = fmt_list([f"{level(r.score)} *{risk_key(project, r)}* {r.title}" for r in new], t)
        lines.append(t("digests.new_risks", items=risks))
    if digest.decided_changes:
        marked = [(STATUS_MARK[c.status], change_key(project, c), c.title) for c in digest.decided_changes]
        changes = fmt_list([f"{mark} *{key}* {title}" for mark, key, title in marked], t)
        lines.append(t("digests.changes", items=changes))
    lines.append(
        t(
            "digests.spend",
            week=fmt_money(digest.spent_this_week, project.currency, t),
            total=fmt_money(digest.status.spent, project.currency, t),
            budget=fmt_money(project.budget, project.currency, t),
        )
    )
    return lines


def digest_message(digest: Digest, t: Translator) -> tuple[str, list[Block]]:
    project = digest.project
    title = t("digests.title", key=project.key, name=project.name, week=digest.week)
    if digest.quiet:
        text = t("digests.quiet", title=title)
        return text, [section(text)]
    lines = digest_lines(digest, t)
    return title + "\n" + "\n".join(lines), [header(title), section("\n".join(lines))]


def due_now(line: CommPlanLine, local: datetime) -> bool:
    """The plan's day, from its time until the end of that day."""
    hour, minute = (int(part) for part in line.local_time.split(":"))
    return WEEKDAYS[local.weekday()] in line.days.split(",") and local.time() >= time(hour, minute)


class DigestPass:
    def __init__(self, runtime: Runtime, team_id: str, now: datetime) -> None:
        self.runtime, self.team_id, self.now = runtime, team_id, now
        # The portfolio channel belongs to no project: it reads the workspace's language.
        self.t = translator_for(runtime)

    def run(self) -> None:
        with self.runtime.database.session(self.team_id, write=False) as db:
            projects = db.scalars(select(Project).where(Project.phase != Phase.CLOSED)).all()
            due = [(project.id, project.channel_id) for project in projects if self.is_due(db, project)]
        for project_id, channel in due:
            self.send_digest(project_id, channel)
        if self.runtime.settings.pmo_portfolio_channel:
            self.send_portfolio(self.runtime.settings.pmo_portfolio_channel)

    def is_due(self, db: Session, project: Project) -> bool:
        line = db.scalar(
            select(CommPlanLine).where(
                CommPlanLine.project_id == project.id,
                CommPlanLine.kind == CommKind.DIGEST,
                CommPlanLine.enabled.is_(True),
            )
        )
        return line is not None and due_now(line, self.now.astimezone(ZoneInfo(project.timezone)))

    def send_digest(self, project_id: int, channel: str) -> None:
        with self.runtime.database.session(self.team_id) as db:
            project = db.get(Project, project_id)
            if project is None:
                return
            today = self.now.astimezone(ZoneInfo(project.timezone)).date()
            digest = weekly_digest(db, project, today)
            keep_snapshot(db, project, digest)
            text, blocks = digest_message(digest, project_translator(self.runtime, project))
            key = f"digest:{project.id}:{digest.week}"
        send_once(
            self.runtime,
            team_id=self.team_id,
            key=key,
            kind="digest",
            now=self.now,
            send=lambda client: client.chat_postMessage(channel=channel, text=text, blocks=blocks),
        )

    def send_portfolio(self, channel: str) -> None:
        utc = self.now.astimezone(ZoneInfo("UTC"))
        if WEEKDAYS[utc.weekday()] != PORTFOLIO_DAY or utc.time() < PORTFOLIO_TIME:
            return
        today = utc.date()
        with self.runtime.database.session(self.team_id, write=False) as db:
            text, history = portfolio(db, today, self.t)
        png = render_health_history(history)
        send_once(
            self.runtime,
            team_id=self.team_id,
            key=f"portfolio:{self.team_id}:{iso_week(today)}",
            kind="portfolio",
            now=self.now,
            send=lambda client: client.files_upload_v2(
                channel=channel, file=png, filename=f"portfolio-{iso_week(today)}.png", initial_comment=text
            ),
        )


def portfolio(db: Session, today: date, t: Translator) -> tuple[str, HealthHistory]:
    projects = db.scalars(select(Project).where(Project.phase != Phase.CLOSED).order_by(Project.key)).all()
    healths = {project.id: status_of(db, project, today).assessment.health for project in projects}
    order = {"red": 0, "amber": 1, "green": 2}
    ranked = sorted(projects, key=lambda p: (order[healths[p.id].value], p.key))
    lines = [t("digests.portfolio_title", week=iso_week(today))]
    lines += [
        t(
            "digests.portfolio_project",
            mark=HEALTH_MARK[healths[p.id]],
            key=p.key,
            name=p.name,
            manager=mention(p.manager_id, t),
        )
        for p in ranked
    ]
    over = {user: total for user, total in workspace_allocations(db, today).items() if total > 100}
    if over:
        people = fmt_list((f"{mention(user, t)} {total}%" for user, total in sorted(over.items())), t)
        lines.append(t("digests.over_allocated", people=people))
    weeks = [iso_week(today - timedelta(weeks=n)) for n in reversed(range(HISTORY_WEEKS))]
    history = health_history(db, weeks)
    for project in projects:
        history.setdefault(project.id, {})[iso_week(today)] = healths[project.id]
    rows = {p.key: {week: h.value for week, h in history.get(p.id, {}).items()} for p in ranked}
    return "\n".join(lines), HealthHistory(t("digests.chart_title"), weeks, rows)


def run_digests(runtime: Runtime, now: datetime) -> None:
    with runtime.database.system_session(write=False) as db:
        teams = list(db.scalars(select(Workspace.team_id)))
    for team_id in teams:
        DigestPass(runtime, team_id, now).run()


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("digests", lambda now: run_digests(runtime, now))
