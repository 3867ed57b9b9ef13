"""Lessons learned: a DM to every member with a form, one retrospective post, `/pmo lessons [word]`."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    actions,
    button,
    context,
    fit,
    header,
    modal,
    option,
    section,
    select_input,
    text_input,
)
from bot.formats import fmt_list, mention
from bot.i18n import Translator
from bot.outbox import Notice, send_all
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.context import Ctx
from handlers.slack.forms import ModalState
from handlers.slack.living_post import post_or_edit
from handlers.slack.payloads import BlockActions, Clicked, SubmittedView
from models.closing.lessons import (
    RATINGS,
    TEXT_MAX,
    TEXTS,
    LessonForm,
    average_rating,
    lesson_people,
    lessons_of,
    record_lesson,
    search_lessons,
)
from models.closing.tables import Lesson
from models.core.access import Action, require, require_open
from models.core.clock import utcnow
from models.core.errors import DomainError
from models.projects.portfolio import project_by_id
from models.projects.tables import Project

ANSWER_ACTION = "lessons_answer"
GIVE_WORD = "give"
CALLBACK = "lessons_form"


class LessonState(ModalState):
    project_id: int


def retro_key(project: Project) -> str:
    return f"retro:{project.id}"


def lessons_dm(project: Project, user: str, t: Translator) -> Notice:
    """The request to `user`, in their language `t`, keyed so it is sent once per project."""
    text = t("lessons.ask", key=project.key, name=project.name)
    blocks = [
        section(text),
        actions(button(t("lessons.answer"), action_id=ANSWER_ACTION, value=str(project.id), style="primary")),
    ]
    return Notice.once("lessons", project.id, channel=user, text=text, blocks=blocks)


def ask_for_lessons(ctx: Ctx, project_id: int) -> None:
    """A DM with the form's button to everyone on the team; each person is asked once per project."""
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        people = lesson_people(db, project)
    notices = [lessons_dm(project, user, ctx.t_for(user)) for user in people]
    send_all(ctx.runtime, team_id=ctx.team_id, now=utcnow(), notices=notices)


def rating_label(rating: int, t: Translator) -> str:
    return t("lessons.rating_label", rating=rating, words=t(f"lessons.rating.{rating}"))


def lesson_modal(
    t: Translator, state: LessonState, project: Project, earlier: Lesson | None
) -> dict[str, Any]:
    blocks: list[Block] = [section(t("lessons.form_intro", key=project.key, name=project.name))]
    blocks += [
        text_input(
            name,
            t(f"lessons.field.{name}"),
            initial=getattr(earlier, name, None),
            multiline=True,
            optional=True,
            max_length=TEXT_MAX,
        )
        for name in TEXTS
    ]
    blocks.append(
        select_input(
            "rating",
            t("lessons.field.rating"),
            [option(rating_label(rating, t), str(rating)) for rating in reversed(RATINGS)],
            initial=str(earlier.rating) if earlier and earlier.rating else None,
        )
    )
    return modal(
        callback_id=CALLBACK,
        title=t("lessons.form_title"),
        submit=t("lessons.send"),
        close=t("charter.cancel"),
        blocks=blocks,
        private_metadata=state.encode(),
    )


def open_lesson_form(ctx: Ctx, trigger_id: str, project_id: int) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        require(db, project, ctx.actor, Action.RECORD_LESSON)
        require_open(project)
        earlier = next((lesson for lesson in lessons_of(db, project) if lesson.user_id == ctx.user_id), None)
        view = lesson_modal(ctx.t, LessonState(project_id=project.id), project, earlier)
    ctx.client.views_open(trigger_id=trigger_id, view=view)


def read_lesson(values: dict[str, str | None]) -> LessonForm:
    rating = values.get("rating")
    return LessonForm(
        went_well=values.get("went_well"),
        went_badly=values.get("went_badly"),
        next_time=values.get("next_time"),
        rating=int(rating) if rating and rating.isdigit() else None,
    )


