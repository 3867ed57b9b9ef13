"""`/pmo template save <name> [replace]`: a PMO administrator keeps a project's way of working
as a template `/pmo new` offers from then on."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from models.templates.from_project import save_from_project

SAVE_WORD = "save"
REPLACE_WORD = "replace"


def parse_save(words: list[str]) -> tuple[str, bool]:
    """`save <name> [replace]`: the name and whether an existing template may be replaced."""
    if len(words) not in (2, 3) or words[0].lower() != SAVE_WORD:
        raise UsageError("templates.usage")
    if len(words) == 3 and words[2].lower() != REPLACE_WORD:
        raise UsageError("templates.usage")
    return words[1].lower(), len(words) == 3


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("template", usage="template save <name> [replace]", example="template save our-release")
    def template_verb(invocation: Invocation) -> Reply:
        name, replace = parse_save(invocation.words)
        ctx = invocation.ctx
        with ctx.db() as db:
            project = ctx.channel_project(db)
            template = save_from_project(
                db=db,
                actor=ctx.actor,
                project=project,
                name=name,
                language=ctx.t_project(project).language,
                replace=replace,
            )
            key = project.key
        return Reply(
            ctx.t(
                "templates.saved",
                name=name,
                key=key,
                tasks=ctx.t("templates.count.tasks", count=len(template.tasks)),
                milestones=ctx.t("templates.count.milestones", count=len(template.milestones)),
                risks=ctx.t("templates.count.risks", count=len(template.risks)),
            )
        )
