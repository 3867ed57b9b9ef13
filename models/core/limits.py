"""What the database can hold, in one place: bounds on what people type, refused beside the field.

The bounds (README's "Limits" table lists them too):

- money (budget, costs, change impacts, thresholds): at most 1,000,000,000,000 either way.
  Amounts are whole cents in a 64-bit integer (models.core.base.Money), so 90,000 of the largest
  still sum without overflow.
- hours (estimates, weekly capacity): at most 100,000.
- day counts (schedule impact, thresholds, durations, lags): at most 3,650 (ten years) either way.
- whole counts: at most 1,000,000, well inside a 32-bit integer column on PostgreSQL.
- allocation and percent complete: 0 to 100.
- dates, typed or computed (a schedule impact moving an end date): up to 9999-12-31, the last
  date Python and both databases hold.
- text: the column's own length, read from the table (SQLite keeps more, PostgreSQL refuses).

Typed text loses control characters (NUL breaks PostgreSQL; the others are invisible) except
line breaks and tabs. The same checks run on SQLite and PostgreSQL, before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, event
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.core.errors import InvalidError

LAST_DAY = date.max  # 9999-12-31


@dataclass(frozen=True)
class Bound:
    """The largest magnitude a kind of number may have, and the message that names the kind.

    Only the magnitude: whether a value may be negative or zero is the domain's rule, told in
    its own words (a cost is above zero; a change's cost impact may be a saving).
    """

    high: int | Decimal
    key: str

    def problem(
        self, value: float | Decimal | None, field: str | None = None, given: str | None = None
    ) -> InvalidError | None:
        """None when `value` fits; else the refusal, quoting what was typed (`given`)."""
        if value is None or -self.high <= value <= self.high:
            return None
        shown = given.strip() if given is not None else value
        return InvalidError(self.key, field=field, given=shown, high=self.high)


MONEY = Bound(Decimal(10**12), "limits.money")
HOURS = Bound(100_000, "limits.hours")
DAYS = Bound(3_650, "limits.days")
COUNT = Bound(1_000_000, "limits.count")
PERCENT_MAX = 100  # allocations and percent complete: 0 to 100, checked where each is set

# C0 and C1 control characters and DEL, except tab and line feed, which multi-line fields keep.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Typed text without NUL and the other control characters: a carriage return goes too."""
    return CONTROL.sub("", text)


def clean_strings(value: Any) -> Any:
    """Every string in a decoded JSON payload, cleaned, in the same structure (changed in place)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = clean_strings(item)
    elif isinstance(value, list):
        value[:] = [clean_strings(item) for item in value]
    return value


def column_limit(column: InstrumentedAttribute[Any]) -> int:
    """The length a String(n) column holds, read from the table rather than repeated."""
    length = getattr(column.property.columns[0].type, "length", None)
    if length is None:
        raise TypeError(f"{column} has no length")
    return int(length)


def shifted(day: date, days: int, *, field: str | None = None) -> date:
    """`day` moved by `days`; a date past 9999-12-31 is refused in words, not an OverflowError."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise InvalidError("limits.date", field=field, day=day.isoformat(), days=days) from None


def clamped_shift(day: date, days: float) -> date:
    """A computed date nobody typed (a forecast), `days` rounded: past 9999-12-31 it stays there."""
    try:
        return day + timedelta(days=round(days))
    except OverflowError:
        return LAST_DAY if days > 0 else date.min


def _too_long(row: Any) -> InvalidError | None:
    """The first String(n) value of `row` longer than its column; typed text is cleaned first."""
    for column in row.__table__.columns:
        attribute = column.key
        value = getattr(row, attribute, None) if hasattr(row, attribute) else None
        if not isinstance(value, str):
            continue
        if CONTROL.search(value):
            setattr(row, attribute, value := clean_text(value))
        limit = getattr(column.type, "length", None) if isinstance(column.type, String) else None
        if limit is not None and len(value) > limit:
            return InvalidError("limits.too_long", field=attribute, limit=limit, length=len(value))
    return None


@event.listens_for(Session, "before_flush")
def _refuse_what_columns_cannot_hold(session: Session, flush_context: Any, instances: Any) -> None:
    """The last line: whatever path wrote it, nothing too long or with a NUL reaches the database."""
    for row in [*session.new, *session.dirty]:
        if hasattr(row, "__table__") and (problem := _too_long(row)) is not None:
            raise problem
