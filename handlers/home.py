"""The App Home tab: a person's own projects and where to start."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks import VIEW_BLOCKS_MAX, Block, context, divider, fit, header, section, sections
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.command import CommandRouter
from handlers.context import ctx_from
from handlers.projects import project_line
from models.portfolio import ProjectFilter, list_projects
from models.project import Project


def home_view(t: Translator, projects: list[Project]) -> dict[str, Any]:
    blocks: list[Block] = [header(t("home.title")), section(t("home.intro")), divider()]
    blocks.append(section(t("home.projects_title")))
    if projects:
        blocks.extend(sections([project_line(project, t) for project in projects]))
    else:
        blocks.append(section(t("home.no_projects")))
    blocks.append(context(t("home.footer")))
    overflow = context(t("projects.too_many", count=len(projects)))
    return {"type": "home", "blocks": fit(blocks, limit=VIEW_BLOCKS_MAX, overflow=overflow)}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.event("app_home_opened")
    def on_home_opened(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        ctx = ctx_from(context, body)
        with ctx.db(write=False) as db:
            projects = list_projects(db=db, user_id=event["user"], which=ProjectFilter.MINE)
        client.views_publish(user_id=event["user"], view=home_view(ctx.t, projects))
