"""The App Home tab: a person's open tasks, their projects' health and the decisions they owe."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks import VIEW_BLOCKS_MAX, Block, context, divider, fit, header, section
from bot.formats import fmt_date
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.changes.buttons import decision_buttons
from handlers.closing.checklist import deliverable_buttons
from handlers.dashboard.links import link_blocks
from handlers.projects.listing import project_line
from handlers.slack.command import CommandRouter
from handlers.slack.context import Ctx
from handlers.slack.directory import language_of, lookup, zone_of
from handlers.slack.forms import DateContext
from handlers.slack.payloads import HomeOpened
from handlers.status.command import HEALTH_MARK
from handlers.tasks.buttons import buttons_for
from models.core.access import Actor
from models.core.clock import utcnow
from models.core.keys import ItemKind, item_key
from models.core.workspace import stored_profile
from models.projects.my_work import Waiting, changes_to_decide, deliverables_to_accept, my_open_tasks
from models.projects.portfolio import ProjectFilter, list_projects
from models.status.snapshot import current_statuses

log = logging.getLogger(__name__)

# Two blocks a task (the line and its buttons) keep the tab under Slack's 100 blocks.
TASKS_SHOWN = 20
# Decisions take two blocks each as well; past these, the rest are counted.
DECISIONS_SHOWN = 10
WAITING_KIND = {"change": ItemKind.CHANGE, "task": ItemKind.TASK, "milestone": ItemKind.MILESTONE}
# How long a refresh waits for the person's next change before it rebuilds their tab: people
# click Done down a list a second or so apart, and each rebuild reads the status of every one
# of their projects anew (each write moved it). One rebuild then shows them all.
REFRESH_PAUSE_S = 1.0


def task_blocks(db: Session, user_id: str, dates: DateContext, t: Translator) -> list[Block]:
    # The person's own list: "late" by their own day, where the projects' health above is
    # judged on each project's day (as `/pmo status` judges it, the same for every viewer).
    today = dates.today()
    blocks: list[Block] = [section(t("home.tasks_title"))]
    mine = my_open_tasks(db, user_id, today, TASKS_SHOWN)
    for task in mine:
        late = task.due_date is not None and task.due_date < today
        line = t(
            "home.task",
            key=task.key,
            title=task.title,
            due=fmt_date(task.due_date, t),
            status=t(f"tasks.status.{task.status.value}"),
            late=t("home.late") if late else "",
        )
        blocks += [section(line), buttons_for(task.key, t)]
    if not mine:
        blocks.append(section(t("home.no_tasks")))
    return blocks


def project_blocks(db: Session, user_id: str, t: Translator) -> list[Block]:
    """Each of the person's projects with its health as `/pmo status` gives it: on the project's
    own day, not the person's (the same figures for every viewer, and the snapshot they share)."""
    projects = list_projects(db=db, actor=Actor(user_id), which=ProjectFilter.MINE)
    statuses = current_statuses(db, projects)
    lines = [
        f"{HEALTH_MARK[statuses[project.id].assessment.health]} {project_line(project, t)}"
        for project in projects
    ]
    return [section(t("home.projects_title")), section("\n".join(lines) if lines else t("home.no_projects"))]


def waiting_line(waiting: Waiting, t: Translator) -> str:
    key = item_key(waiting.project.key, WAITING_KIND[waiting.kind], waiting.number)
    return t(f"home.waiting.{waiting.kind}", key=key, title=waiting.title)


def waiting_buttons(waiting: Waiting, t: Translator) -> Block:
    """The same buttons as on the item's own message, so a decision needs no trip to the channel."""
    key = item_key(waiting.project.key, WAITING_KIND[waiting.kind], waiting.number)
    if waiting.kind == "change":
        return decision_buttons(key, t)
    return deliverable_buttons(key, t)


def decision_blocks(db: Session, user_id: str, t: Translator) -> list[Block]:
    waiting = changes_to_decide(db, user_id) + deliverables_to_accept(db, user_id)
    blocks: list[Block] = [section(t("home.decisions_title"))]
    if not waiting:
        return [*blocks, section(t("home.no_decisions"))]
    for item in waiting[:DECISIONS_SHOWN]:
        blocks += [section(waiting_line(item, t)), waiting_buttons(item, t)]
    if len(waiting) > DECISIONS_SHOWN:
        blocks.append(context(t("home.decisions_more", count=len(waiting) - DECISIONS_SHOWN)))
    return blocks


def home_view(
    db: Session, user_id: str, dates: DateContext, t: Translator, link: list[Block] | None = None
) -> dict[str, Any]:
    """The person's Home tab; `link` is the dashboard's, shown under the introduction."""
    blocks: list[Block] = [header(t("home.title")), section(t("home.intro")), *(link or []), divider()]
    blocks += [*decision_blocks(db, user_id, t), divider()]
    blocks += [*project_blocks(db, user_id, t), divider()]
    blocks += task_blocks(db, user_id, dates, t)
    blocks.append(context(t("home.footer")))
    return {"type": "home", "blocks": fit(blocks, limit=VIEW_BLOCKS_MAX, overflow=context(t("home.cut")))}


def publish_home(ctx: Ctx, user_id: str) -> None:
    with ctx.db(write=False) as db:
        # The tab is the person's own, whoever's action refreshed it: their language and time
        # zone, from their profile read once in the tab's own session (not two sessions more).
        person = lookup(ctx, user_id, stored=partial(stored_profile, db, user_id))
        t = Translator(language_of(ctx, user_id, find=lambda _: person))
        dates = DateContext(tz=zone_of(person), now=utcnow())
        view = home_view(db, user_id, dates, t, link_blocks(ctx.runtime.settings, t))
    ctx.client.views_publish(user_id=user_id, view=view)


def refresh_homes(ctx: Ctx, user_ids: Iterable[str | None]) -> None:
    """Republish the Home tab of everyone a change touched, once the answer has gone.

    A tab is a few queries and a `views.publish` round trip to Slack each; done inside the
    request, they made a click on Done several times slower than the change it records.
    """
    for user_id in sorted({user for user in user_ids if user}):
        key = f"home:{ctx.team_id}:{user_id}"
        ctx.after(ctx.runtime.defer_once, key, _republish, ctx, user_id, pause=REFRESH_PAUSE_S)


def _republish(ctx: Ctx, user_id: str) -> None:
    """A failure here loses nothing: the tab is rebuilt the next time it is opened."""
    try:
        publish_home(ctx, user_id)
    except SlackApiError as error:
        log.warning("could not refresh the Home tab of %s: %s", user_id, error.response.get("error"))


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.event("app_home_opened")
    def on_home_opened(ctx: Ctx, slack_event: HomeOpened) -> None:
        if slack_event.tab != "home":
            return
        # Published after the answer: Slack resends an event not acknowledged within 3 s.
        ctx.after(_republish, ctx, slack_event.user)
