"""The `digests` pass: each project's weekly digest, and the portfolio digest for the PMO channel.

A project's digest goes out at its communication plan's day and time in the project's time
zone (Monday 09:00 by default), once per ISO week, caught up later that day if the bot was
down. The portfolio digest goes to PMO_PORTFOLIO_CHANNEL on Monday from 09:00 UTC.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import Block, header, section
from bot.formats import fmt_list, fmt_money, mention
from bot.health_chart import HealthHistory, render_health_history
from bot.i18n import Translator
from bot.outbox import Outgoing, send_all, send_once
from bot.runtime import Runtime
from handlers.change_decisions import STATUS_MARK
from handlers.command import CommandRouter
from handlers.context import project_translator, translator_for
from handlers.risk_lines import level
from handlers.status import HEALTH_MARK
from models.changes import change_key
from models.comms import CommPlanLine
from models.comms_plan import WEEKDAYS
from models.deliveries import settled_keys
from models.digest import Digest, health_history, iso_week, keep_snapshots, weekly_digests
from models.enums import CommKind, Phase
from models.project import Project
from models.risks import risk_key
from models.status import statuses_of
from models.tasks import task_key
from models.team import workspace_allocations
from models.work import Task
from models.workspace import Workspace

PORTFOLIO_DAY, PORTFOLIO_TIME = "mon", time(9, 0)
HISTORY_WEEKS = 8
# Digests prepared in one transaction: enough to amortise the queries, few enough to stay short.
BATCH = 100


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


def _post(client: WebClient, *, channel: str, text: str, blocks: list[Block]) -> SlackResponse:
    return client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def digest_plans(db: Session) -> dict[int, CommPlanLine]:
    """Each project's digest line of its communication plan, when it is on."""
    lines = db.scalars(
        select(CommPlanLine).where(CommPlanLine.kind == CommKind.DIGEST, CommPlanLine.enabled.is_(True))
    )
    return {line.project_id: line for line in lines}


def due_now(line: CommPlanLine, local: datetime) -> bool:
    """The plan's day, from its time until the end of that day."""
    hour, minute = (int(part) for part in line.local_time.split(":"))
    return WEEKDAYS[local.weekday()] in line.days.split(",") and local.time() >= time(hour, minute)


def digest_key(project: Project, today: date) -> str:
    return f"digest:{project.id}:{iso_week(today)}"


class DigestPass:
    def __init__(self, runtime: Runtime, team_id: str, now: datetime) -> None:
        self.runtime, self.team_id, self.now = runtime, team_id, now
        # The portfolio channel belongs to no project: it reads the workspace's language.
        self.t = translator_for(runtime)

    def local_today(self, project: Project) -> date:
        return self.now.astimezone(ZoneInfo(project.timezone)).date()

    def run(self) -> None:
        for batch in self.due_batches():
            self.send_digests(batch)
        if self.runtime.settings.pmo_portfolio_channel:
            self.send_portfolio(self.runtime.settings.pmo_portfolio_channel)

    def due_batches(self) -> list[list[int]]:
        """Ids of the projects whose digest is due and not yet sent, by time zone, a batch at a time.

        Sent digests are left out before any is prepared: the pass runs every minute, and a
        Monday of recomputing a thousand digests only to find them sent would be wasted.
        """
        with self.runtime.database.session(self.team_id, write=False) as db:
            projects = db.scalars(select(Project).where(Project.phase != Phase.CLOSED)).all()
            plans = digest_plans(db)
            due = [
                project
                for project in projects
                if (plan := plans.get(project.id))
                and due_now(plan, self.now.astimezone(ZoneInfo(project.timezone)))
            ]
            keys = {project.id: digest_key(project, self.local_today(project)) for project in due}
            sent = settled_keys(db, list(keys.values()), self.now)
        by_zone: dict[str, list[int]] = defaultdict(list)
        for project in due:
            if keys[project.id] not in sent:
                by_zone[project.timezone].append(project.id)
        return [ids[start : start + BATCH] for ids in by_zone.values() for start in range(0, len(ids), BATCH)]

    def send_digests(self, project_ids: list[int]) -> None:
        """Prepare a batch, keep its health snapshots, then post them, several channels at a time.

        The digests are read in a read-only transaction: on SQLite a write transaction holds
        the database's one write lock, and a batch takes long enough to stall everyone's clicks.
        """
        with self.runtime.database.session(self.team_id, write=False) as db:
            projects = db.scalars(select(Project).where(Project.id.in_(project_ids))).all()
            if not projects:
                return
            today = self.local_today(projects[0])
            digests = weekly_digests(db, projects, today)
            outgoing = []
            for project in projects:
                text, blocks = digest_message(digests[project.id], project_translator(self.runtime, project))
                post = partial(_post, channel=project.channel_id, text=text, blocks=blocks)
                outgoing.append(Outgoing(digest_key(project, today), "digest", project.channel_id, post))
        with self.runtime.database.session(self.team_id) as db:
            keep_snapshots(db, digests.values())
        send_all(self.runtime, team_id=self.team_id, now=self.now, outgoing=outgoing)

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
    statuses = statuses_of(db, projects, today)
    healths = {project.id: statuses[project.id].assessment.health for project in projects}
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
