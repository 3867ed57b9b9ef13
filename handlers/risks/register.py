"""`/pmo risk [edit <KEY>]` and `/pmo risks`: the risk register and each risk's response plan."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    context,
    fit,
    header,
    modal,
    option,
    section,
    sections,
    select_input,
    text_input,
    user_input,
)
from bot.formats import fmt_date, fmt_list
from bot.heatmap import Heatmap, render_heatmap
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.risks.lines import risk_line
from handlers.risks.prompt import review_blocks
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import (
    DateContext,
    FormReader,
    ModalState,
    Prefill,
    date_input,
    with_deadline_warnings,
)
from handlers.slack.payloads import SubmittedView
from models.core.access import Action, require, require_open
from models.core.enums import RiskStrategy
from models.projects.portfolio import find_project, project_by_id
from models.projects.tables import Project
from models.risks.register import (
    ANNOUNCE_SCORE,
    TITLE_MAX,
    RiskForm,
    edit_risk,
    find_risk,
    raise_risk,
    risk_in,
    risk_key,
    risk_problems,
    risk_register,
    score_history,
)
from models.risks.tables import SCALE, Risk

NEW_CALLBACK = "risk_new"
EDIT_CALLBACK = "risk_edit"
ALL_WORD = "all"
HEATMAP_WORD = "heatmap"


class RiskState(ModalState):
    project_id: int
    channel_id: str
    risk_id: int | None = None
    source_link: str | None = None


def scale_options() -> list[dict[str, Any]]:
    return [option(str(n), str(n)) for n in SCALE]


def scale_input(field: str, t: Translator, value: int | None) -> Block:
    return select_input(
        field,
        t(f"risks.field.{field}"),
        scale_options(),
        initial=str(value or 3),
        hint=t(f"risks.hint.{field}"),
    )


def strategy_options(t: Translator) -> list[dict[str, Any]]:
    return [option(t(f"risks.strategy.{strategy.value}"), strategy.value) for strategy in RiskStrategy]


def risk_blocks(t: Translator, risk: Risk | None, prefill: Prefill) -> list[Block]:
    """The risk's inputs, prefilled from `risk` when it is being edited, else from `prefill`."""

    def current(name: str) -> Any:
        return getattr(risk if risk is not None else prefill, name, None)

    def long_text(name: str) -> Block:
        return text_input(
            name, t(f"risks.field.{name}"), initial=current(name), multiline=True, optional=True
        )

    strategy = current("strategy")
    return [
        text_input("title", t("risks.field.title"), initial=current("title"), max_length=TITLE_MAX),
        long_text("description"),
        text_input(
            "category",
            t("risks.field.category"),
            initial=current("category"),
            optional=True,
            max_length=100,
            placeholder=t("risks.hint.category"),
        ),
        scale_input("probability", t, current("probability")),
        scale_input("impact", t, current("impact")),
        user_input("owner_id", t("risks.field.owner_id"), initial=current("owner_id"), optional=True),
        select_input(
            "strategy",
            t("risks.field.strategy"),
            strategy_options(t),
            initial=strategy.value if strategy else None,
            optional=True,
        ),
        long_text("response_actions"),
        long_text("trigger"),
        long_text("contingency"),
        date_input("review_date", t("risks.field.review_date"), t, initial=current("review_date")),
    ]


def risk_modal(t: Translator, state: RiskState, risk: Risk | None, prefill: Prefill) -> dict[str, Any]:
    editing = risk is not None
    return modal(
        callback_id=EDIT_CALLBACK if editing else NEW_CALLBACK,
        title=t("risks.edit_title" if editing else "risks.new_title"),
        submit=t("risks.save" if editing else "risks.raise"),
        close=t("charter.cancel"),
        blocks=risk_blocks(t, risk, prefill),
        private_metadata=state.encode(),
    )


