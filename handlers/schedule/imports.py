"""`/pmo import`: a plan file uploaded into a form, previewed, then saved whole.

The file (Microsoft Project XML, or a Jira, Asana or Microsoft Project CSV export) is fetched
and read after the answer: each submission is answered at once with a view saying the work is
under way, and the work updates that view (views.update) when it is done, however big the
file. The preview reads, checks and writes the whole plan, then rolls it back; the confirmed
import does the same and commits, then tells the channel.
"""

from __future__ import annotations

import logging
import urllib.request
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.blocks import Block, file_input, modal, section, sections
from bot.i18n import Translator
from bot.outbox import Notice
from bot.plan_preview import preview_lines, problem_lines
from bot.runtime import Runtime
from handlers.schedule.plan_people import emailed_people
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply
from handlers.slack.context import Ctx
from handlers.slack.forms import ModalState
from handlers.slack.payloads import SubmittedView
from models.core.access import Action, require, require_open
from models.core.errors import DomainError, InvalidError
from models.projects.portfolio import project_by_id
from models.schedule.plan_checks import PlanRefusedError
from models.schedule.plan_csv import ReadPlan
from models.schedule.plan_import import Imported, has_plan, import_plan
from models.schedule.plan_owners import directory_owner
from models.schedule.plan_reading import read_plan

log = logging.getLogger(__name__)

UPLOAD_CALLBACK = "plan_import_upload"
CONFIRM_CALLBACK = "plan_import_confirm"
SHOWN_CALLBACK = "plan_import_shown"  # a view that only shows: it is never submitted
FILE_FIELD = "plan_file"
FILE_TYPES = ["csv", "xml"]
DOWNLOAD_TIMEOUT_S = 30
# A 2,000-task Microsoft Project XML file is about 2 MB; ten times that is no plan to read.
FILE_MAX_BYTES = 20 * 1024 * 1024
# A preview lists problems up to here; the rest are counted in the refusal's first line.
PROBLEMS_SHOWN = 40


class ImportState(ModalState):
    project_id: int
    file_id: str | None = None


def upload_modal(t: Translator, state: ImportState, key: str) -> dict[str, Any]:
    return modal(
        callback_id=UPLOAD_CALLBACK,
        title=t("import.form.title"),
        submit=t("import.form.read"),
        close=t("charter.cancel"),
        blocks=[
            section(t("import.form.intro", key=key)),
            file_input(FILE_FIELD, t("import.form.file"), FILE_TYPES, hint=t("import.form.hint")),
        ],
        private_metadata=state.encode(),
    )


def shown_modal(t: Translator, lines: list[str]) -> dict[str, Any]:
    return modal(
        callback_id=SHOWN_CALLBACK,
        title=t("import.form.title"),
        submit=None,
        close=t("import.form.close"),
        blocks=sections(lines),
    )


