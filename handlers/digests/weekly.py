"""The `digests` pass: each project's weekly digest, and the portfolio digest for the PMO channel.

A project's digest goes out at its communication plan's day and time in the project's time
zone (Monday 09:00 by default), once per ISO week; missed while the bot was down, it is caught
up within three days (models.comms.occurrences), still keyed by the week it was due. The portfolio
digest goes to PMO_PORTFOLIO_CHANNEL on Monday from 09:00 UTC, caught up the same way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.blocks import Block, header, section
from bot.formats import fmt_hours, fmt_list, fmt_money, fmt_week, mention
from bot.health_chart import HealthHistory, render_health_history
from bot.i18n import BatchTranslator, Translator
from bot.markup import Markup
from bot.outbox import Content, Notice
from bot.runtime import Runtime
from handlers.changes.decisions import STATUS_MARK
from handlers.dashboard.links import link_blocks, link_text
from handlers.risks.lines import level
from handlers.slack.command import CommandRouter
from handlers.slack.context import project_translator, translator_for
from handlers.slack.passes import PassFailure, ScheduledPass, project_subject, run_in_every_workspace
from handlers.status.command import HEALTH_MARK, index
from models.changes.requests import change_key
from models.comms.occurrences import DIGEST_WINDOW, PORTFOLIO, Recurrence
from models.comms.plan import enabled_lines
from models.core.enums import CommKind
from models.core.keys import ItemKind, item_key
from models.digests.content import (
    Digest,
    RiskLine,
    TaskLine,
    health_history,
    iso_week,
    keep_snapshots,
    weekly_digests,
)
from models.projects.portfolio import open_projects, projects_by_ids
from models.projects.tables import Project
from models.status.snapshot import current_statuses
from models.team.members import workspace_allocations
from models.trends.tables import TrendSnapshot

log = logging.getLogger(__name__)

HISTORY_WEEKS = 8
# Digests prepared together: enough to amortise the queries, few enough to keep each read short.
BATCH = 100


def health_text(digest: Digest, t: Translator) -> str:
    now = f"{HEALTH_MARK[digest.health]} {t(f'status.health.{digest.health.value}')}"
    if digest.previous_health is None or digest.previous_health is digest.health:
        return t("digests.health", health=now)
    was = f"{HEALTH_MARK[digest.previous_health]} {t(f'status.health.{digest.previous_health.value}')}"
    return t("digests.health_changed", health=now, was=was)


def task_list(project: Project, tasks: list[TaskLine], t: Translator) -> str:
    return fmt_list((f"*{item_key(project.key, ItemKind.TASK, n)}* {title}" for n, title in tasks), t)


def risk_list(project: Project, risks: list[RiskLine], t: Translator) -> str:
    return fmt_list(
        [f"{level(r.score)} *{item_key(project.key, ItemKind.RISK, r.number)}* {r.title}" for r in risks], t
    )


def remaining_text(row: TrendSnapshot, t: Translator) -> str:
    if row.remaining_hours is None:
        return t("digests.trend_tasks", count=row.remaining_tasks)
    return t("digests.trend_hours", hours=fmt_hours(row.remaining_hours))


def trend_line(first: TrendSnapshot, last: TrendSnapshot, t: Translator) -> str:
    """The week in one line, from its first and last snapshot: where the indices and the work went."""
    return t(
        "digests.trend",
        spi=index(first.spi, t),
        spi_now=index(last.spi, t),
        cpi=index(first.cpi, t),
        cpi_now=index(last.cpi, t),
        remaining=remaining_text(first, t),
        remaining_now=remaining_text(last, t),
    )


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
        lines.append(t("digests.new_risks", items=risk_list(project, digest.new_risks, t)))
    if digest.top_risks:
        lines.append(t("digests.top_risks", items=risk_list(project, digest.top_risks, t)))
    if digest.decided_changes:
        marked = [(STATUS_MARK[c.status], change_key(project, c), c.title) for c in digest.decided_changes]
        changes = fmt_list([f"{mark} *{key}* {title}" for mark, key, title in marked], t)
        lines.append(t("digests.changes", items=changes))
    if digest.trend:
        lines.append(trend_line(*digest.trend, t))
    lines.append(
        t(
            "digests.spend",
            week=fmt_money(digest.spent_this_week, project.currency, t),
            total=fmt_money(digest.status.spent, project.currency, t),
            budget=fmt_money(project.budget, project.currency, t),
        )
    )
    return lines


def digest_message(digest: Digest, t: Translator, link: list[Block] | None = None) -> tuple[str, list[Block]]:
    """The digest's text and blocks; `link` is the project's dashboard page, under the figures."""
    project = digest.project
    title = t("digests.title", key=project.key, name=project.name, week=fmt_week(digest.week, t))
    if digest.quiet:
        text = t("digests.quiet", title=title)
        return text, [section(text), *(link or [])]
    lines = digest_lines(digest, t)
    return title + "\n" + "\n".join(lines), [header(title), section("\n".join(lines)), *(link or [])]


class DigestPass(ScheduledPass):
    name = "digests"

    def __init__(self, runtime: Runtime, team_id: str, now: datetime) -> None:
        super().__init__(runtime, team_id, now)
        self.project_of: dict[str, int] = {}  # a draft digest's key: its project

    def run(self) -> None:
        for due_on, drafts in self.due_batches():
            self.send_all(drafts, write_all=partial(self.write_digests, due_on), batch=BATCH)
        channel = self.runtime.settings.pmo_portfolio_channel
        if channel:
            with self.isolated(f"portfolio digest (#{channel})"):
                self.send_portfolio(channel)

    def due_batches(self) -> list[tuple[date, list[Notice]]]:
        """The digests due, unwritten, a batch per time zone and week.

        The sender leaves out those already sent before any is written: the pass runs every
        minute, and days of recomputing a thousand digests only to find them sent would be wasted.
        """
        with self.runtime.database.session(self.team_id, write=False) as db:
            plans = {line.project_id: line for line in enabled_lines(db, CommKind.DIGEST)}
            due = [
                (project, day)
                for project in open_projects(db)
                if (line := plans.get(project.id))
                and (day := Recurrence.of(line, DIGEST_WINDOW).due_on(self.now, project.timezone))
            ]
            batches: dict[tuple[str, date], list[Notice]] = defaultdict(list)
            for project, day in due:
                key, subject = digest_key(project.id, day), project_subject(project)
                self.project_of[key] = project.id
                batches[project.timezone, day].append(
                    Notice.due(key, "digest", project.channel_id, subject=subject)
                )
        return [(day, drafts) for (_, day), drafts in batches.items()]

    def write_digests(self, due_on: date, drafts: list[Notice]) -> list[Notice]:
        """Prepare a batch and keep its health snapshots; the sender then posts them.

        The digests are read in a read-only transaction: on SQLite a write transaction holds
        the database's one write lock, and a batch takes long enough to stall everyone's clicks.
        A project whose digest cannot be written is left out (and recorded); the others go.
        """
        project_ids = [self.project_of[draft.key] for draft in drafts]
        digests: list[Digest] = []
        written: list[Notice] = []
        with self.runtime.database.session(self.team_id, write=False) as db:
            projects = projects_by_ids(db=db, project_ids=project_ids)
            if not projects:
                return []
            subjects = {project.id: project_subject(project) for project in projects}
            prepared = self.prepare(db, projects, due_on)
            # The batch's digests share their week, health lines and more, in a few languages.
            speaks: dict[str, Translator] = {}
            for project in projects:
                digest = prepared.get(project.id)
                if digest is None:
                    continue
                with self.isolated(subjects[project.id]):
                    language = project_translator(self.runtime, project).language
                    t = speaks.setdefault(language, BatchTranslator(language))
                    link = link_blocks(self.runtime.settings, t, project.key)
                    text, blocks = digest_message(digest, t, link)
                    key, channel = digest_key(project.id, due_on), project.channel_id
                    written.append(
                        Notice.due(key, "digest", channel, text, blocks, subject=subjects[project.id])
                    )
                    digests.append(digest)
        snapshots = self.isolated("the digests' health snapshots")
        with snapshots, self.runtime.database.session(self.team_id) as db:
            keep_snapshots(db, digests)
        return written

    def prepare(self, db: Session, projects: list[Project], due_on: date) -> dict[int, Digest]:
        """The batch's digests, read together; if that fails, one by one, so only the faulty one is lost."""
        today = self.now.astimezone(ZoneInfo(projects[0].timezone)).date()
        return self.read_together(db, projects, lambda batch: weekly_digests(db, batch, today, due_on=due_on))

    def send_portfolio(self, channel: str) -> None:
        due_on = PORTFOLIO.due_on(self.now, "UTC")
        if due_on is None:
            return
        key, write = f"portfolio:{self.team_id}:{iso_week(due_on)}", partial(self.write_portfolio, due_on)
        self.send_all(
            [Notice.due(key, "portfolio", channel, write=write, subject=f"portfolio digest (#{channel})")]
        )

    def write_portfolio(self, due_on: date) -> Content:
        """The portfolio's lines and chart, written only when the sender finds it still to send."""
        with self.runtime.database.session(self.team_id, write=False) as db:
            # The portfolio channel belongs to no project: it reads the workspace's language.
            t = translator_for(self.runtime)
            text, history = portfolio(db, self.now, t)
        link = link_text(self.runtime.settings, t)
        png = render_health_history(history)
        text = f"{text}\n{link}" if link else text
        return Content(text, file=png, filename=f"portfolio-{iso_week(due_on)}.png")


