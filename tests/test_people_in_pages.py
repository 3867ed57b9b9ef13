"""The directory of people read in pages (`users.list`) and kept current by events.

A scheduled pass meets thousands of people; asking Slack about each (`users.info`) cost the
first pass of the day a call a person. It now reads the directory a page of 200 at a time,
and `user_change` events change a person's language and time zone at once.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.slack.directory import PAGE_SIZE
from models import SlackUser
from tests.support.databases import SQLITE_ONLY
from tests.support.languages import say
from tests.support.passes import dms_to
from tests.support.reminders import overdue, overdue_for_many, reminder_dms, reminders
from tests.support.served import RunningBot
from tests.support.workspace import CAROL, TEAM

MANY = 450  # with the fixture's people, three pages of 200
MONDAY_0910_MADRID = "2026-12-07T08:10+00:00"


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
    stranger = "U0STRANGE"
    for _ in range(3):
        assert say(bot, "help", user=stranger).startswith("PMO bot: what you can ask")
    asked = [call.ok for call in bot.fake.calls_to("users.info") if call.args.get("user") == stranger]
    assert asked == [False]  # Slack said once that it does not know them
    # They join, in Chinese: the event is read before the memo of who Slack did not know.
    bot.fake.add_user(TEAM, stranger, real_name="新同事", tz="Asia/Shanghai", locale="zh-CN")
    joined = bot.fake.user_object(TEAM, stranger) | {"locale": "zh-CN"}
    assert bot.slack.event({"type": "team_join", "user": joined}).status == 200
    assert say(bot, "help", user=stranger).startswith("PMO 机器人：可以这样用")
