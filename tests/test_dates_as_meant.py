"""Dates as a person means them, end to end: a cost's "dec 3" is the last one, a holiday's "dec 25"
the next one, a month without its day is asked about, and a country's public holidays are
imported once, in the reader's language. Said on Friday 2026-12-04, in English and Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import create_app
from models import CostEntry, Issue, Meeting, Risk, Task
from models.calendar.tables import Absence, Holiday
from models.core.clock import CLOCK
from models.core.database import Database
from tests.support.budget import budgeted
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.fakeslack import FakeSlack
from tests.support.flows import count_rows, field_errors, open_modal, say, submit
from tests.support.served import RunningBot, make_settings, serving
from tests.support.workspace import ADMIN, CAROL, WEI

# Wording and dates: what they read are queries the tests on both databases cover.
pytestmark = SQLITE_ONLY

# Friday 2026-12-04: 10:00 in Shanghai (Wei), 02:00 in London (the administrator), 03:00 in Madrid.
SAID_ON = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
# China's public holidays in 2027 as the holidays list has them (days off, in-lieu days included).
CN_2027 = 19


@pytest.fixture(autouse=True)
def said_on_friday() -> Iterator[None]:
    CLOCK.travel_to(SAID_ON)
    try:
        yield
    finally:
        CLOCK.reset()


@pytest.fixture
def chinese_admin(fake_slack: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    """A bot in which Wei, who reads Slack in Chinese, is a PMO administrator."""
    settings = make_settings(fake_slack, database_url, pmo_admins=f"{ADMIN},{WEI}")
    with serving(create_app(settings, database=database), fake_slack) as running:
        yield running


def holidays_of(bot: RunningBot) -> dict[date, str | None]:
    with bot.database.system_session(write=False) as db:
        return {h.day: h.name for h in db.scalars(select(Holiday))}


def costs_on(bot: RunningBot) -> list[date]:
    with bot.database.system_session(write=False) as db:
        return list(db.scalars(select(CostEntry.spent_on).order_by(CostEntry.id)))


def test_a_cost_without_its_year_is_the_last_such_day_and_a_bare_month_asks_which_day(
    bot: RunningBot,
) -> None:
    budgeted(bot)
    say(bot, "team add <@U0005> member")
    assert "(Thu 2026-12-03)" in say(bot, "cost 50 people taxi on dec 3", user=CAROL)
    assert "2026年12月3日" in say(bot, "cost 20 people 出租车 on 12月3日", user=WEI)
    assert "(Tue 2026-11-03)" in say(bot, "cost 30 people lunch on 3 nov", user=CAROL)
    assert "which day?" in say(bot, "cost 50 people taxi on dec", user=CAROL)
    assert "只写了月份，没写哪一天" in say(bot, "cost 50 people taxi on 12月", user=WEI)
    assert "is still to come" in say(bot, "cost 50 people taxi on 月底", user=CAROL)
    assert costs_on(bot) == [date(2026, 12, 3), date(2026, 12, 3), date(2026, 11, 3)]


def test_holidays_add_reads_the_date_before_the_name_and_leans_to_the_future(bot: RunningBot) -> None:
    assert say(bot, "holidays add dec 25 Christmas", user=ADMIN) == (
        "Fri 2026-12-25 is a holiday: nobody will be prompted or reminded."
    )
    say(bot, "holidays add 2026-12-31 New Year's Eve", user=ADMIN)
    say(bot, "holidays add dec 24", user=ADMIN)
    say(bot, "holidays add next friday, Team day", user=ADMIN)
    assert say(bot, "holidays add dec 25", user=ADMIN) == "Fri 2026-12-25 is already a holiday."
    assert holidays_of(bot) == {
        date(2026, 12, 25): "Christmas",
        date(2026, 12, 31): "New Year's Eve",
        date(2026, 12, 24): None,
        date(2026, 12, 11): "Team day",
    }
    refusals = {
        "holidays add dec Christmas": "`dec` names a month but not the day: which day?",
        "holidays add blorp": "can't read `blorp` as a date",
        "holidays add": "Write `add`, the date and a name",
        "holidays remove dec 25": "Write `add`, the date and a name",
    }
    for text, words in refusals.items():
        assert words in say(bot, text, user=ADMIN), text
    assert say(bot, "holidays add dec 26", user=CAROL).startswith("Only PMO administrators")
    assert len(holidays_of(bot)) == 4


def test_holidays_in_chinese_and_an_absence_over_new_year(chinese_admin: RunningBot) -> None:
    bot = chinese_admin
    assert say(bot, "holidays add 元旦 新年", user=WEI).startswith("2027年1月1日（周五）已设为节假日")
    assert "已经是节假日了" in say(bot, "holidays add 1月1日", user=WEI)
    assert "只写了月份" in say(bot, "holidays add 12月 圣诞节", user=WEI)
    assert holidays_of(bot) == {date(2027, 1, 1): "新年"}
    assert say(bot, "away dec 24 to jan 2", user=CAROL).startswith(
        "Away from Thu 2026-12-24 to Sat 2027-01-02"
    )
    assert say(bot, "away 下下周三 to 月底", user=WEI).startswith(
        "已登记你2026年12月16日（周三）至2026年12月31日（周四）不在"
    )
    assert "2026年12月24日（周四）至2027年1月1日（周五）" in say(bot, "away 12月24日至元旦", user=WEI)
    assert "2027年1月4日（周一）至2027年1月5日（周二）" in say(bot, "away 下个月4号 到 下个月5号", user=WEI)
    assert "请写出离开和返回的日期" in say(bot, "away 12月24日至", user=WEI)
    assert "Write when you leave and when you are back" in say(bot, "away tomorrow", user=CAROL)
    with bot.database.system_session(write=False) as db:
        spans = [(a.start, a.end) for a in db.scalars(select(Absence).order_by(Absence.id))]
    assert spans == [
        (date(2026, 12, 24), date(2027, 1, 2)),
        (date(2026, 12, 16), date(2026, 12, 31)),
        (date(2026, 12, 24), date(2027, 1, 1)),
        (date(2027, 1, 4), date(2027, 1, 5)),
    ]


def test_a_countrys_public_holidays_are_imported_once_by_administrators(bot: RunningBot) -> None:
    say(bot, "holidays add 2027-01-01 New year", user=ADMIN)  # a day typed by hand keeps its name
    lines = say(bot, "holidays import cn 2027", user=ADMIN).splitlines()
    assert lines[0] == (
        f"Added {CN_2027 - 1} public holidays of CN in 2027: nobody will be prompted or reminded on them."
    )
    assert lines[1:3] == [
        "• Fri 2027-02-05 Chinese New Year's Eve",
        "• Sat 2027-02-06 Chinese New Year (Spring Festival)",
    ]
    assert lines[-1] == f"…and {CN_2027 - 1 - 5} more (`/pmo holidays` lists those to come)."
    assert say(bot, "holidays import CN 2027", user=ADMIN) == (
        f"The {CN_2027} public holidays of CN in 2027 are already recorded: nothing added."
    )
    assert len(holidays_of(bot)) == CN_2027 and holidays_of(bot)[date(2027, 1, 1)] == "New year"
    # Without a year, this year's: the United States' 2026 list, Christmas among them.
    assert "Added 12 public holidays of US in 2026" in say(bot, "holidays import US", user=ADMIN)
    assert holidays_of(bot)[date(2026, 12, 25)] == "Christmas Day"
    before = count_rows(bot.database, Holiday)
    refusals = {
        "holidays import XX": "`XX` is not a country code I have public holidays for.",
        "holidays import CN 3027": "`3027` is not a year I can import",
        "holidays import CN next year": "`next year` is not a year I can import",
        "holidays import": "Write `import`, a country's two-letter code",
    }
    for text, words in refusals.items():
        assert words in say(bot, text, user=ADMIN), text
    assert say(bot, "holidays import XX", user=CAROL).startswith("Only PMO administrators")
    assert count_rows(bot.database, Holiday) == before


def test_public_holidays_are_named_in_the_readers_language(chinese_admin: RunningBot) -> None:
    bot = chinese_admin
    lines = say(bot, "holidays import CN 2027", user=WEI).splitlines()
    assert lines[0] == f"已添加 CN 2027年的{CN_2027}个法定节假日，这些天不会向任何人提问或提醒。"
    assert lines[1] == "• 2027年1月1日（周五）元旦"
    assert "没有新增" in say(bot, "holidays import CN 2027", user=WEI)
    refusal = say(bot, "holidays import ZZ", user=WEI)
    assert refusal.startswith("找不到国家代码 `ZZ` 的法定节假日。") and "two-letter" not in refusal
    assert len(holidays_of(bot)) == CN_2027


def ephemeral(bot: RunningBot, count: int) -> str:
    text: str = bot.fake.wait_for("chat.postEphemeral", count)[-1].args["text"]
    return text


def test_a_due_or_review_date_past_or_outside_the_project_is_kept_with_a_warning(bot: RunningBot) -> None:
    create(bot)  # from Tue 2026-12-01 to Wed 2027-03-31
    say(bot, "team add <@U0003> member")
    say(bot, "team add <@U0005> member")
    say(bot, "task add Deliverable")
    with bot.database.system_session() as db:
        db.scalars(select(Task)).one().is_deliverable = True
    # "dec 3" for a review to come leans forward: next year's, after the project's target end.
    assert say(bot, "quality review APL-1 <@U0003|carol> dec 3") == (
        "Review of APL-1 by <@U0003> planned for Fri 2027-12-03."
        " ⚠️ Fri 2027-12-03 is after the project's target end (Wed 2027-03-31)."
    )
    assert say(bot, "quality review APL-1 <@U0003|carol> 2026-11-30").endswith(
        " ⚠️ Mon 2026-11-30 has already passed."
        " ⚠️ Mon 2026-11-30 is before the project starts (Tue 2026-12-01)."
    )
    assert say(bot, "quality review APL-1 <@U0003|carol> dec 10").endswith("planned for Thu 2026-12-10.")

    view = open_modal(bot, "risk", user=CAROL)
    assert (
        field_errors(submit(bot, view, {"title": "Vendor late", "review_date": "yesterday"}, user=CAROL))
        == {}
    )
    assert ephemeral(bot, 1).endswith("Next review Thu 2026-12-03. ⚠️ Thu 2026-12-03 has already passed.")

    view = open_modal(bot, "issue", user=WEI)
    assert field_errors(submit(bot, view, {"title": "测试环境挂了", "due_date": "下个月5号"}, user=WEI)) == {}
    assert "⚠️" not in ephemeral(bot, 2)
    view = open_modal(bot, "issue", user=WEI)
    assert field_errors(submit(bot, view, {"title": "合同到期", "due_date": "2027年4月1日"}, user=WEI)) == {}
    assert ephemeral(bot, 3).endswith("⚠️ 2027年4月1日（周四）晚于项目目标完成日期2027年3月31日（周三）。")

    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Risk.review_date)) == date(2026, 12, 3)
        dues = list(db.scalars(select(Issue.due_date).order_by(Issue.id)))
    assert dues == [date(2027, 1, 5), date(2027, 4, 1)]


def test_a_meeting_held_on_a_day_without_its_year_was_the_last_one(bot: RunningBot) -> None:
    create(bot)
    for typed, held in (("dec 3", date(2026, 12, 3)), ("12月4日", date(2026, 12, 4))):
        view = open_modal(bot, "meeting")
        assert field_errors(submit(bot, view, {"held_on": typed, "notes": "Weekly sync"})) == {}
        with bot.database.system_session(write=False) as db:
            assert db.scalars(select(Meeting.held_on).order_by(Meeting.id.desc())).first() == held
    errors = field_errors(submit(bot, open_modal(bot, "meeting"), {"held_on": "dec", "notes": "Sync"}))
    assert errors == {
        "held_on": "`dec` names a month but not the day: which day? Write it like dec 25 or 12月25日."
    }
    assert count_rows(bot.database, Meeting) == 2
