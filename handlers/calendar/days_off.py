"""`/pmo holidays [add <date> [name]]` and `/pmo away <from> to <to>`: when nobody is chased."""

from __future__ import annotations

from slack_bolt import App

from bot.formats import fmt_date
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reads, Reply, UsageError
from handlers.slack.forms import DateContext, read_date
from models.calendar.days_off import add_absence, add_holiday, upcoming_holidays

UNTIL_WORD = "to"


def holidays_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        days = upcoming_holidays(db, DateContext.of(ctx).today())
        lines = [ctx.t("calendar.holiday", day=fmt_date(h.day, ctx.t), name=h.name or "") for h in days]
    if not lines:
        return Reply(ctx.t("calendar.no_holidays"))
    return Reply("\n".join([ctx.t("calendar.holidays_title"), *lines]))


def holiday_add(invocation: Invocation, words: list[str]) -> Reply:
    """`add <date> [name]`: the date is the first word (ISO), or the words before a comma."""
    if not words:
        raise UsageError("calendar.holiday_form")
    ctx = invocation.ctx
    text = " ".join(words)
    when, _, name = text.partition(",") if "," in text else (words[0], "", " ".join(words[1:]))
    day = read_date(when, DateContext.of(ctx))
    with ctx.db() as db:
        added = add_holiday(db, actor=ctx.actor, team_id=ctx.team_id, day=day, name=name.strip() or None)
    key = "calendar.holiday_added" if added else "calendar.holiday_exists"
    return Reply(ctx.t(key, day=fmt_date(day, ctx.t)))


def away_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = invocation.words
    lowered = [word.lower() for word in words]
    if UNTIL_WORD in lowered:
        cut = lowered.index(UNTIL_WORD)
        first, last = " ".join(words[:cut]), " ".join(words[cut + 1 :])
    elif len(words) == 2:
        first, last = words
    else:
        raise UsageError("calendar.away_form")
    if not first or not last:
        raise UsageError("calendar.away_form")
    dates = DateContext.of(ctx)
    start, end = read_date(first, dates), read_date(last, dates)
    with ctx.db() as db:
        add_absence(db, actor=ctx.actor, team_id=ctx.team_id, start=start, end=end)
    return Reply(ctx.t("calendar.away_recorded", start=fmt_date(start, ctx.t), end=fmt_date(end, ctx.t)))


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "holidays", usage="holidays [add <date>[, name]]", example="holidays add 2026-12-25, Christmas"
    )
    def holidays_verb(invocation: Invocation) -> Reply:
        words = invocation.words
        if not words:
            return holidays_reply(invocation)
        if words[0].lower() != "add":
            raise UsageError("calendar.holiday_form")
        return holiday_add(invocation, words[1:])

    @router.verb("away", usage="away <from> to <to>", example="away dec 24 to jan 2", reads=Reads.NOTHING)
    def away_verb(invocation: Invocation) -> Reply:
        return away_reply(invocation)
