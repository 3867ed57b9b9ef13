"""`/pmo quality`: acceptance criteria per deliverable, planned reviews and their results."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ACTIONS_ELEMENTS_MAX, MESSAGE_BLOCKS_MAX, actions, context, fit, header, sections
from bot.formats import fmt_date, mention
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.quality.reviews import quality_result, record_button
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.forms import DateContext, read_date, read_person, with_deadline_warnings
from models.core.enums import ReviewStatus
from models.quality.plan import DeliverablePlan, add_criterion, plan_review, quality_plan
from models.quality.tables import AcceptanceCriterion, QualityReview


def criterion_line(plan: DeliverablePlan, criterion: AcceptanceCriterion, t: Translator) -> str:
    """A standard, with how it fared in the latest review that judged it."""
    result = plan.results.get(criterion.id)
    if result is None:
        return t("quality.criterion", text=criterion.text)
    return t("quality.criterion_passed" if result else "quality.criterion_failed", text=criterion.text)


def review_line(review: QualityReview, t: Translator) -> str:
    line = t(
        "quality.review",
        reviewer=mention(review.reviewer_id, t),
        due=fmt_date(review.due_date, t),
        status=t(f"quality.status.{review.status.value}"),
    )
    return line + t("quality.review_note", note=review.note) if review.note else line


def deliverable_lines(plan: DeliverablePlan, t: Translator) -> str:
    lines = [t("quality.deliverable", key=plan.key, name=plan.name)]
    lines += [criterion_line(plan, criterion, t) for criterion in plan.criteria] or [t("quality.no_criteria")]
    lines += [review_line(review, t) for review in plan.reviews] or [t("quality.no_reviews")]
    return "\n".join(lines)


def quality_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        plans = quality_plan(db, project)
    title = ctx.t("quality.title", key=project.key, name=project.name)
    if not plans:
        return Reply(ctx.t("quality.none", key=project.key))
    lines = [deliverable_lines(plan, ctx.t) for plan in plans]
    mine = [
        record_button(review, plan.key, ctx.t)
        for plan in plans
        for review in plan.reviews
        if review.status is ReviewStatus.PLANNED and review.reviewer_id == ctx.user_id
    ][:ACTIONS_ELEMENTS_MAX]
    blocks = fit(
        [header(title), *sections(lines), *([actions(*mine)] if mine else [])],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(ctx.t("quality.too_many", count=len(plans))),
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def add_quality_criterion(invocation: Invocation, args: list[str]) -> Reply:
    if len(args) < 2:
        raise UsageError("quality.criterion_form")
    ctx = invocation.ctx
    with ctx.db() as db:
        project = ctx.channel_project(db)
        criterion = add_criterion(
            db=db, actor=ctx.actor, project=project, key=args[0], text=" ".join(args[1:])
        )
    return Reply(ctx.t("quality.criterion_added", key=args[0].upper(), text=criterion.text))


def plan_quality_review(invocation: Invocation, args: list[str]) -> Reply:
    if len(args) < 3:
        raise UsageError("quality.review_form")
    ctx = invocation.ctx
    reviewer = read_person(ctx, args[1])
    dates = DateContext.of(ctx)
    due = read_date(" ".join(args[2:]), dates)
    with ctx.db() as db:
        project = ctx.channel_project(db)
        plan_review(db=db, actor=ctx.actor, project=project, key=args[0], reviewer_id=reviewer, due=due)
    planned = ctx.t(
        "quality.review_planned", key=args[0].upper(), reviewer=reviewer, due=fmt_date(due, ctx.t)
    )
    return Reply(with_deadline_warnings(planned, due, dates, project, ctx.t))


QUALITY_ACTIONS = {
    "criterion": add_quality_criterion,
    "review": plan_quality_review,
    "result": quality_result,
}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "quality",
        usage="quality [criterion <KEY> <text> | review <KEY> @reviewer <when> | result <KEY>]",
        example="quality review APL-M1 @carol dec 10",
        shareable=True,
    )
    def quality_verb(invocation: Invocation) -> Reply | None:
        words = invocation.words
        if not words:
            return quality_reply(invocation)
        action = QUALITY_ACTIONS.get(words[0].lower())
        if action is None:
            raise UsageError("quality.bad_action", given=words[0])
        return action(invocation, words[1:])
