"""What a charter edit changed, as the channel reads it: each field with its old and new value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.formats import fmt_date, fmt_money, mention
from bot.i18n import Translator, language_name
from models.projects.tables import Project

# Free text can run to pages: the post names the field and shows the new text, cut to this.
TEXT_SHOWN = 300
PEOPLE = frozenset({"sponsor_id", "manager_id"})
MONEY = frozenset({"budget", "change_threshold_amount"})
LONG_TEXT = frozenset({"goal", "scope_in", "scope_out", "stakeholders"})


def shown_value(name: str, value: Any, project: Project, t: Translator) -> str:
    if value is None or value == "":
        return t("charter.unset")
    if name in PEOPLE:
        return mention(str(value), t)
    if name in MONEY and isinstance(value, Decimal):
        return fmt_money(value, project.currency, t)
    if name == "language":
        return language_name(str(value))
    if isinstance(value, date):
        return fmt_date(value, t)
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def change_line(name: str, was: Any, now: Any, project: Project, t: Translator) -> str:
    field = t(f"charter.field.{name}")
    if name in LONG_TEXT:
        return t("charter.changed_text", field=field, now=shown_value(name, now, project, t))
    return t(
        "charter.changed_value",
        field=field,
        was=shown_value(name, was, project, t),
        now=shown_value(name, now, project, t),
    )


def change_lines(changes: dict[str, tuple[Any, Any]], project: Project, t: Translator) -> list[str]:
    return [change_line(name, was, now, project, t) for name, (was, now) in changes.items()]
