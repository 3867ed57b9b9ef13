"""The document register: where a project's charter, specs, minutes and sign-offs live."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import InvalidError, Listed, check_all
from models.core.limits import column_limit
from models.documents.tables import Document
from models.projects.tables import Project

KINDS = ("charter", "spec", "design", "plan", "minutes", "report", "contract", "sign-off", "other")
URL = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)
URL_MAX = column_limit(Document.url)
TITLE_MAX = column_limit(Document.title)


def document_problems(url: str, title: str, kind: str | None) -> list[InvalidError | None]:
    return [
        None
        if URL.match(url) and len(url) <= URL_MAX
        else InvalidError("documents.bad_link", field="url", given=url),
        None
        if title and len(title) <= TITLE_MAX
        else InvalidError("documents.bad_title", field="title", limit=TITLE_MAX),
        None
        if kind is None or kind in KINDS
        else InvalidError("documents.bad_kind", field="kind", given=kind, kinds=Listed(KINDS)),
    ]


def add_document(
    *, db: Session, actor: Actor, project: Project, url: str, title: str, kind: str | None
) -> Document:
    require(db, project, actor, Action.ADD_DOCUMENT)
    require_open(project)
    title = title.strip()
    check_all(*document_problems(url, title, kind))
    document = Document(
        project_id=project.id,
        team_id=project.team_id,
        url=url,
        title=title,
        kind=kind,
        added_by=actor.user_id,
    )
    db.add(document)
    db.flush()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="document.add",
        subject=project.key,
        after={"url": url, "title": title, "kind": kind},
    )
    return document


def project_documents(db: Session, project: Project) -> list[Document]:
    return list(db.scalars(select(Document).where(Document.project_id == project.id).order_by(Document.id)))