def read_risk_form(reader: FormReader, db: Session, project: Project) -> RiskForm:
    """The typed risk; its problems and the domain's are shown together beside their fields."""
    strategy = reader.text("strategy")
    form = RiskForm(
        title=reader.text("title") or "",
        description=reader.text("description"),
        category=reader.text("category"),
        probability=reader.whole("probability") or 0,
        impact=reader.whole("impact") or 0,
        owner_id=reader.text("owner_id"),
        strategy=RiskStrategy(strategy) if strategy in set(RiskStrategy) else None,
        response_actions=reader.text("response_actions"),
        trigger=reader.text("trigger"),
        contingency=reader.text("contingency"),
        review_date=reader.date("review_date"),
    )
    reader.check(*risk_problems(db, project, form))
    return form


def risk_detail(project: Project, risk: Risk, t: Translator) -> list[Block]:
    """A risk as the channel sees it when it is raised high or rescored high."""
    lines = [risk_line(project, risk, None, t)]
    for name in ("description", "response_actions", "trigger", "contingency"):
        value = getattr(risk, name)
        if value:
            lines.append(t("risks.detail", label=t(f"risks.field.{name}"), text=value))
    return [section("\n".join(lines))]


def register_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = [word.lower() for word in invocation.words]
    if words not in ([], [ALL_WORD]):
        raise UsageError("risks.bad_filter", given=" ".join(invocation.words))
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        risks = risk_register(db, project, open_only=not words)
        history = score_history(db, risks)
        lines = [risk_line(project, risk, history.get(risk.id), ctx.t) for risk in risks]
    title = ctx.t("risks.title.all" if words else "risks.title.open", key=project.key, name=project.name)
    if not lines:
        return Reply(ctx.t("risks.none", title=title))
    blocks = fit(
        [header(title), *sections(lines), context(ctx.t("risks.footer"))],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(ctx.t("risks.too_many", count=len(lines))),
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def open_risk_form(ctx: Ctx, trigger_id: str, channel_id: str, key: str | None, prefill: Prefill) -> None:
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id)
        require(db, project, ctx.actor, Action.EDIT_RISK if key else Action.RAISE_RISK)
        require_open(project)
        risk = find_risk(db, project, key) if key else None
        state = RiskState(
            project_id=project.id,
            channel_id=project.channel_id,
            risk_id=risk.id if risk else None,
            source_link=prefill.source_link,
        )
        view = risk_modal(ctx.t, state, risk, prefill)
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def announce(ctx: Ctx, project: Project, risk: Risk, message: str, t: Translator) -> None:
    """Tell the channel, in the project's language `t`, once the user has had the answer.

    A high risk is news the team depends on: it goes through the delivery log and is sent
    again by the `notices` pass if Slack refuses it.
    """
    blocks = [section(message), *risk_detail(project, risk, t)]
    notice = Notice.new(
        "risk_announced", risk_key(project, risk), channel=project.channel_id, text=message, blocks=blocks
    )
    ctx.notify(notice)


def with_review_date(text: str, risk: Risk, project: Project, dates: DateContext, t: Translator) -> str:
    """The review date as it was read from plain words, so a misreading is seen at once."""
    if risk.review_date is None:
        return text
    text = f"{text} {t('risks.next_review', day=fmt_date(risk.review_date, t))}"
    return with_deadline_warnings(text, risk.review_date, dates, project, t)


def heatmap_of(project: Project, risks: list[Risk], t: Translator) -> Heatmap:
    cells: dict[tuple[int, int], list[str]] = {}
    for risk in risks:
        cells.setdefault((risk.probability, risk.impact), []).append(risk_key(project, risk))
    return Heatmap(
        title=t("risks.heatmap_title", key=project.key, name=project.name),
        cells=cells,
        probability_label=t("risks.field.probability"),
        impact_label=t("risks.field.impact"),
    )