def digest_key(project_id: int, due_on: date) -> str:
    return f"digest:{project_id}:{iso_week(due_on)}"


def portfolio(db: Session, now: datetime, t: Translator) -> tuple[str, HealthHistory]:
    """The workspace's week (in UTC, as the digest is scheduled) and each project's health on its
    own day, as its channel's `/pmo status` gives it."""
    today = now.astimezone(UTC).date()
    projects = open_projects(db)
    statuses = current_statuses(db, projects, now)
    healths = {project.id: statuses[project.id].assessment.health for project in projects}
    order = {"red": 0, "amber": 1, "green": 2}
    ranked = sorted(projects, key=lambda p: (order[healths[p.id].value], p.key))
    lines = [t("digests.portfolio_title", week=fmt_week(iso_week(today), t))]
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
        shares = sorted(over.items())
        people = fmt_list((mention(user, t) + Markup(f" {total}%") for user, total in shares), t)
        lines.append(t("digests.over_allocated", people=people))
    weeks = [iso_week(today - timedelta(weeks=n)) for n in reversed(range(HISTORY_WEEKS))]
    history = health_history(db, weeks)
    for project in projects:
        history.setdefault(project.id, {})[iso_week(today)] = healths[project.id]
    rows = {p.key: {week: h.value for week, h in history.get(p.id, {}).items()} for p in ranked}
    return "\n".join(lines), HealthHistory(t("digests.chart_title"), weeks, rows)


def run_digests(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, DigestPass)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("digests", lambda now: run_digests(runtime, now))
