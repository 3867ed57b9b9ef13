"""The formula a project forecasts its estimate at completion with, chosen by its manager."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.enums import EacMethod
from models.core.errors import InvalidError, Listed
from models.projects.tables import Project


def method_word(method: EacMethod) -> str:
    """How a person types a method: `budget-rate`, not the stored `budget_rate`."""
    return method.value.replace("_", "-")


def eac_method_named(word: str) -> EacMethod:
    """The method a typed word names, either spelling and any case; refused with the choices."""
    wanted = word.strip().lower().replace("-", "_")
    for method in EacMethod:
        if method.value == wanted:
            return method
    raise InvalidError("budget.eac_unknown", given=word, known=Listed([method_word(m) for m in EacMethod]))


def set_eac_method(*, db: Session, actor: Actor, project: Project, method: EacMethod) -> EacMethod:
    """Choose the project's EAC formula; the previous one is kept in the audit trail."""
    require(db, project, actor, Action.SET_BUDGET)
    require_open(project)
    before = project.eac_method
    project.eac_method = method
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="budget.eac_method",
        before={"method": before.value},
        after={"method": method.value},
    )
    return before
