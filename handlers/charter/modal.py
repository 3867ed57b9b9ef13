"""`/pmo new` and `/pmo charter [edit]`: agreeing a project's charter in a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.blocks import (
    Block,
    context,
    header,
    modal,
    option,
    section,
    select_input,
    text_input,
    user_input,
)
from bot.formats import fmt_date, fmt_money, mention
from bot.i18n import Translator, available_languages, language_name
from bot.markup import channel_link
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.charter.changes import change_lines
from handlers.risks.register import scale_options
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.directory import is_person, time_zone
from handlers.slack.forms import DateContext, FormReader, ModalState, date_input
from handlers.slack.payloads import SubmittedView
from handlers.templates.picker import picker_block, read_choice, started_blocks
from models.charter.charters import (
    FIRST_RISKS_MAX,
    Charter,
    charter_of,
    create_project,
    edit_charter,
    ensure_channel_free,
)
from models.core.access import Action, require, require_open
from models.core.errors import InvalidError
from models.core.limits import DAYS
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.risks.register import RiskForm
from models.templates.apply import charter_from_template, start_from_template
from models.templates.library import Choice, choices

NEW_CALLBACK = "charter_new"
EDIT_CALLBACK = "charter_edit"
TEXT_FIELDS = ("goal", "scope_in", "scope_out", "stakeholders")


class CharterState(ModalState):
    channel_id: str
    project_id: int | None = None


def first_risk_blocks(t: Translator) -> list[Block]:
    blocks: list[Block] = [section(t("charter.first_risks"))]
    for n in range(1, FIRST_RISKS_MAX + 1):
        blocks += [
            text_input(f"risk{n}_title", t("charter.risk_title", n=n), optional=True, max_length=300),
            select_input(
                f"risk{n}_probability",
                t("charter.risk_probability", n=n),
                scale_options(),
                initial="3",
                optional=True,
            ),
            select_input(
                f"risk{n}_impact", t("charter.risk_impact", n=n), scale_options(), initial="3", optional=True
            ),
        ]
    return blocks


def charter_blocks(t: Translator, charter: Charter, *, with_key: bool) -> list[Block]:
    """The charter's inputs, prefilled with `charter` (dates as ISO, which every reader accepts)."""
    blocks: list[Block] = [
        text_input("name", t("charter.field.name"), initial=charter.name, max_length=200),
    ]
    if with_key:
        blocks.append(
            text_input(
                "key",
                t("charter.field.key"),
                initial=charter.key or None,
                hint=t("charter.hint.key"),
                max_length=6,
            )
        )
    blocks += [
        text_input("goal", t("charter.field.goal"), initial=charter.goal, multiline=True, optional=True),
        text_input(
            "scope_in", t("charter.field.scope_in"), initial=charter.scope_in, multiline=True, optional=True
        ),
        text_input(
            "scope_out",
            t("charter.field.scope_out"),
            initial=charter.scope_out,
            multiline=True,
            optional=True,
        ),
        user_input("sponsor_id", t("charter.field.sponsor_id"), initial=charter.sponsor_id, optional=True),
        user_input(
            "manager_id",
            t("charter.field.manager_id"),
            initial=charter.manager_id,
            optional=True,
            hint=t("charter.hint.manager_id"),
        ),
        date_input("start_date", t("charter.field.start_date"), t, initial=charter.start_date),
        date_input("target_end_date", t("charter.field.target_end_date"), t, initial=charter.target_end_date),
        text_input(
            "budget",
            t("charter.field.budget"),
            optional=True,
            initial=str(charter.budget) if charter.budget is not None else None,
        ),
        text_input("currency", t("charter.field.currency"), initial=charter.currency, max_length=3),
        text_input(
            "stakeholders",
            t("charter.field.stakeholders"),
            initial=charter.stakeholders,
            multiline=True,
            optional=True,
        ),
        text_input(
            "timezone", t("charter.field.timezone"), initial=charter.timezone, hint=t("charter.hint.timezone")
        ),
        select_input(
            "language",
            t("charter.field.language"),
            language_options(),
            initial=charter.language,
            hint=t("charter.hint.language"),
        ),
        text_input(
            "change_threshold_days",
            t("charter.field.change_threshold_days"),
            optional=True,
            initial=_text(charter.change_threshold_days),
            hint=t("charter.hint.thresholds"),
        ),
        text_input(
            "change_threshold_amount",
            t("charter.field.change_threshold_amount"),
            optional=True,
            initial=_text(charter.change_threshold_amount),
        ),
    ]
    return blocks


