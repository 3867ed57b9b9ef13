"""A project's own standup questions: up to five, each optional or required, in the team's
languages, one of them perhaps asking for blockers (whose answer becomes an issue).

None kept on the project means the standard three: yesterday, today, blockers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import DomainError, InvalidError, check_all
from models.projects.tables import Project

QUESTIONS_MAX = 5
QUESTION_MAX = 300


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The question in each language the team reads, by language code ("en", "zh-CN").
    text: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")],
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=QUESTION_MAX)],
    ] = Field(min_length=1)
    required: bool = False
    # Its answer is a blocker: raised as an issue and listed until resolved.
    blocker: bool = False

    def in_language(self, language: str) -> str:
        """The question as `language` reads it, else in the first language it was written in."""
        return self.text.get(language) or next(iter(self.text.values()))


def questions_of(project: Project) -> list[Question] | None:
    if project.standup_questions is None:
        return None
    return [Question.model_validate(question) for question in project.standup_questions]


def _problems(questions: Sequence[Question]) -> list[DomainError | None]:
    problems: list[DomainError | None] = []
    if len(questions) > QUESTIONS_MAX:
        problems.append(InvalidError("standups.too_many_questions", most=QUESTIONS_MAX))
    blockers = 0
    for n, question in enumerate(questions, start=1):
        if any(len(text) > QUESTION_MAX for text in question.text.values()):
            problems.append(InvalidError("standups.question_too_long", n=n, most=QUESTION_MAX))
        blockers += question.blocker
        if question.blocker and blockers == 2:
            problems.append(InvalidError("standups.one_blocker_question", field=f"q{n}_flags"))
    return problems


def set_questions(*, db: Session, actor: Actor, project: Project, questions: Sequence[Question]) -> bool:
    """Keep the project's questions (none: the standard three); whether they changed, audited."""
    require(db, project, actor, Action.EDIT_COMMS)
    require_open(project)
    check_all(*_problems(questions))
    kept = [question.model_dump() for question in questions] or None
    if kept == project.standup_questions:
        return False
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="standup.questions",
        subject=project.key,
        before={"questions": project.standup_questions},
        after={"questions": kept},
    )
    project.standup_questions = kept
    return True
