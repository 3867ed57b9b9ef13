"""Reading what people typed into modals and commands, and pointing at what was wrong.

Readers collect every problem of a form instead of stopping at the first, so a modal comes back
once with each error beside its field and everything typed still in place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from bot.blocks import modal, section, text_input
from bot.dates import DateParseError, Lean, MonthWithoutDayError, parse_date
from bot.formats import fmt_date
from bot.i18n import Translator, available_languages
from handlers.slack.context import Ctx
from handlers.slack.directory import is_person, time_zone
from models.calendar.deadlines import deadline_warnings
from models.core.clock import utcnow
from models.core.errors import DomainError, InvalidError, InvalidFormError, check_all
from models.core.limits import COUNT, HOURS, MONEY, Bound

if TYPE_CHECKING:
    # Imported for the annotation only: the payload checks answer errors, which read forms.
    from handlers.slack.payloads import SubmittedView
    from models.projects.tables import Project

N = TypeVar("N", int, float, Decimal)
V = TypeVar("V")
E = TypeVar("E", bound=StrEnum)
AMOUNT = re.compile(r"^-?[\d\s,_']*\.?\d+$")
# A Slack mention as Slack sends what was typed: <@U123> or <@U123|name>.
MENTION = r"<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>"
USER_MENTION = re.compile(rf"^{MENTION}$")
WORD = re.compile(rf"{MENTION}|[^\s,;]+")
RAW_USER_ID = re.compile(r"^(?P<id>[UW][A-Z0-9]{2,})$")


class ModalState(BaseModel):
    """State a modal carries in `private_metadata` (pydantic, so a forged value is refused)."""

    def encode(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def decode(cls, view: SubmittedView) -> Self:
        return cls.model_validate_json(view.private_metadata or "{}")


@dataclass(frozen=True)
class Prefill:
    """What a modal opened from a message starts with: its text, and a link back to it."""

    title: str | None = None
    description: str | None = None
    source_link: str | None = None


@dataclass(frozen=True)
class DateContext:
    """Where "tomorrow" is read: the person's Slack time zone and the current moment."""

    tz: str
    now: datetime

    @classmethod
    def of(cls, ctx: Ctx, user_id: str | None = None) -> DateContext:
        return cls(tz=time_zone(ctx, user_id or ctx.user_id), now=utcnow())

    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.tz)).date()


def read_date(text: str, dates: DateContext, field: str | None = None, lean: Lean = Lean.FUTURE) -> date:
    """`text` read as the field means it: `lean` says whether a date without a year (or a bare
    weekday) is the coming one or the last one."""
    try:
        return parse_date(text, tz=dates.tz, now=dates.now, lean=lean)
    except MonthWithoutDayError:
        raise InvalidError("forms.which_day", field=field, given=text) from None
    except DateParseError:
        raise InvalidError("forms.bad_date", field=field, given=text) from None


def with_deadline_warnings(
    text: str, day: date | None, dates: DateContext, project: Project, t: Translator
) -> str:
    """`text`, then what is odd about the due or review date `day`: passed, or outside the
    project's dates. The date was saved; the answer says so it is not a surprise later."""
    if day is None:
        return text
    shown = {"day": day, "start": project.start_date, "end": project.target_end_date}
    params = {name: fmt_date(value, t) for name, value in shown.items()}
    found = deadline_warnings(day, today=dates.today(), project=project)
    notes = [t(f"forms.deadline_{warning}", **params) for warning in found]
    return " ".join([text, *notes])


def within(value: N, bound: Bound, field: str | None, given: str) -> N:
    """`value` if the database can hold it (models.core.limits), else refused beside `field`."""
    check_all(bound.problem(value, field, given))
    return value


def read_amount(text: str, field: str | None = None, bound: Bound = MONEY) -> Decimal:
    """Money as people write it: 120000, 120,000, 1 200.50."""
    cleaned = text.strip()
    if not AMOUNT.match(cleaned):
        raise InvalidError("forms.bad_amount", field=field, given=text)
    try:
        amount = Decimal(re.sub(r"[\s,_']", "", cleaned))
    except InvalidOperation:
        raise InvalidError("forms.bad_amount", field=field, given=text) from None
    # Decimal keeps the sign of a zero, and shows it: "-0" would be stored and shown as "-0.00".
    return within(amount if amount else abs(amount), bound, field, text)


def read_number(text: str, field: str | None = None, bound: Bound = HOURS) -> float:
    """A number of hours as people write it: 8, 7.5, 7,5, 8h; never "nan" or "inf", which Python reads."""
    try:
        number = float(text.strip().rstrip("hH").replace(",", "."))
    except ValueError:
        raise InvalidError("forms.bad_number", field=field, given=text) from None
    if not math.isfinite(number):
        raise InvalidError("forms.bad_number", field=field, given=text)
    return within(number, bound, field, text)


# 3d, 3 d, 3 days, 3天, 3个工作日: a duration is always in working days.
DURATION = re.compile(r"^(\d{1,6})\s*(?:d|days?|天|个?工作日)?$", re.IGNORECASE)


def read_duration(text: str, field: str | None = "duration_days") -> int:
    """Working days as people write them; the range is the domain's to check."""
    found = DURATION.match(text.strip())
    if found is None:
        raise InvalidError("forms.bad_duration", field=field, given=text)
    return int(found.group(1))