def language_options() -> list[dict[str, Any]]:
    return [option(language_name(language), language) for language in available_languages()]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def new_modal(
    t: Translator, state: CharterState, user_id: str, tz: str, templates: list[Choice]
) -> dict[str, Any]:
    # A new project speaks its creator's language until the charter says otherwise.
    blank = Charter(name="", key="", manager_id=user_id, timezone=tz, language=t.language)
    blocks = [picker_block(t, templates), *charter_blocks(t, blank, with_key=True), *first_risk_blocks(t)]
    return modal(
        callback_id=NEW_CALLBACK,
        title=t("charter.new_title"),
        submit=t("charter.create"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def edit_modal(t: Translator, state: CharterState, charter: Charter) -> dict[str, Any]:
    blocks = [context(t("charter.key_fixed", key=charter.key)), *charter_blocks(t, charter, with_key=False)]
    return modal(
        callback_id=EDIT_CALLBACK,
        title=t("charter.edit_title"),
        submit=t("charter.save"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def read_charter(ctx: Ctx, reader: FormReader, *, key: str) -> Charter:
    """The charter typed into the modal; people named are checked against the workspace."""
    for field in ("sponsor_id", "manager_id"):
        user = reader.text(field)
        if user and not is_person(ctx, user):
            reader.fail(InvalidError("forms.not_in_workspace", field=field, user=user))
    charter = Charter(
        name=reader.text("name") or "",
        key=key,
        sponsor_id=reader.text("sponsor_id"),
        manager_id=reader.text("manager_id"),
        start_date=reader.date("start_date"),
        target_end_date=reader.date("target_end_date"),
        budget=reader.amount("budget"),
        currency=(reader.text("currency") or "").upper(),
        timezone=reader.text("timezone") or "UTC",
        change_threshold_days=reader.whole("change_threshold_days", DAYS),
        change_threshold_amount=reader.amount("change_threshold_amount"),
        language=read_language(reader),
        **{field: reader.text(field) for field in TEXT_FIELDS},
    )
    reader.check()
    return charter


def read_language(reader: FormReader) -> str | None:
    """One of the catalogs' languages; anything else is a forged form, refused beside the field."""
    language = reader.text("language")
    if language is not None and language not in available_languages():
        reader.fail(InvalidError("charter.bad_language", field="language"))
        return None
    return language


def read_first_risks(reader: FormReader) -> list[RiskForm]:
    risks = []
    for n in range(1, FIRST_RISKS_MAX + 1):
        title = reader.text(f"risk{n}_title")
        if title:
            risks.append(
                RiskForm(
                    title=title,
                    probability=int(reader.text(f"risk{n}_probability") or 3),
                    impact=int(reader.text(f"risk{n}_impact") or 3),
                )
            )
    return risks


def charter_message(project: Project, t: Translator) -> list[Block]:
    charter = charter_of(project)
    lines = [
        t("charter.show.goal", goal=charter.goal or t("charter.show.missing")),
        t("charter.show.scope_in", scope=charter.scope_in or t("charter.show.missing")),
        t("charter.show.scope_out", scope=charter.scope_out or t("charter.show.missing")),
        t(
            "charter.show.people",
            sponsor=mention(charter.sponsor_id, t),
            manager=mention(charter.manager_id, t),
        ),
        t(
            "charter.show.dates",
            start=fmt_date(charter.start_date, t),
            end=fmt_date(charter.target_end_date, t),
        ),
        t("charter.show.budget", budget=fmt_money(charter.budget, charter.currency, t)),
        t("charter.show.stakeholders", stakeholders=charter.stakeholders or t("charter.show.missing")),
        t(
            "charter.show.timezone",
            timezone=charter.timezone,
            language=language_name(charter.language) if charter.language else t("charter.show.missing"),
            phase=t(f"phase.{project.phase.value}"),
        ),
    ]
    return [
        header(t("charter.show.title", key=project.key, name=project.name)),
        section("\n".join(lines)),
        context(t("charter.show.footer", channel=channel_link(project.channel_id))),
    ]


def charter_text(project: Project, t: Translator) -> str:
    return t("charter.show.title", key=project.key, name=project.name)


def channel_is_private(ctx: Ctx, channel_id: str) -> bool:
    """Whether the project's channel is private; a channel Slack won't describe counts as private."""
    try:
        channel = ctx.client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError:
        return True
    return bool(channel.get("is_private"))


def open_new(invocation: Invocation) -> None:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        ensure_channel_free(db, invocation.command.channel_id)
        templates = choices(db, ctx.t.language)
    state = CharterState(channel_id=invocation.command.channel_id)
    view = new_modal(ctx.t, state, ctx.user_id, time_zone(ctx, ctx.user_id), templates)
    ctx.client.views_open(trigger_id=invocation.command.trigger_id, view=view)


def open_edit(invocation: Invocation, key: str | None) -> None:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=invocation.command.channel_id, key=key)
        require(db, project, ctx.actor, Action.EDIT_CHARTER)
        require_open(project)
        state = CharterState(channel_id=project.channel_id, project_id=project.id)
        # A project from before languages were chosen shows the one its channel reads today.
        charter = charter_of(project)
        charter.language = charter.language or ctx.t_project(project).language
        view = edit_modal(ctx.t, state, charter)
    ctx.client.views_open(trigger_id=invocation.command.trigger_id, view=view)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("new", usage="new", example="new", takes_args=False)
    def new_verb(invocation: Invocation) -> Reply | None:
        open_new(invocation)
        return None

    @router.verb(
        "charter",
        usage="charter [edit] [KEY]",
        example="charter edit",
        shareable=True,
        reads=Reads.KEYED,
    )
    def charter_verb(invocation: Invocation) -> Reply | None:
        words = invocation.words
        editing = bool(words) and words[0].lower() == "edit"
        rest = words[1:] if editing else words
        if len(rest) > 1:
            raise UsageError("charter.bad_args")
        key = rest[0] if rest else None
        if editing:
            open_edit(invocation, key)
            return None
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = find_project(db, channel_id=invocation.command.channel_id, key=key)
            return Reply(charter_text(project, ctx.t), blocks=charter_message(project, ctx.t))

    @app.view(NEW_CALLBACK)
    def on_new(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = CharterState.decode(submitted)
        reader = FormReader(values=submitted.inputs(), dates=DateContext.of(ctx))
        with ctx.db(write=False) as db:
            template = read_choice(db, reader)
        charter = read_charter(ctx, reader, key=(reader.text("key") or "").upper())
        if template is not None:
            charter = charter_from_template(template, charter)
        private = channel_is_private(ctx, state.channel_id)
        with ctx.db() as db:
            project = create_project(
                db=db,
                actor=ctx.actor,
                channel_id=state.channel_id,
                charter=charter,
                first_risks=read_first_risks(reader),
                private=private,
            )
            started = (
                start_from_template(db=db, actor=ctx.actor, project=project, template=template)
                if template is not None
                else None
            )
        ack()
        t = ctx.t_project(project)
        notice = Notice.once(
            "charter_posted",
            project.id,
            channel=project.channel_id,
            text=charter_text(project, t),
            blocks=charter_message(project, t) + started_blocks(started, t),
        )
        ctx.notify(notice)

    @app.view(EDIT_CALLBACK)
    def on_edit(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = CharterState.decode(submitted)
        reader = FormReader(values=submitted.inputs(), dates=DateContext.of(ctx))
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            charter = read_charter(ctx, reader, key=project.key)
            changes = edit_charter(db=db, actor=ctx.actor, project=project, charter=charter)
        ack()
        if changes:
            t = ctx.t_project(project)
            edited = "\n".join([t("charter.edited", user=ctx.user_id), *change_lines(changes, project, t)])
            blocks = charter_message(project, t)
            ctx.notify(
                Notice.new(
                    "charter_edited", project.key, channel=project.channel_id, text=edited, blocks=blocks
                )
            )
