"""Lessons learned: each member's answer at closing, and a search across closed projects."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.closing.tables import Lesson
from models.core.access import Action, Actor, require, require_open, visible_clause
from models.core.audit import record
from models.core.claims import claim
from models.core.enums import Phase
from models.core.errors import DomainError, InvalidError, check_all
from models.projects.tables import Member, Project

RATINGS = range(1, 6)
TEXT_MAX = 3000
SEARCH_MAX = 20
TEXTS = ("went_well", "went_badly", "next_time")


class LessonForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    went_well: str | None = None
    went_badly: str | None = None
    next_time: str | None = None
    rating: int | None = None


def lesson_problems(form: LessonForm) -> list[DomainError | None]:
    texts = [getattr(form, name) for name in TEXTS]
    too_long = next((name for name in TEXTS if len(getattr(form, name) or "") > TEXT_MAX), None)
    return [
        None if any(texts) else InvalidError("lessons.say_something", field="went_well"),
        None if form.rating in RATINGS else InvalidError("lessons.bad_rating", field="rating"),
        None if too_long is None else InvalidError("lessons.too_long", field=too_long, limit=TEXT_MAX),
    ]


def lesson_people(db: Session, project: Project) -> list[str]:
    """Everyone on the team is asked: sponsors and stakeholders see what the team cannot."""
    return list(
        dict.fromkeys(
            db.scalars(
                select(Member.user_id)
                .where(Member.project_id == project.id, Member.released_at.is_(None))
                .order_by(Member.id)
            )
        )
    )


def record_lesson(*, db: Session, actor: Actor, project: Project, form: LessonForm) -> Lesson:
    """Record the actor's lessons; answering again replaces their earlier answer."""
    require(db, project, actor, Action.RECORD_LESSON)
    require_open(project)
    check_all(*lesson_problems(form))
    values = {"team_id": project.team_id, "project_id": project.id, "user_id": actor.user_id}
    claim(db, Lesson, values, conflict=["project_id", "user_id"])
    lesson = db.scalars(
        select(Lesson).where(Lesson.project_id == project.id, Lesson.user_id == actor.user_id)
    ).one()
    for name, value in form.model_dump().items():
        setattr(lesson, name, value)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="lesson.record",
        subject=project.key,
        after={"rating": form.rating},
    )
    return lesson


def lessons_of(db: Session, project: Project) -> list[Lesson]:
    return list(db.scalars(select(Lesson).where(Lesson.project_id == project.id).order_by(Lesson.id)))


def average_rating(lessons: list[Lesson]) -> float | None:
    ratings = [lesson.rating for lesson in lessons if lesson.rating]
    return round(sum(ratings) / len(ratings), 1) if ratings else None


@dataclass(frozen=True)
class Found:
    project: Project
    lesson: Lesson


def search_lessons(
    *, db: Session, actor: Actor, word: str | None, place: str | None = None, limit: int = SEARCH_MAX
) -> list[Found]:
    """Lessons of the workspace's closed projects the actor may see in `place`, newest first,
    containing `word` when given."""
    query = (
        select(Project, Lesson)
        .join(Lesson, Lesson.project_id == Project.id)
        .where(Project.phase == Phase.CLOSED, visible_clause(actor, place))
        .order_by(Project.closed_at.desc(), Project.key, Lesson.id)
        .limit(limit)
    )
    if word:
        needle = word.lower()
        columns = (Lesson.went_well, Lesson.went_badly, Lesson.next_time)
        query = query.where(
            or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))
        )
    return [Found(project, lesson) for project, lesson in db.execute(query)]
