"""`/pmo holidays [add <date> [name] | import <country> [year]]` and `/pmo away <from> to <to>`:
when nobody is chased."""

from __future__ import annotations

import re
from datetime import date

from slack_bolt import App

from bot.formats import fmt_date
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.forms import DateContext, read_date
from models.calendar.days_off import (
    add_absence,
    add_holiday,
    add_holidays,
    require_calendar_admin,
    upcoming_holidays,
)
from models.calendar.public_holidays import public_holidays
from models.core.errors import InvalidError

# `dec 24 to jan 2`, `12月24日 至 1月2日`, `12月24日到元旦`: Chinese needs no spaces around its word.
UNTIL = re.compile(r"\s+to\s+|\s*[至到]\s*", re.IGNORECASE)
# The longest date a person types ("the 25th of december 2026"): a long name is not read as one.
DATE_WORDS_MAX = 6
# An import's answer lists this many of the days it added; the rest are counted.
IMPORT_SHOWN = 5


def holidays_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        days = upcoming_holidays(db, DateContext.of(ctx).today())
        lines = [ctx.t("calendar.holiday", day=fmt_date(h.day, ctx.t), name=h.name or "") for h in days]
    if not lines:
        return Reply(ctx.t("calendar.no_holidays"))
    return Reply("\n".join([ctx.t("calendar.holidays_title"), *lines]))


def read_leading_date(words: list[str], dates: DateContext) -> tuple[date, str]:
    """The longest run of first words that reads as a date, and the name after it: `dec 25
    Christmas`, `next friday`, `2026-12-25 Christmas`. A name never reads as a date with the
    words before it, so the longest run is the date the person meant."""
    refusal: InvalidError | None = None
    for cut in range(min(len(words), DATE_WORDS_MAX), 0, -1):
        try:
            return read_date(" ".join(words[:cut]), dates), " ".join(words[cut:])
        except InvalidError as error:
            # "dec Christmas": asking which day says more than "can't read `dec Christmas`".
            refusal = error if refusal is None or error.key == "forms.which_day" else refusal
    raise refusal or UsageError("calendar.holiday_form")


def read_day_off(words: list[str], dates: DateContext) -> tuple[date, str | None]:
    """`<date> [name]`, or `<date>, <name>` when the name could read as part of a date."""
    text = " ".join(words)
    if "," in text:
        when, _, name = text.partition(",")
        day = read_date(when, dates)
    else:
        day, name = read_leading_date(words, dates)
    return day, name.strip() or None


def holiday_add(invocation: Invocation, words: list[str]) -> Reply:
    """`add <date> [name]`, or `add <date>, <name>` when the name could read as part of a date."""
    if not words:
        raise UsageError("calendar.holiday_form")
    ctx = invocation.ctx
    day, name = read_day_off(words, DateContext.of(ctx))
    with ctx.db() as db:
        added = add_holiday(db, actor=ctx.actor, team_id=ctx.team_id, day=day, name=name)
    key = "calendar.holiday_added" if added else "calendar.holiday_exists"
    return Reply(ctx.t(key, day=fmt_date(day, ctx.t)))


def read_year(words: list[str], this_year: int) -> int:
    if not words:
        return this_year
    if len(words) > 1 or not words[0].isdigit():
        raise InvalidError("calendar.import_year", given=" ".join(words))
    return int(words[0])


def holiday_import(invocation: Invocation, words: list[str]) -> Reply:
    """`import <country> [year]`: the country's public holidays for the year (this one by default),
    named in the reader's language where the list has it."""
    if not words:
        raise UsageError("calendar.import_form")
    ctx = invocation.ctx
    require_calendar_admin(ctx.actor)  # before the country is looked up: a refusal says why first
    this_year = DateContext.of(ctx).today().year
    year = read_year(words[1:], this_year)
    found = public_holidays(words[0], year, this_year=this_year, language=ctx.language)
    country = words[0].upper()
    with ctx.db() as db:
        added = add_holidays(db, actor=ctx.actor, team_id=ctx.team_id, days=found, source=country)
    if not added:
        return Reply(ctx.t("calendar.imported_none", country=country, year=year, count=len(found)))
    shown = [ctx.t("calendar.holiday", day=fmt_date(day, ctx.t), name=name or "") for day, name in added]
    lines = [ctx.t("calendar.imported", country=country, year=year, count=len(added)), *shown[:IMPORT_SHOWN]]
    if len(added) > IMPORT_SHOWN:
        lines.append(ctx.t("calendar.imported_more", count=len(added) - IMPORT_SHOWN))
    return Reply("\n".join(lines))


def away_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    text, words = " ".join(invocation.words), invocation.words
    if UNTIL.search(text):
        first, last = UNTIL.split(text, maxsplit=1)
    elif len(words) == 2:
        first, last = words
    else:
        raise UsageError("calendar.away_form")
    if not first.strip() or not last.strip():
        raise UsageError("calendar.away_form")
    dates = DateContext.of(ctx)
    start, end = read_date(first, dates), read_date(last, dates)
    with ctx.db() as db:
        add_absence(db, actor=ctx.actor, team_id=ctx.team_id, start=start, end=end)
    return Reply(ctx.t("calendar.away_recorded", start=fmt_date(start, ctx.t), end=fmt_date(end, ctx.t)))


HOLIDAY_ACTIONS = {"add": holiday_add, "import": holiday_import}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "holidays",
        usage="holidays [add <date> [name] | import <country> [year]]",
        example="holidays add dec 25 Christmas",
    )
    def holidays_verb(invocation: Invocation) -> Reply:
        words = invocation.words
        if not words:
            return holidays_reply(invocation)
        action = HOLIDAY_ACTIONS.get(words[0].lower())
        if action is None:
            raise UsageError("calendar.holiday_form")
        return action(invocation, words[1:])

    @router.verb("away", usage="away <from> to <to>", example="away dec 24 to jan 2", reads=Reads.NOTHING)
    def away_verb(invocation: Invocation) -> Reply:
        return away_reply(invocation)
