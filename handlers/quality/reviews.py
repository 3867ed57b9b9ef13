"""Recording a quality review in a form: pass or fail per acceptance criterion, and a note."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from slack_bolt import Ack, App

from bot.blocks import Block, button, modal, option, section, select_input, text_input
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import ModalState
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from models.core.errors import DomainError, NotFoundError
from models.issues.log import issue_key
from models.projects.portfolio import find_project, project_by_id
from models.quality.plan import find_deliverable
from models.quality.reviews import (
    criteria_of,
    ensure_reviewer,
    item_key_of,
    planned_reviews_of,
    record_review,
    review_by_id,
    review_in,
    reviewed_item,
)
from models.quality.tables import AcceptanceCriterion, QualityReview

RECORD_ACTION = "quality_record"
RECORD_CALLBACK = "quality_result"
PASS, FAIL = "pass", "fail"


# A select per criterion: past this many, a review goes on over pages, so a modal keeps under
# Slack's 100 blocks with its note field (120 criteria once lost the note).
CRITERIA_PER_PAGE = 45


class ReviewState(ModalState):
    project_id: int
    review_id: int
    page: int = 0
    # Verdicts from the pages already submitted, by criterion id.
    results: dict[int, bool] = Field(default_factory=dict)


def page_count(criteria: list[AcceptanceCriterion]) -> int:
    return max(1, -(-len(criteria) // CRITERIA_PER_PAGE))


def record_button(review: QualityReview, key: str, t: Translator) -> dict[str, Any]:
    return button(t("quality.record_key", key=key), action_id=RECORD_ACTION, value=str(review.id))


def result_modal(
    t: Translator, state: ReviewState, key: str, criteria: list[AcceptanceCriterion]
) -> dict[str, Any]:
    verdicts = [option(t("quality.pass"), PASS), option(t("quality.fail"), FAIL)]
    pages = page_count(criteria)
    shown = criteria[state.page * CRITERIA_PER_PAGE : (state.page + 1) * CRITERIA_PER_PAGE]
    last = state.page == pages - 1
    intro = t("quality.record_intro", key=key)
    if pages > 1:
        intro += "\n" + t("quality.record_page", page=state.page + 1, pages=pages, count=len(criteria))
    blocks: list[Block] = [section(intro)]
    blocks += [select_input(f"criterion_{c.id}", c.text, verdicts) for c in shown]
    if last:
        blocks.append(text_input("note", t("quality.field.note"), multiline=True, optional=True))
    return modal(
        callback_id=RECORD_CALLBACK,
        title=t("quality.record_title"),
        submit=t("quality.record") if last else t("quality.next_page"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_review(ctx: Ctx, trigger_id: str, project_id: int | None, review_id: int) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id) if project_id else None
        review = review_by_id(db=db, review_id=review_id)
        project = project or project_by_id(db, review.project_id)
        review = review_in(db, project, review_id)
        ensure_reviewer(project, review, ctx.actor)
        criteria = criteria_of(db, review)
        if not criteria:
            raise DomainError(
                "quality.no_criteria_to_review", key=item_key_of(project, reviewed_item(db, review))
            )
        state = ReviewState(project_id=project.id, review_id=review.id)
        view = result_modal(ctx.t, state, item_key_of(project, reviewed_item(db, review)), criteria)
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def my_planned_review(ctx: Ctx, channel_id: str, key: str) -> tuple[int, int]:
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=channel_id)
        item = find_deliverable(db, project, key)
        reviews = planned_reviews_of(db=db, item=item)
        mine = [r for r in reviews if r.reviewer_id == ctx.user_id] or reviews
        if not mine:
            raise UsageError("quality.nothing_to_review", key=key.upper())
        return project.id, mine[0].id


def next_page(ctx: Ctx, state: ReviewState, results: dict[int, bool]) -> dict[str, Any] | None:
    """The review's next page with the verdicts so far, or None when this was the last page."""
    with ctx.db(write=False) as db:
        project = project_by_id(db, state.project_id)
        review = review_in(db, project, state.review_id)
        criteria = criteria_of(db, review)
        if state.page + 1 >= page_count(criteria):
            return None
        following = state.model_copy(update={"page": state.page + 1, "results": results})
        return result_modal(ctx.t, following, item_key_of(project, reviewed_item(db, review)), criteria)


def result_values(values: dict[str, str | None]) -> tuple[dict[int, bool], str | None]:
    results = {
        int(name.removeprefix("criterion_")): value == PASS
        for name, value in values.items()
        if name.startswith("criterion_") and value in (PASS, FAIL)
    }
    return results, values.get("note")


def quality_result(invocation: Invocation, args: list[str]) -> None:
    if len(args) != 1:
        raise UsageError("quality.result_form")
    command = invocation.command
    project_id, review_id = my_planned_review(invocation.ctx, command.channel_id, args[0])
    open_review(invocation.ctx, command.trigger_id or "", project_id, review_id)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.action(RECORD_ACTION)
    def on_record_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        value = clicked.value or ""
        if not value.isdigit():
            raise NotFoundError("quality.review_gone")
        open_review(ctx, click.trigger_id, None, int(value))

    @app.view(RECORD_CALLBACK)
    def on_result(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = ReviewState.decode(submitted)
        page_results, note = result_values(submitted.inputs())
        results = {**state.results, **page_results}
        following = next_page(ctx, state, results)
        if following is not None:
            ack(response_action="update", view=following)
            return
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            outcome = record_review(
                db=db, actor=ctx.actor, project=project, review_id=state.review_id, results=results, note=note
            )
            key = item_key_of(project, reviewed_item(db, outcome.review))
            t = ctx.t_project(project)
            lines = [t(f"quality.recorded.{outcome.review.status.value}", user=ctx.user_id, key=key)]
            if outcome.issue is not None:
                lines.append(t("quality.issue_opened", key=issue_key(project, outcome.issue)))
        ack()
        recorded = "\n".join(lines)
        ctx.notify(Notice.new("quality_review", project.key, channel=project.channel_id, text=recorded))
