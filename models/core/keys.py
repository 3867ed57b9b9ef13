"""Item keys people type and read: APL-12 (task), APL-M2, APL-R3, APL-I4, APL-C5."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, Session, declared_attr

from models.core.errors import NotFoundError
from models.projects.tables import Project

PROJECT_KEY = re.compile(r"^[A-Z]{2,6}$")
ITEM_KEY = re.compile(r"^(?P<project>[A-Za-z]{2,6})-(?P<kind>[MRICmric]?)(?P<number>\d{1,9})$")


class ItemKind(StrEnum):
    TASK = ""
    MILESTONE = "M"
    RISK = "R"
    ISSUE = "I"
    CHANGE = "C"


COUNTERS = {
    ItemKind.TASK: Project.task_seq,
    ItemKind.MILESTONE: Project.milestone_seq,
    ItemKind.RISK: Project.risk_seq,
    ItemKind.ISSUE: Project.issue_seq,
    ItemKind.CHANGE: Project.change_seq,
}


@dataclass(frozen=True)
class ItemKey:
    project: str
    kind: ItemKind
    number: int

    def __str__(self) -> str:
        return f"{self.project}-{self.kind.value}{self.number}"


def item_key(project_key: str, kind: ItemKind, number: int) -> str:
    return str(ItemKey(project_key, kind, number))


def parse_item_key(text: str) -> ItemKey | None:
    match = ITEM_KEY.match(text.strip())
    if match is None:
        return None
    return ItemKey(match["project"].upper(), ItemKind(match["kind"].upper()), int(match["number"]))


def next_number(db: Session, project: Project, kind: ItemKind, count: int = 1) -> int:
    """The next number of a kind (the first of `count` in a row), bumped in one UPDATE so
    concurrent adds never share a key."""
    counter = COUNTERS[kind]
    last = db.execute(
        update(Project)
        .where(Project.id == project.id)
        .values({counter: counter + count})
        .returning(counter)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.expire(project, [counter.key])
    return int(last) - count + 1


class Numbered(Protocol):
    """A project item numbered within its project: a risk, an issue, a change request…"""

    # Read-only, as declared_attr columns are; see models.core.grouped.ProjectRow.
    @declared_attr
    def project_id(cls) -> Mapped[int]: ...  # noqa: N805

    @declared_attr
    def number(cls) -> Mapped[int]: ...  # noqa: N805


N = TypeVar("N", bound=Numbered)


def numbered(db: Session, project: Project, model: type[N]) -> list[N]:
    """Every item of `model` in `project`, in key order."""
    return list(db.scalars(select(model).where(model.project_id == project.id).order_by(model.number)))


def find_numbered(
    db: Session, project: Project, model: type[N], kind: ItemKind, *, key: str, missing: str
) -> N:
    """The item of `project` that `key` names, or a NotFoundError with the message key `missing`."""
    parsed = parse_item_key(key)
    found = None
    if parsed is not None and parsed.kind is kind and parsed.project == project.key:
        found = db.scalar(select(model).where(model.project_id == project.id, model.number == parsed.number))
    if found is None:
        raise NotFoundError(missing, key=key)
    return found
