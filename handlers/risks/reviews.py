"""What the buttons of a risk's review prompt do: Still open, Occurred, Closed or Update."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.formats import fmt_date
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.risks.prompt import CLOSED, OCCURRED, STILL_OPEN, UPDATE
from handlers.risks.register import open_risk_form
from handlers.slack.command import CommandRouter
from handlers.slack.context import Ctx
from handlers.slack.forms import DateContext, Prefill
from handlers.slack.payloads import BlockActions, Clicked
from models.core.keys import parse_item_key
from models.issues.log import issue_key
from models.projects.portfolio import find_project
from models.projects.tables import Project
from models.risks.register import find_risk, risk_key
from models.risks.reviews import close_risk, risk_occurred, still_open
from models.risks.tables import Risk


def risk_by_key(db: Session, key: str) -> tuple[Project, Risk]:
    parsed = parse_item_key(key)
    project = find_project(db, channel_id=None, key=parsed.project if parsed else "")
    return project, find_risk(db, project, key)


# What was done, said in whichever language it is written for: the reviewer's and the channel's.
Message = Callable[[Translator], str]


def answer_still_open(ctx: Ctx, db: Session, project: Project, risk: Risk) -> Message:
    day = still_open(db=db, actor=ctx.actor, project=project, risk=risk, today=DateContext.of(ctx).today())
    key = risk_key(project, risk)
    return lambda t: t("risks.reviewed_open", key=key, day=fmt_date(day, t))


def answer_occurred(ctx: Ctx, db: Session, project: Project, risk: Risk) -> Message:
    issue = risk_occurred(db=db, actor=ctx.actor, project=project, risk=risk)
    key, issue_ref = risk_key(project, risk), issue_key(project, issue)
    return lambda t: t("risks.reviewed_occurred", key=key, issue=issue_ref)


def answer_closed(ctx: Ctx, db: Session, project: Project, risk: Risk) -> Message:
    close_risk(db=db, actor=ctx.actor, project=project, risk=risk)
    key = risk_key(project, risk)
    return lambda t: t("risks.reviewed_closed", key=key)


Answer = Callable[[Ctx, Session, Project, Risk], Message]
ANSWERS: dict[str, Answer] = {STILL_OPEN: answer_still_open, OCCURRED: answer_occurred, CLOSED: answer_closed}


def on_answer(answer: Answer) -> Callable[..., None]:
    def listener(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions, respond: Respond) -> None:
        ack()
        with ctx.db() as db:
            project, risk = risk_by_key(db, clicked.value or "")
            message = answer(ctx, db, project, risk)
            channel, channel_t = project.channel_id, ctx.t_project(project)
        # Saved: the clicker and the channel are told after the answer, the channel through
        # the delivery log so an outage does not lose the news.
        text = message(ctx.t)
        if click.response_url:
            ctx.after(respond, text=text, replace_original=True)
        else:
            ctx.after(ctx.client.chat_postMessage, channel=ctx.user_id, text=text)
        notice = Notice.new("risk_reviewed", project.key, channel=channel, text=message(channel_t))
        ctx.notify(notice)

    return listener


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    for action_id, answer in ANSWERS.items():
        app.action(action_id)(on_answer(answer))

    @app.action(UPDATE)
    def on_update(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        key = clicked.value or ""
        with ctx.db(write=False) as db:
            project, _ = risk_by_key(db, key)
        open_risk_form(ctx, click.trigger_id, project.channel_id, key, Prefill())
