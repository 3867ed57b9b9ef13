"""Every sentence the bot writes comes from a message catalog, through `Translator`.

Catalogs are TOML files in bot/locales/<language>/, one file per capability so each handler
module owns its messages; nested tables are flattened to dotted keys ("help.title") and a key
defined in two files of one language is an error. Placeholders use str.format syntax ("{verb}");
a `date` given as a placeholder's value is written the way the language writes dates
(bot/formats.py). Handlers never hold user-facing text themselves, so a new language is a new
catalog and nothing else.

A message that counts something is a table of plural forms, named by CLDR's categories
(`one = "{count} day"`, `other = "{count} days"`); Babel picks the form the language's rules give
for the first number the message shows. A language without plurals (Chinese) writes a plain
string.
"""

from __future__ import annotations

import string
import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.plural import PluralRule

from bot.formats import fmt_date, fmt_list, mention
from bot.markup import Markup, escape
from models.core.errors import Listed, People, Termed

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"


class MissingMessageError(KeyError):
    """A key asked for that no catalog has: a bug, caught by tests before users see it."""


PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


class Plural(str):
    """A message with a form per plural category; as a string it is the `other` form."""

    forms: dict[str, str]

    def __new__(cls, forms: dict[str, str]) -> Plural:
        plural = super().__new__(cls, forms["other"])
        plural.forms = forms
        return plural

    def form(self, language: str, params: dict[str, Any]) -> str:
        number = _first_number(self, params)
        if number is None:
            return str(self)
        category = _plural_rule(language)(Decimal(str(abs(number))))
        return self.forms.get(category, str(self))


@cache
def _plural_rule(language: str) -> PluralRule:
    # Every counted sentence asks; a Locale is parsed once per language, not once per sentence.
    return Locale.parse(language.replace("-", "_")).plural_form


def _first_number(template: str, params: dict[str, Any]) -> int | float | Decimal | None:
    """The number a plural message counts: the first placeholder holding one."""
    for _, name, _, _ in string.Formatter().parse(template):
        value = params.get(name) if name else None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return value
    return None


def _is_plural(table: dict[str, Any]) -> bool:
    return "other" in table and table.keys() <= PLURAL_CATEGORIES


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and _is_plural(value):
            flat[key] = Plural({category: str(form) for category, form in value.items()})
        elif isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.toml")):
        with path.open("rb") as handle:
            messages = _flatten(tomllib.load(handle))
        twice = merged.keys() & messages.keys()
        if twice:
            raise ValueError(f"{path.name} defines keys another {language} catalog has: {sorted(twice)}")
        merged.update(messages)
    return merged


@cache
def _languages() -> tuple[str, ...]:
    # The catalogs ship with the package: listed once, not on every Translator made.
    return tuple(sorted(path.name for path in LOCALES_DIR.iterdir() if path.is_dir()))


def available_languages() -> list[str]:
    return list(_languages())


def language_name(language: str) -> str:
    """A language as its own speakers name it ("简体中文"), so anyone can find theirs in a list."""
    return Translator(language)("language.name")


def language_for_locale(locale: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Slack locales look like "zh-CN" or "en-US"; pick the catalog that serves them."""
    if not locale:
        return default
    languages = available_languages()
    if locale in languages:
        return locale
    base = locale.split("-")[0]
    matches = [language for language in languages if language.split("-")[0] == base]
    return matches[0] if matches else default


class Translator:
    """Turns message keys into sentences in one language, falling back to English.

    Sentences are Slack mrkdwn (`Markup`): every text parameter is escaped unless it is Markup
    already (another sentence, a mention the bot rendered), so what a person typed can never
    ping, mention or link. `literal()` is the same translator for files and pictures (the
    final report, chart labels), which show text as typed and are not mrkdwn.
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE, *, escaping: bool = True) -> None:
        self.language = language if language in available_languages() else DEFAULT_LANGUAGE
        self.escaping = escaping

    def literal(self) -> Translator:
        """This language without escaping: for text that is not mrkdwn (files, chart labels)."""
        return Translator(self.language, escaping=False)

    def __call__(self, key: str, /, **params: Any) -> str:
        language = self.language if key in catalog(self.language) else DEFAULT_LANGUAGE
        template = catalog(language).get(key)
        if template is None:
            raise MissingMessageError(key)
        if isinstance(template, Plural):
            template = template.form(language, params)
        if params:
            template = template.format(**{name: self._shown(value) for name, value in params.items()})
        return Markup(template) if self.escaping else template

    def _shown(self, value: Any) -> Any:
        # A date handed to any message (an error's "due 2026-12-15") reads as this language
        # writes dates, like every other date the bot shows.
        if isinstance(value, date) and not isinstance(value, datetime):
            return fmt_date(value, self)
        if isinstance(value, People):
            # People the domain names are written from their stored ids, as mentions.
            return fmt_list((mention(user_id, self) for user_id in value), self)
        if isinstance(value, Termed):
            return fmt_list((self(f"{value.prefix}.{term}") for term in value), self)
        if isinstance(value, Listed):
            return fmt_list(value, self)
        if isinstance(value, str) and self.escaping:
            return escape(value)
        return value

    def has(self, key: str) -> bool:
        return key in catalog(self.language) or key in catalog(DEFAULT_LANGUAGE)


# Values a sentence is remembered by: those equal only when they are shown the same (1 and 1.0,
# or "a&b" as text and as Markup, are equal but shown differently, so the type is part of the key).
_REMEMBERED_TYPES = frozenset({str, Markup, int, date})
# A batch's sentences kept at most: beyond that, sentences are written as by a Translator.
REMEMBERED_MAX = 20_000


class BatchTranslator(Translator):
    """A translator for a batch of messages written together (a pass's digests, its reminders):
    a sentence asked for again with the same values is the one already written.

    A thousand digests say the same week, the same health lines, the same "nothing done", the
    same list separators and dates, each in one of a few languages.
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        super().__init__(language)
        self._written: dict[tuple[object, ...], str] = {}

    def __call__(self, key: str, /, **params: Any) -> str:
        if not all(type(value) in _REMEMBERED_TYPES for value in params.values()):
            return super().__call__(key, **params)
        remembered = (key, *((name, type(value), value) for name, value in sorted(params.items())))
        sentence = self._written.get(remembered)
        if sentence is None:
            sentence = super().__call__(key, **params)
            if len(self._written) < REMEMBERED_MAX:
                self._written[remembered] = sentence
        return sentence
