"""`/pmo calendar [week <days> | holiday <date> [name]]`: the project's own working week and
days off, which its schedule counts on top of the workspace's holidays."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.formats import WEEKDAY_KEYS, fmt_date, fmt_list
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.calendar.days_off import read_day_off
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.forms import DateContext
from models.calendar.project_calendar import (
    add_project_holiday,
    project_holidays,
    set_working_week,
    working_weekdays,
)
from models.core.errors import InvalidError
from models.projects.portfolio import find_project
from models.projects.tables import Project

# A day as typed: `sun`, `sunday`, `周日`, `星期日`, `日`; Chinese counts Monday as 一.
CHINESE_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
CHINESE_PREFIX = re.compile(r"^(?:周|星期|礼拜)")
RANGE = re.compile(r"\s*(?:-|–|~|到|至)\s*")
SEPARATORS = re.compile(r"[\s,，、]+")


DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def read_day(word: str) -> int:
    """Monday = 0; an English name may be cut short to its first three letters or more."""
    text = CHINESE_PREFIX.sub("", word.strip().lower())
    if text in CHINESE_DAYS:
        return CHINESE_DAYS[text]
    for number, name in enumerate(DAY_NAMES):
        if len(text) >= 3 and name.startswith(text):
            return number
    raise InvalidError("calendar.bad_day", given=word)


def read_week(text: str) -> set[int]:
    """`sun-thu`, `mon,tue,thu`, `周日至周四`: a range wraps past Sunday, as a week does."""
    days: set[int] = set()
    for part in SEPARATORS.split(RANGE.sub("-", text.strip())):
        if not part:
            continue
        first, _, last = part.partition("-")
        start = read_day(first)
        end = read_day(last) if last else start
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    if not days:
        raise UsageError("calendar.week_form")
    return days


def week_words(project: Project, t: Translator) -> str:
    return fmt_list((t(f"formats.weekday.{WEEKDAY_KEYS[day]}") for day in working_weekdays(project)), t)


def calendar_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = find_project(db, channel_id=invocation.command.channel_id)
        own = project_holidays(db, project, DateContext.of(ctx).today())
        lines = [ctx.t("calendar.week_current", key=project.key, days=week_words(project, ctx.t))]
        lines += [ctx.t("calendar.holiday", day=fmt_date(h.day, ctx.t), name=h.name or "") for h in own]
    if not own:
        lines.append(ctx.t("calendar.no_project_holidays"))
    return Reply("\n".join(lines))


def week_set(invocation: Invocation, words: list[str]) -> Reply:
    if not words:
        raise UsageError("calendar.week_form")
    ctx = invocation.ctx
    days = read_week(" ".join(words))
    with ctx.db() as db:
        project = find_project(db, channel_id=invocation.command.channel_id)
        set_working_week(db=db, actor=ctx.actor, project=project, weekdays=days)
        text = ctx.t("calendar.week_set", key=project.key, days=week_words(project, ctx.t))
    return Reply(text)


def holiday_set(invocation: Invocation, words: list[str]) -> Reply:
    if not words:
        raise UsageError("calendar.calendar_form")
    ctx = invocation.ctx
    day, name = read_day_off(words, DateContext.of(ctx))
    with ctx.db() as db:
        project = find_project(db, channel_id=invocation.command.channel_id)
        added = add_project_holiday(db=db, actor=ctx.actor, project=project, day=day, name=name)
        key = project.key
    answer = "calendar.project_holiday_added" if added else "calendar.project_holiday_exists"
    return Reply(ctx.t(answer, day=fmt_date(day, ctx.t), key=key))


CALENDAR_ACTIONS = {"week": week_set, "holiday": holiday_set}


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "calendar",
        usage="calendar [week <days> | holiday <date> [name]]",
        example="calendar week sun-thu",
    )
    def calendar_verb(invocation: Invocation) -> Reply:
        words = invocation.words
        if not words:
            return calendar_reply(invocation)
        action = CALENDAR_ACTIONS.get(words[0].lower())
        if action is None:
            raise UsageError("calendar.calendar_form")
        return action(invocation, words[1:])