def preview_modal(t: Translator, state: ImportState, lines: list[str]) -> dict[str, Any]:
    blocks: list[Block] = [*sections([*lines, t("import.form.confirm")])]
    return modal(
        callback_id=CONFIRM_CALLBACK,
        title=t("import.form.title"),
        submit=t("import.form.save"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def fetch(ctx: Ctx, file_id: str) -> bytes:
    """The file's bytes, from Slack with the bot's token: files.info, then its download URL."""
    found = ctx.client.files_info(file=file_id)["file"]
    too_big = InvalidError("import.too_big", most=FILE_MAX_BYTES // (1024 * 1024))
    if int(found.get("size") or 0) > FILE_MAX_BYTES:
        raise too_big
    url = str(found.get("url_private_download") or found.get("url_private") or "")
    if not url.startswith(("https://", "http://")):
        raise InvalidError("import.unreachable")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {ctx.client.token}"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as answer:
        content: bytes = answer.read(FILE_MAX_BYTES + 1)
    if len(content) > FILE_MAX_BYTES:
        raise too_big
    return content


@dataclass(frozen=True)
class Outcome:
    read: ReadPlan
    imported: Imported
    key: str
    channel_id: str
    channel_t: Translator  # the project's language, which its channel reads


def _imported(ctx: Ctx, state: ImportState, *, save: bool) -> Outcome:
    """The file read and imported in one transaction: kept with `save`, rolled back without."""
    read = read_plan(fetch(ctx, state.file_id or ""))
    emails = emailed_people(ctx.client, read.plan)
    with ctx.db(claim=save) as db:
        project = project_by_id(db, state.project_id)
        imported = import_plan(
            db=db,
            actor=ctx.actor,
            project=project,
            plan=read.plan,
            owner=directory_owner(db, emails),
            unread=read.problems,
        )
        if not save:
            db.rollback()
        return Outcome(read, imported, project.key, project.channel_id, ctx.t_project(project))


def refused_lines(t: Translator, error: Exception) -> list[str]:
    if isinstance(error, PlanRefusedError):
        lines = problem_lines(t, error)
        return lines[: PROBLEMS_SHOWN + 1]
    if isinstance(error, DomainError):
        return [t(error.key, **error.params)]
    log.warning("a plan file could not be fetched: %s", error.__class__.__name__)
    return [t("import.unreachable")]


FETCH_OR_READ = (DomainError, SlackApiError, OSError)  # OSError: the download's URLError too


def show_preview(ctx: Ctx, state: ImportState, view_id: str) -> None:
    try:
        outcome = _imported(ctx, state, save=False)
        view = preview_modal(ctx.t, state, preview_lines(ctx.t, outcome.read, outcome.imported))
    except FETCH_OR_READ as error:
        view = shown_modal(ctx.t, refused_lines(ctx.t, error))
    ctx.client.views_update(view_id=view_id, view=view)


def save_plan(ctx: Ctx, state: ImportState, view_id: str) -> None:
    try:
        outcome = _imported(ctx, state, save=True)
    except FETCH_OR_READ as error:
        ctx.client.views_update(view_id=view_id, view=shown_modal(ctx.t, refused_lines(ctx.t, error)))
        return
    lines = [*preview_lines(ctx.t, outcome.read, outcome.imported), ctx.t("import.saved", key=outcome.key)]
    ctx.client.views_update(view_id=view_id, view=shown_modal(ctx.t, lines))
    t, imported = outcome.channel_t, outcome.imported
    text = t(
        "import.announce",
        user=ctx.user_id,
        key=outcome.key,
        tasks=t("import.count.tasks", count=imported.tasks),
        links=t("import.count.links", count=imported.links),
        milestones=t("import.count.milestones", count=imported.milestones),
        source=t(f"import.source.{outcome.read.source}"),
    )
    ctx.notify(Notice.new("plan_import", outcome.key, channel=outcome.channel_id, text=text))


def open_import(invocation: Invocation) -> None:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        require(db, project, ctx.actor, Action.IMPORT_PLAN)
        require_open(project)
        if has_plan(db, project):
            raise InvalidError("import.project_has_plan")
        view = upload_modal(ctx.t, ImportState(project_id=project.id), project.key)
    ctx.client.views_open(trigger_id=invocation.command.trigger_id or "", view=view)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("import", usage="import", example="import", takes_args=False, reads=Reads.CHANNEL)
    def import_verb(invocation: Invocation) -> Reply | None:
        open_import(invocation)
        return None

    @app.view(UPLOAD_CALLBACK)
    def on_upload(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        file_id = (submitted.inputs().get(FILE_FIELD) or "").partition(",")[0]
        if not file_id:
            ack(response_action="errors", errors={FILE_FIELD: ctx.t("import.form.no_file")})
            return
        state = ImportState.decode(submitted).model_copy(update={"file_id": file_id})
        ack(response_action="update", view=shown_modal(ctx.t, [ctx.t("import.form.reading")]))
        ctx.after(show_preview, ctx, state, submitted.id)

    @app.view(CONFIRM_CALLBACK)
    def on_confirm(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = ImportState.decode(submitted)
        ack(response_action="update", view=shown_modal(ctx.t, [ctx.t("import.form.saving")]))
        ctx.after(save_plan, ctx, state, submitted.id)
