"""The charter form's template picker, and what a new project takes from the template chosen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.blocks import Block, option, section, select_input
from bot.formats import fmt_date
from bot.i18n import Translator
from handlers.slack.forms import FormReader
from models.core.errors import DomainError
from models.templates.apply import Started
from models.templates.file_format import TemplateFile
from models.templates.library import Choice, template_by_ref

FIELD = "template"


def picker_block(t: Translator, choices: list[Choice]) -> Block:
    return select_input(
        FIELD,
        t("templates.field"),
        [option(choice.title, choice.ref) for choice in choices],
        optional=True,
        hint=t("templates.hint"),
    )


def read_choice(db: Session, reader: FormReader) -> TemplateFile | None:
    """The template picked, if any; one gone since the form opened is refused beside the picker."""
    ref = reader.text(FIELD)
    if not ref:
        return None
    try:
        return template_by_ref(db, ref)
    except DomainError as error:
        reader.fail(error)
        return None


def started_blocks(started: Started | None, t: Translator) -> list[Block]:
    """What the template set up, under the charter the channel is shown."""
    if started is None:
        return []
    text = t(
        "templates.started",
        template=started.title,
        tasks=t("templates.count.tasks", count=started.tasks),
        milestones=t("templates.count.milestones", count=started.milestones),
        risks=t("templates.count.risks", count=started.risks),
        start=fmt_date(started.start, t),
        finish=fmt_date(started.finish, t),
    )
    return [section(text)]