def upload_heatmap(ctx: Ctx, project_id: int) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        risks = risk_register(db, project, open_only=True)
        t = ctx.t_project(project)
        heatmap = heatmap_of(project, risks, t.literal())  # drawn in a picture, not mrkdwn
    ctx.client.files_upload_v2(
        channel=project.channel_id,
        file=render_heatmap(heatmap),
        filename=f"{project.key}-risk-heatmap.png",
        title=heatmap.title,
        initial_comment=t("risks.heatmap_comment", user=ctx.user_id, key=project.key, count=len(risks)),
    )


def heatmap_reply(invocation: Invocation, runtime: Runtime) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
    ctx.after(upload_heatmap, ctx, project.id)
    return Reply(ctx.t("risks.heatmap_drawing", key=project.key))


def review_reply(invocation: Invocation, key: str) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        risk = find_risk(db, project, key)
        blocks = review_blocks(project, risk, ctx.t)
        text = ctx.t("risks.review_prompt", line=risk_line(project, risk, None, ctx.t))
    return Reply(text, blocks=blocks)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "risk",
        usage="risk [edit <KEY> | review <KEY>]",
        example="risk review APL-R3",
        reads=Reads.KEYED,
    )
    def risk_verb(invocation: Invocation) -> Reply | None:
        words = invocation.words
        if words and (words[0].lower() not in ("edit", "review") or len(words) != 2):
            raise UsageError("risks.bad_args", given=" ".join(words))
        if words and words[0].lower() == "review":
            return review_reply(invocation, words[1])
        command = invocation.command
        key = words[1] if words else None
        open_risk_form(invocation.ctx, command.trigger_id or "", command.channel_id, key, Prefill())
        return None

    @router.verb("risks", usage="risks [all|heatmap]", example="risks heatmap", shareable=True)
    def risks_verb(invocation: Invocation) -> Reply:
        if [word.lower() for word in invocation.words] == [HEATMAP_WORD]:
            return heatmap_reply(invocation, runtime)
        return register_reply(invocation)

    @app.view(NEW_CALLBACK)
    def on_new(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = RiskState.decode(submitted)
        dates = DateContext.of(ctx)
        reader = FormReader(values=submitted.inputs(), dates=dates)
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            form = read_risk_form(reader, db, project).model_copy(update={"source_link": state.source_link})
            risk = raise_risk(db=db, actor=ctx.actor, project=project, form=form)
            key, score = risk_key(project, risk), risk.score
        ack()
        if score >= ANNOUNCE_SCORE:
            t = ctx.t_project(project)
            announce(ctx, project, risk, t("risks.raised_high", user=ctx.user_id, key=key, score=score), t)
        raised = ctx.t("risks.raised", key=key, title=risk.title, score=score)
        ctx.after(
            ctx.client.chat_postEphemeral,
            channel=state.channel_id,
            user=ctx.user_id,
            text=with_review_date(raised, risk, project, dates, ctx.t),
        )

    @app.view(EDIT_CALLBACK)
    def on_edit(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = RiskState.decode(submitted)
        dates = DateContext.of(ctx)
        reader = FormReader(values=submitted.inputs(), dates=dates)
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            form = read_risk_form(reader, db, project)
            risk = risk_in(db=db, project=project, risk_id=state.risk_id)
            before = risk.score
            changes = edit_risk(db=db, actor=ctx.actor, project=project, risk=risk, form=form)
            key = risk_key(project, risk)
        ack()
        fields = fmt_list((ctx.t(f"risks.field.{name}") for name in changes), ctx.t) or ctx.t(
            "risks.nothing_changed"
        )
        if before < ANNOUNCE_SCORE <= risk.score:
            t = ctx.t_project(project)
            message = t("risks.rescored_high", user=ctx.user_id, key=key, score=risk.score)
            announce(ctx, project, risk, message, t)
        edited = ctx.t("risks.edited", key=key, fields=fields)
        if "review_date" in changes:
            edited = with_review_date(edited, risk, project, dates, ctx.t)
        ctx.after(ctx.client.chat_postEphemeral, channel=state.channel_id, user=ctx.user_id, text=edited)
