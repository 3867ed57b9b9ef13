"""The directory of people read in pages (`users.list`) and kept current by events.

A scheduled pass meets thousands of people; asking Slack about each (`users.info`) cost the
first pass of the day a call a person. Whichever pass of a tick first meets someone not cached
now reads the directory a page of 200 at a time, for every pass of the tick, and
`user_change` events change a person's language and time zone at once.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from handlers.slack import directory
from handlers.slack.directory import PAGE_SIZE
from models import Member, Risk, SlackUser
from models.core.clock import utcnow
from models.core.enums import Role
from tests.support.charter import create, project
from tests.support.comms import edit_line
from tests.support.databases import SQLITE_ONLY
from tests.support.languages import say
from tests.support.passes import dms_to, run_passes_now
from tests.support.reminders import overdue, overdue_for_many, reminder_dms, reminders
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, CAROL, TEAM

MANY = 450  # with the fixture's people, three pages of 200
MONDAY_0910_MADRID = "2026-12-07T08:10+00:00"
STRANGER = "U0STRANGE"  # someone Slack does not know


def madrid_people(bot: RunningBot, count: int) -> list[str]:
    people = [f"U{n:05d}" for n in range(10_000, 10_000 + count)]
    for n, user in enumerate(people):
        locale = "zh-CN" if n % 2 else "en-US"
        bot.fake.add_user(TEAM, user, real_name=f"Person {n}", tz="Europe/Madrid", locale=locale)
    return people


def test_the_first_pass_of_the_day_reads_the_directory_in_pages_not_a_call_a_person(
    bot: RunningBot,
) -> None:
    people = madrid_people(bot, MANY)
    overdue_for_many(bot, people)
    asked_before = len(bot.fake.calls_to("users.info"))
    reminders(bot, MONDAY_0910_MADRID)
    pages = bot.fake.calls_to("users.list", ok=True)
    assert len(pages) == -(-bot.fake.people_count(TEAM) // PAGE_SIZE) == 3, [call.args for call in pages]
    assert len(bot.fake.calls_to("users.info")) == asked_before
    # Each reminder in its owner's language, from the page that described them.
    assert reminder_dms(bot, people[0]) == ["⏰ You have 1 overdue item:"]
    assert [text for text in dms_to(bot, people[1]) if text.startswith("⏰")] == ["⏰ 你有1项逾期事项："]
    assert all(len(reminder_dms(bot, person)) == 1 for person in people)
    with bot.database.system_session(write=False) as db:
        cached = db.scalars(select(SlackUser.user_id).where(SlackUser.user_id.in_(people))).all()
    assert sorted(cached) == people


@SQLITE_ONLY
def test_a_later_pass_that_day_asks_slack_nothing(bot: RunningBot) -> None:
    people = madrid_people(bot, 30)
    overdue_for_many(bot, people)
    reminders(bot, MONDAY_0910_MADRID)
    asked = len(bot.fake.calls_to("users.list")) + len(bot.fake.calls_to("users.info"))
    reminders(bot, "2026-12-07T09:10+00:00")
    assert len(bot.fake.calls_to("users.list")) + len(bot.fake.calls_to("users.info")) == asked


@SQLITE_ONLY
def test_a_page_refused_for_its_rate_is_asked_again_after_retry_after(bot: RunningBot) -> None:
    people = madrid_people(bot, 250)
    overdue_for_many(bot, people)
    bot.fake.fail_next("users.list", status=429, retry_after=1)
    reminders(bot, MONDAY_0910_MADRID)
    assert [call.ok for call in bot.fake.calls_to("users.list")] == [False, True, True]
    assert all(len(reminder_dms(bot, person)) == 1 for person in people)


def test_a_user_change_event_sets_the_language_and_time_zone_used_next(bot: RunningBot) -> None:
    overdue(bot)  # Carol (Madrid, English) owns overdue work; her profile is cached today
    bot.fake.add_user(TEAM, CAROL, name="carol", real_name="Carol Díaz", tz="Asia/Shanghai", locale="zh-CN")
    changed = bot.fake.user_object(TEAM, CAROL) | {"locale": "zh-CN"}
    assert bot.slack.event({"type": "user_change", "user": changed}).status == 200
    # 09:10 in Shanghai, 02:10 in Madrid: Carol is reminded on Shanghai's morning, in Chinese.
    reminders(bot, "2026-12-07T01:10+00:00")
    assert [text for text in dms_to(bot, CAROL) if text.startswith("⏰")] == ["⏰ 你有2项逾期事项："]


@SQLITE_ONLY
def test_an_event_without_a_locale_keeps_the_language_known(bot: RunningBot) -> None:
    overdue(bot)
    bot.fake.add_user(TEAM, CAROL, name="carol", real_name="Carol Díaz", tz="Asia/Shanghai", locale="zh-CN")
    bot.slack.event({"type": "user_change", "user": bot.fake.user_object(TEAM, CAROL) | {"locale": "zh-CN"}})
    bot.fake.add_user(TEAM, CAROL, name="carol", real_name="Carol Díaz", tz="Europe/Madrid", locale="zh-CN")
    assert bot.slack.event({"type": "user_change", "user": bot.fake.user_object(TEAM, CAROL)}).status == 200
    bot.app.runtime.settle(5)
    with bot.database.system_session(write=False) as db:
        carol = db.scalars(select(SlackUser).where(SlackUser.user_id == CAROL)).one()
    assert (carol.tz, carol.locale) == ("Europe/Madrid", "zh-CN")


def test_someone_slack_does_not_know_is_asked_about_once_and_seen_at_once_when_they_join(
    bot: RunningBot,
) -> None:
    for _ in range(3):
        assert say(bot, "help", user=STRANGER).startswith("PMO bot: what you can ask")
    asked = [call.ok for call in bot.fake.calls_to("users.info") if call.args.get("user") == STRANGER]
    assert asked == [False]  # Slack said once that it does not know them
    # They join, in Chinese: the event is read before the memo of who Slack did not know.
    bot.fake.add_user(TEAM, STRANGER, real_name="新同事", tz="Asia/Shanghai", locale="zh-CN")
    joined = bot.fake.user_object(TEAM, STRANGER) | {"locale": "zh-CN"}
    assert bot.slack.event({"type": "team_join", "user": joined}).status == 200
    assert say(bot, "help", user=STRANGER).startswith("PMO 机器人：可以这样用")


# A small page, so that a workspace of a few dozen people is read in several pages.
SMALL_PAGE = 4
NEWCOMERS = 14  # with the fixture's five people, five pages of four
MONDAY_0935_SHANGHAI = "2026-12-07T09:35+08:00"
# What each pass sends each member, in English and in Chinese.
SENT = {
    "standups": ("☀️ Standup for *APL*", "☀️ *APL* Apollo 站会"),
    "reviews": ("🔎 Risk *APL-R", "🔎 风险 *APL-R"),
    "reports": ("📣 The weekly report on *APL*", "📣 *APL* Apollo 周报"),
}


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(directory, "PAGE_SIZE", SMALL_PAGE)
    return SMALL_PAGE


def team_of_many(bot: RunningBot) -> list[str]:
    """Apollo (Shanghai) and many more members there, half reading Chinese, each with a risk due
    for review on Monday; the stakeholder report goes to the team at 09:30 Monday, each member's.

    It is a new day: the profiles cached yesterday are stale, and the newcomers' were never cached.
    """
    create(bot)
    edit_line(
        bot,
        "stakeholder_report",
        {"audience": "team", "days": "mon", "local_time": "09:30", "time_zone_of": "member"},
    )
    people = [f"U{n:05d}" for n in range(20_000, 20_000 + NEWCOMERS)]
    for n, user in enumerate(people):
        locale = "zh-CN" if n % 2 else "en-US"
        bot.fake.add_user(TEAM, user, real_name=f"Member {n}", tz="Asia/Shanghai", locale=locale)
    apollo = project(bot)
    with bot.database.system_session() as db:
        db.add_all(
            Member(team_id=TEAM, project_id=apollo.id, user_id=user, role=Role.MEMBER) for user in people
        )
        db.add_all(
            Risk(
                team_id=TEAM,
                project_id=apollo.id,
                number=number,
                title=f"Risk {number}",
                probability=3,
                impact=3,
                owner_id=owner,
                review_date=date(2026, 12, 7),
                created_by=ALICE,
            )
            for number, owner in enumerate(people, start=1)
        )
    assert bot.app.runtime.settle(5)
    with bot.database.system_session() as db:
        db.execute(update(SlackUser).values(fetched_at=utcnow() - timedelta(days=2)))
    return people


def sent(bot: RunningBot, pass_name: str, user: str) -> list[str]:
    return [text for text in dms_to(bot, user) if text.startswith(SENT[pass_name])]


def assert_read_in_pages_only(bot: RunningBot, asked_before: int, listed_before: int) -> None:
    """Since then, no person asked about alone, and the whole directory read once, page by page."""
    asked = [call.args.get("user") for call in bot.fake.calls_to("users.info")[asked_before:]]
    assert asked == []
    pages = bot.fake.calls_to("users.list")[listed_before:]
    assert len(pages) == -(-bot.fake.people_count(TEAM) // SMALL_PAGE) == 5, [call.args for call in pages]
    assert {call.args.get("limit") for call in pages} == {str(SMALL_PAGE)}


@pytest.mark.parametrize("pass_name", list(SENT))
def test_any_pass_first_on_a_new_day_reads_the_directory_in_pages_not_a_call_a_person(
    bot: RunningBot, small_pages: int, pass_name: str
) -> None:
    people = team_of_many(bot)
    asked_before, listed_before = len(bot.fake.calls_to("users.info")), len(bot.fake.calls_to("users.list"))
    done = run_passes_now(bot, MONDAY_0935_SHANGHAI, pass_name)
    assert done.ok, done.stdout
    assert_read_in_pages_only(bot, asked_before, listed_before)
    # Each member served in the language their page gave.
    english, chinese = SENT[pass_name]
    assert [text[: len(english)] for text in sent(bot, pass_name, people[0])] == [english]
    assert [text[: len(chinese)] for text in sent(bot, pass_name, people[1])] == [chinese]
    assert all(len(sent(bot, pass_name, person)) == 1 for person in people)


def test_the_passes_of_a_tick_read_the_directory_once_between_them(bot: RunningBot, small_pages: int) -> None:
    people = team_of_many(bot)
    asked_before, listed_before = len(bot.fake.calls_to("users.info")), len(bot.fake.calls_to("users.list"))
    # Every pass in the scheduler's order, as one tick: reviews runs before standups and reports.
    done = run_passes_now(bot, MONDAY_0935_SHANGHAI, *bot.app.runtime.jobs)
    assert done.ok, done.stdout
    assert_read_in_pages_only(bot, asked_before, listed_before)
    assert all(len(sent(bot, name, person)) == 1 for name in SENT for person in people)


@SQLITE_ONLY
def test_only_someone_the_directory_does_not_list_is_asked_about_alone(
    bot: RunningBot, small_pages: int
) -> None:
    people = team_of_many(bot)
    with bot.database.system_session() as db:
        db.execute(update(Risk).where(Risk.owner_id == people[0]).values(owner_id=STRANGER))
    asked_before = len(bot.fake.calls_to("users.info"))
    done = run_passes_now(bot, MONDAY_0935_SHANGHAI, "reviews")
    assert done.ok, done.stdout
    assert [call.args.get("user") for call in bot.fake.calls_to("users.info")[asked_before:]] == [STRANGER]
    assert all(len(sent(bot, "reviews", person)) == 1 for person in people[1:])


def test_a_directory_slack_refuses_is_asked_once_then_each_person_alone(
    bot: RunningBot, small_pages: int
) -> None:
    people = team_of_many(bot)
    asked_before, listed_before = len(bot.fake.calls_to("users.info")), len(bot.fake.calls_to("users.list"))
    bot.fake.fail_next("users.list", status=200, error="fatal_error")
    done = run_passes_now(bot, MONDAY_0935_SHANGHAI, "reviews")
    assert done.ok, done.stdout
    assert len(bot.fake.calls_to("users.list")[listed_before:]) == 1  # not again for every person met
    asked = [call.args.get("user") for call in bot.fake.calls_to("users.info")[asked_before:]]
    assert sorted(set(asked)) == sorted(asked) and set(people) <= set(asked)
    assert all(len(sent(bot, "reviews", person)) == 1 for person in people)
