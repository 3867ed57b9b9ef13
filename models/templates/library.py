"""The templates a workspace can start a project from: the built-in ones and its own.

Built-in templates ship with the bot, one file per language, and are never stored: a new
release improves them for everyone. A workspace's own are kept in `project_templates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import InvalidError, NotFoundError
from models.templates.file_format import TemplateFile, read_template
from models.templates.tables import ProjectTemplate

BUILTIN = "builtin"
SAVED = "saved"
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Choice:
    """A template as a picker offers it: `ref` names it unambiguously across both kinds."""

    ref: str
    title: str


@cache
def builtin_sources() -> dict[tuple[str, str], str]:
    """Every built-in template's file, comments and all, by (language, name)."""
    found: dict[tuple[str, str], str] = {}
    for folder in files("models.templates").joinpath("builtin").iterdir():
        for path in folder.iterdir():
            if path.name.endswith(".toml"):
                source = path.read_text(encoding="utf-8")
                template = read_template(source)
                found[(template.language, template.name)] = source
    return found


@cache
def builtin_templates() -> dict[tuple[str, str], TemplateFile]:
    return {where: read_template(source) for where, source in builtin_sources().items()}


def _builtin_in(language: str) -> list[TemplateFile]:
    templates = builtin_templates()
    languages = {lang for lang, _ in templates}
    wanted = language if language in languages else FALLBACK_LANGUAGE
    return [template for (lang, _), template in sorted(templates.items()) if lang == wanted]


def saved_templates(db: Session) -> list[ProjectTemplate]:
    return list(db.scalars(select(ProjectTemplate).order_by(ProjectTemplate.name)))


def choices(db: Session, language: str) -> list[Choice]:
    """The built-in templates in the reader's language, then the workspace's own."""
    builtin = [Choice(f"{BUILTIN}:{t.language}:{t.name}", t.title) for t in _builtin_in(language)]
    return builtin + [Choice(f"{SAVED}:{t.name}", t.title) for t in saved_templates(db)]


def _saved(db: Session, name: str) -> ProjectTemplate | None:
    return db.scalar(select(ProjectTemplate).where(ProjectTemplate.name == name))


def template_by_ref(db: Session, ref: str) -> TemplateFile:
    """The template a picker's `ref` names; one deleted since the form opened is refused."""
    kind, _, rest = ref.partition(":")
    if kind == BUILTIN:
        language, _, name = rest.partition(":")
        found = builtin_templates().get((language, name))
        if found is not None:
            return found
    elif kind == SAVED and (saved := _saved(db, rest)) is not None:
        return read_template(saved.source)
    raise NotFoundError("templates.gone", field="template")


def template_source(db: Session, name: str, language: str | None = None) -> str:
    """A template's file: the workspace's own by that name, else the built-in one."""
    saved = _saved(db, name)
    if saved is not None:
        return saved.source
    source = builtin_sources().get((language or FALLBACK_LANGUAGE, name))
    if source is not None:
        return source
    raise NotFoundError("templates.unknown", name=name)


def keep_template(
    db: Session, template: TemplateFile, *, source: str, by: str, replace: bool = False
) -> ProjectTemplate:
    """Store a checked template under its name; an existing one is replaced only when asked."""
    existing = _saved(db, template.name)
    if existing is not None and not replace:
        raise InvalidError("templates.name_taken", name=template.name)
    row = existing or ProjectTemplate(name=template.name, saved_by=by, source=source)
    row.title, row.language, row.source, row.saved_by = template.title, template.language, source, by
    db.add(row)
    db.flush()
    return row