def read_whole(text: str, field: str | None = None, bound: Bound = COUNT) -> int:
    cleaned = text.strip().rstrip("%")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise InvalidError("forms.bad_whole", field=field, given=text)
    return within(int(cleaned), bound, field, text)


def read_user(text: str, field: str | None = None) -> str:
    """A user as a command gives one: `<@U123|name>` (escaped mention) or a bare id."""
    match = USER_MENTION.match(text.strip()) or RAW_USER_ID.match(text.strip())
    if match is None:
        raise InvalidError("forms.bad_user", field=field, given=text)
    return match["id"]


class Word(NamedTuple):
    """A word as typed, and the person it names when it is a mention."""

    text: str
    user_id: str | None


def read_words(text: str) -> list[Word]:
    """Typed text word by word, split at spaces, commas and semicolons; a mention is one word."""
    return [Word(match[0], match["id"]) for match in WORD.finditer(text)]


def read_person(ctx: Ctx, text: str) -> str:
    """A person a command names, who must be an active member of this workspace."""
    user_id = read_user(text)
    if not is_person(ctx, user_id):
        raise InvalidError("forms.not_in_workspace", user=user_id)
    return user_id


@dataclass
class FormReader:
    """A submitted form's values, read field by field with every problem kept for the end."""

    values: dict[str, str | None]
    dates: DateContext | None = None
    errors: list[DomainError] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        return self.values.get(name)

    def _read(self, name: str, reader: Callable[[str, str], V]) -> V | None:
        raw = self.values.get(name)
        if raw is None:
            return None
        try:
            return reader(raw, name)
        except DomainError as error:
            self.errors.append(error)
            return None

    def date(self, name: str, lean: Lean = Lean.FUTURE) -> date | None:
        if self.dates is None:
            raise RuntimeError("a form with dates needs a DateContext")
        dates = self.dates
        return self._read(name, lambda raw, field: read_date(raw, dates, field, lean))

    def amount(self, name: str, bound: Bound = MONEY) -> Decimal | None:
        return self._read(name, lambda raw, field: read_amount(raw, field, bound))

    def number(self, name: str, bound: Bound = HOURS) -> float | None:
        return self._read(name, lambda raw, field: read_number(raw, field, bound))

    def duration(self, name: str) -> int | None:
        return self._read(name, read_duration)

    def whole(self, name: str, bound: Bound = COUNT) -> int | None:
        return self._read(name, lambda raw, field: read_whole(raw, field, bound))

    def fail(self, error: DomainError) -> None:
        self.errors.append(error)

    def check(self, *more: DomainError | None) -> None:
        """Raise everything found so far, with the domain's own `more` problems, together."""
        self.errors += [problem for problem in more if problem is not None]
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidFormError(self.errors)


def field_errors(error: DomainError, t: Translator, view: dict[str, Any]) -> dict[str, str]:
    """Errors keyed by the view's block ids; an error of no field goes on the first input."""
    inputs = [block["block_id"] for block in view.get("blocks", []) if block.get("type") == "input"]
    found = error.errors if isinstance(error, InvalidFormError) else [error]
    shown: dict[str, str] = {}
    for problem in found:
        block = problem.field if problem.field in inputs else (inputs[0] if inputs else None)
        if block is not None:
            message = t(problem.key, **problem.params)
            shown[block] = f"{shown[block]} {message}" if block in shown else message
    return shown


def split_keywords(words: list[str], keywords: tuple[str, ...], *, first: str) -> dict[str, str]:
    """`Design API due next fri est 8` → {first: "Design API", "due": "next fri", "est": "8"}.

    A keyword given twice is refused rather than silently keeping one of the two values.
    """
    parts: dict[str, list[str]] = {}
    current = first
    for word in words:
        if word.lower() in keywords:
            current = word.lower()
            if current in parts:
                raise InvalidError("forms.repeated_keyword", keyword=current)
            parts[current] = []
        else:
            parts.setdefault(current, []).append(word)
    return {name: " ".join(value) for name, value in parts.items() if value}


def date_input(field: str, label: str, t: Translator, *, initial: date | None = None) -> dict[str, Any]:
    """An optional date typed in plain words; ISO when prefilled, since every reader accepts it."""
    return text_input(
        field,
        label,
        optional=True,
        initial=initial.isoformat() if initial else None,
        placeholder=t("charter.hint.date"),
    )


@dataclass(frozen=True)
class NoteForm:
    """A decision that asks for a note: what the modal says and how the note is labelled."""

    callback_id: str
    title: str
    submit: str
    intro: str
    label: str
    optional: bool = False
    max_length: int | None = None


def note_modal(form: NoteForm, state: ModalState, t: Translator) -> dict[str, Any]:
    """A one-field modal for the note that goes with a decision (approve, reject, accept…)."""
    note = text_input("note", form.label, multiline=True, optional=form.optional, max_length=form.max_length)
    return modal(
        callback_id=form.callback_id,
        title=form.title,
        submit=form.submit,
        close=t("charter.cancel"),
        blocks=[section(form.intro), note],
        private_metadata=state.encode(),
    )


def read_term(word: str, terms: type[E], prefix: str) -> E | None:
    """A word the bot has a name for in every language (`planning`, `规划`): the term, or None."""
    wanted = word.strip().lower()
    for term in terms:
        names = {term.value} | {
            Translator(lang)(f"{prefix}.{term.value}").lower() for lang in available_languages()
        }
        if wanted in names:
            return term
    return None