def lesson_lines(lesson: Lesson, t: Translator) -> list[str]:
    lines = [t("lessons.who", user=lesson.user_id, rating=lesson.rating or "—")]
    lines += [
        t(f"lessons.said.{name}", text=getattr(lesson, name)) for name in TEXTS if getattr(lesson, name)
    ]
    return lines


def retrospective(db: Session, project: Project, t: Translator) -> tuple[str, list[Block]]:
    lessons = lessons_of(db, project)
    title = t("lessons.retro_title", key=project.key, name=project.name)
    average = average_rating(lessons)
    summary = t("lessons.retro_summary", count=len(lessons), average=average if average is not None else "—")
    blocks: list[Block] = [header(title), section(summary)]
    blocks += [section("\n".join(lesson_lines(lesson, t))) for lesson in lessons]
    answered = {lesson.user_id for lesson in lessons}
    missing = [user for user in lesson_people(db, project) if user not in answered]
    if missing:
        people = fmt_list((mention(user, t) for user in missing), t)
        blocks.append(context(t("lessons.missing", people=people)))
    return f"{title}\n{summary}", fit(blocks, limit=MESSAGE_BLOCKS_MAX, overflow=context(t("lessons.cut")))


def post_retrospective(ctx: Ctx, project_id: int) -> None:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        key, channel = retro_key(project), project.channel_id
    post_or_edit(
        ctx,
        key=key,
        kind="retrospective",
        channel=channel,
        render=partial(current_retrospective, ctx, project_id),
    )


def current_retrospective(ctx: Ctx, project_id: int) -> tuple[str, list[Block]]:
    with ctx.db(write=False) as db:
        project = project_by_id(db, project_id)
        return retrospective(db, project, ctx.t_project(project))


def search_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    word = invocation.args.strip() or None
    if word and len(word) > 100:
        raise UsageError("lessons.word_too_long")
    with ctx.db(write=False) as db:
        found = search_lessons(db=db, actor=ctx.actor, word=word, place=invocation.command.channel_id)
    if not found:
        return Reply(ctx.t("lessons.none_about", word=word) if word else ctx.t("lessons.none_yet"))
    title = ctx.t("lessons.found_about", word=word) if word else ctx.t("lessons.found")
    groups = [
        [
            ctx.t("lessons.from_project", key=item.project.key, name=item.project.name),
            *lesson_lines(item.lesson, ctx.t),
        ]
        for item in found
    ]
    blocks = [header(title), *(section("\n".join(lines)) for lines in groups)]
    text = "\n".join([title, *(line for lines in groups for line in lines)])
    return Reply(text, blocks=fit(blocks, limit=MESSAGE_BLOCKS_MAX, overflow=context(ctx.t("lessons.cut"))))


def give_here(invocation: Invocation) -> None:
    """`/pmo lessons give`: the form for the channel's project, for whenever the DM's button
    is gone or was never sent (someone who joined late, or lessons given mid-project)."""
    command = invocation.command
    with invocation.ctx.db(write=False) as db:
        project_id = invocation.ctx.channel_project(db).id
    open_lesson_form(invocation.ctx, command.trigger_id or "", project_id)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "lessons",
        usage="lessons [give | word]",
        example="lessons vendor",
        shareable=True,
        reads=Reads.NOTHING,
    )
    def lessons_verb(invocation: Invocation) -> Reply | None:
        if [word.lower() for word in invocation.words] == [GIVE_WORD]:
            give_here(invocation)
            return None
        return search_reply(invocation)

    @app.action(ANSWER_ACTION)
    def on_answer_click(ack: Ack, ctx: Ctx, clicked: Clicked, click: BlockActions) -> None:
        ack()
        value = clicked.value or ""
        if not value.isdigit():
            raise DomainError("lessons.stale")
        open_lesson_form(ctx, click.trigger_id, int(value))

    @app.view(CALLBACK)
    def on_lesson(ack: Ack, ctx: Ctx, submitted: SubmittedView) -> None:
        state = LessonState.decode(submitted)
        form = read_lesson(submitted.inputs())
        with ctx.db() as db:
            project = project_by_id(db, state.project_id)
            record_lesson(db=db, actor=ctx.actor, project=project, form=form)
        ack()
        post_retrospective(ctx, state.project_id)
