"""Item keys people type and read: APL-12 (task), APL-M2, APL-R3, APL-I4, APL-C5."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.project import Project

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


def next_number(db: Session, project: Project, kind: ItemKind) -> int:
    """The next number of a kind, bumped in one UPDATE so concurrent adds never share a key."""
    counter = COUNTERS[kind]
    number = db.execute(
        update(Project)
        .where(Project.id == project.id)
        .values({counter: counter + 1})
        .returning(counter)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.expire(project, [counter.key])
    return number
