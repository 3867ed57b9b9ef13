"""`/pmo projects`: the workspace's projects at a glance."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import MESSAGE_BLOCKS_MAX, context, fit, header, sections
from bot.formats import mention
from bot.i18n import Translator
from bot.markup import channel_link
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from models.projects.portfolio import ProjectFilter, list_projects
from models.projects.tables import Project


def project_line(project: Project, t: Translator) -> str:
    manager = mention(project.manager_id, t) if project.manager_id else t("projects.no_manager")
    return t(
        "projects.line",
        key=project.key,
        name=project.name,
        channel=channel_link(project.channel_id),
        phase=t(f"phase.{project.phase.value}"),
        manager=manager,
    )


def parse_filter(words: list[str]) -> ProjectFilter:
    if not words:
        return ProjectFilter.OPEN
    if len(words) > 1 or words[0].lower() not in ProjectFilter.__members__.values():
        raise UsageError("projects.bad_filter", given=" ".join(words))
    return ProjectFilter(words[0].lower())


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "projects",
        usage="projects [open|mine|closed|all]",
        example="projects mine",
        shareable=True,
        reads=Reads.NOTHING,
    )
    def projects_verb(invocation: Invocation) -> Reply:
        which = parse_filter(invocation.words)
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            lines = [
                project_line(project, ctx.t)
                for project in list_projects(
                    db=db, actor=ctx.actor, which=which, place=invocation.command.channel_id
                )
            ]
        title = ctx.t(f"projects.title.{which.value}")
        if not lines:
            return Reply(ctx.t(f"projects.none.{which.value}"))
        body = sections(lines)
        more = context(ctx.t("projects.too_many", count=len(lines)))
        blocks = fit([header(title), *body], limit=MESSAGE_BLOCKS_MAX, overflow=more)
        return Reply(text=title + "\n" + "\n".join(lines), blocks=blocks)
