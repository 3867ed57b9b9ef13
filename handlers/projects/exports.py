"""`/pmo export [tasks|risks|issues|changes|costs|audit|plan]`: CSV files (and the plan as Microsoft
Project XML) uploaded after the answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.formats import fmt_list
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.directory import lookup
from models.closing.closeout import as_of
from models.core.access import Action, require
from models.projects.exports import Export, export_file
from models.projects.portfolio import project_by_id

log = logging.getLogger(__name__)


def parse_exports(words: list[str]) -> list[Export]:
    if not words:
        return list(Export)
    wanted = []
    for word in words:
        try:
            wanted.append(Export(word.lower()))
        except ValueError:
            raise UsageError("exports.unknown", given=word, choices=", ".join(Export)) from None
    return list(dict.fromkeys(wanted))


def display_names(ctx: Ctx) -> Callable[[str], str | None]:
    """Names from the people directory, each person looked up once per export."""

    @cache
    def name(user_id: str) -> str | None:
        try:
            person = lookup(ctx, user_id)
        except SlackApiError as error:
            # The id column still says who it was; a missing name must not cost the whole file.
            log.warning("no name for %s in an export: %s", user_id, error.response.get("error"))
            return None
        return person.name if person is not None else None

    return name


def upload_exports(ctx: Ctx, project_id: int, channel_id: str, which: list[Export]) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        names = display_names(ctx)
        files = {kind: export_file(db, project, kind, names) for kind in which}
        day = as_of(project).isoformat()
    t = ctx.t_project(project)  # the channel reads the project's language
    ctx.client.files_upload_v2(
        channel=channel_id,
        initial_comment=t(
            "exports.comment",
            user=ctx.user_id,
            key=project.key,
            files=fmt_list((kind.value for kind in which), t),
        ),
        file_uploads=[
            {
                "content": file.content,
                "filename": f"{project.key}-{kind.value}-{day}.{file.extension}",
                "title": t("exports.file_title", key=project.key, what=kind.value),
            }
            for kind, file in files.items()
        ],
    )


def coming(ctx: Ctx, key: str, which: list[Export]) -> str:
    """What follows: the CSV files counted, and the plan named for the tools that open it."""
    tables = len([kind for kind in which if kind is not Export.PLAN])
    if Export.PLAN not in which:
        return ctx.t("exports.coming", key=key, count=tables)
    if not tables:
        return ctx.t("exports.coming_plan", key=key)
    return ctx.t("exports.coming_with_plan", key=key, count=tables)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "export", usage="export [tasks|risks|issues|changes|costs|audit|plan]", example="export tasks risks"
    )
    def export_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        which = parse_exports(invocation.words)
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
            require(db, project, ctx.actor, Action.READ_RECORDS)
        ctx.after(upload_exports, ctx, project.id, invocation.command.channel_id, which)
        return Reply(coming(ctx, project.key, which))
