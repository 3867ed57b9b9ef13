"""The PMO's own closing items: what its template adds to every closing checklist ("support
trained", "licences reconciled"), ticked by the manager and holding the gate into `closed`
until they are."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import DomainError, NotFoundError
from models.projects.tables import Project


class ClosingItem(BaseModel):
    text: str
    done_by: str | None = None
    done_on: date | None = None


def closing_items(project: Project) -> list[ClosingItem]:
    return [ClosingItem.model_validate(item) for item in project.closing_items or []]


def open_closing_items(project: Project) -> list[tuple[int, str]]:
    """The items not ticked yet, each with its number (from 1, as the checklist shows it)."""
    return [(n, item.text) for n, item in enumerate(closing_items(project), start=1) if item.done_by is None]


def tick_closing_item(
    *, db: Session, actor: Actor, project: Project, number: int, today: date
) -> ClosingItem:
    """The manager ticks item `number` as done; audited, and never ticked twice."""
    require(db, project, actor, Action.CLOSE_PROJECT)
    require_open(project)
    items = closing_items(project)
    if not 1 <= number <= len(items):
        raise NotFoundError("closing.item_gone")
    item = items[number - 1]
    if item.done_by is not None:
        raise DomainError("closing.item_done", user=item.done_by, day=item.done_on)
    item.done_by, item.done_on = actor.user_id, today
    project.closing_items = [kept.model_dump(mode="json") for kept in items]
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="closing.item",
        subject=project.key,
        after={"item": item.text},
    )
    return item
