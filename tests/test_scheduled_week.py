"""A week of scheduled messages, end to end: the passes, run as `jobs run … --at` runs them.

Alice (Asia/Shanghai) manages Apollo and Bob (America/New_York) works on it. From Thursday
2026-10-29 to Wednesday 2026-11-04 the week holds a snooze, a weekend, the end of daylight
saving time in New York (Sunday 2026-11-01), the Monday digest, a workspace holiday (Tuesday),
Bob's day off (Wednesday) and a process killed mid-pass; the fake Slack must show exactly the
messages expected, each once.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.fakeslack import Call
from tests.support.flows import CHANNEL
from tests.support.passes import run_passes_now
from tests.support.processes import killed_while_held
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB

PASSES = ("standups", "reminders", "digests", "reviews")
KEYS = re.compile(r"\*(APL-\w+)\*")
DAY = re.compile(r"\w{3} \d{4}-\d\d-\d\d")
WHO = {ALICE: "alice", BOB: "bob", CHANNEL: "channel"}


def what(call: Call) -> str:
    """A message in a few words: who got it, what it is, and its day or items."""
    text = call.args["text"]
    who = WHO[call.args["channel"]]
    if text.startswith("☀️"):
        return f"{who} ☀️ {DAY.search(text).group()}"
    if text.startswith("⏰"):
        return f"{who} ⏰ {' '.join(KEYS.findall(str(call.args['blocks'])))}"
    if text.startswith("📋"):
        return f"{who} 📋 {' '.join(KEYS.findall(text))}"
    return f"{who} {text.splitlines()[0]}"


class Week:
    def __init__(self, bot: RunningBot) -> None:
        self.bot = bot
        self.seen = 0

    def posts(self) -> list[Call]:
        return [c for c in self.bot.fake.calls_to("chat.postMessage", ok=True) if c.args["channel"] in WHO]

    def new(self) -> list[str]:
        posts = self.posts()
        fresh, self.seen = posts[self.seen :], len(posts)
        return [what(call) for call in fresh]

    def at(self, moment: str) -> list[str]:
        done = run_passes_now(self.bot, moment, *PASSES)
        assert done.ok, done.stdout
        return self.new()


@SQLITE_ONLY
def test_a_week_across_time_zones_dst_a_weekend_a_holiday_an_absence_a_snooze_and_a_restart(
    bot: RunningBot, tmp_path: Path
) -> None:
    create(bot, {"start_date": "2026-10-01"})
    bot.slack.command("team add <@U0002> member")
    bot.slack.command("task add Docs <@U0002|bob> start 2026-10-19 due 2026-10-26")  # APL-1
    bot.slack.command("task add Budget review <@U0001|alice> start 2026-10-19 due 2026-10-28")  # APL-2
    bot.slack.command("holidays add 2026-11-03, Founders' day", user=ADMIN)
    bot.slack.command("away 2026-11-04 to 2026-11-04", user=BOB)
    week = Week(bot)
    week.new()

    # Thursday. Alice's morning (09:40 in Shanghai), then Bob's (09:40 EDT).
    assert week.at("2026-10-29T01:40Z") == ["alice ⏰ APL-2", "alice ☀️ Thu 2026-10-29"]
    assert week.at("2026-10-29T13:40Z") == ["bob ⏰ APL-1", "bob ☀️ Thu 2026-10-29"]
    snooze = next(
        element
        for call in bot.fake.calls_to("chat.postMessage")
        if call.args["channel"] == BOB
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "reminder_snooze"
    )
    bot.slack.block_action("reminder_snooze", value=snooze["value"], user=BOB)  # quiet on Friday
    assert "until after Fri 2026-10-30" in bot.fake.wait_for("response_url")[-1].args["text"]

    # Friday: Bob's snoozed task is left out of his reminder, so he gets none.
    assert week.at("2026-10-30T01:40Z") == ["alice ⏰ APL-2", "alice ☀️ Fri 2026-10-30"]
    assert week.at("2026-10-30T13:40Z") == ["bob ☀️ Fri 2026-10-30"]

    # The weekend, Sunday's 09:40 in New York already on standard time.
    assert week.at("2026-10-31T13:40Z") == []
    assert week.at("2026-11-01T14:40Z") == []

    # Monday: the digest, and Alice's summary of what is more than three days late.
    assert week.at("2026-11-02T01:40Z") == [
        "alice ⏰ APL-2",
        "alice 📋 APL-1 APL-2",
        "alice ☀️ Mon 2026-11-02",
        "channel 📰 APL · Apollo — week 2026-W45",
    ]
    # 13:40 UTC was Bob's 09:40 last week; now it is 08:40 EST, and 14:40 is his 09:40.
    assert week.at("2026-11-02T13:40Z") == []
    assert week.at("2026-11-02T14:40Z") == ["bob ⏰ APL-1", "bob ☀️ Mon 2026-11-02"]

    # Tuesday is a holiday for everyone.
    assert week.at("2026-11-03T01:40Z") == []
    assert week.at("2026-11-03T14:40Z") == []

    # Wednesday: the pass is killed while Slack holds Alice's reminder; run again, the rest
    # goes out and the reminder (which Slack did post) is not repeated.
    held = bot.fake.stall_next("chat.postMessage", where=lambda args: args["text"].startswith("⏰"))
    killed_while_held(bot, tmp_path, ["jobs", "run", *PASSES, "--at", "2026-11-04T01:40Z"], held)
    assert week.new() == ["alice ⏰ APL-2"]
    assert week.at("2026-11-04T01:41Z") == ["alice 📋 APL-1 APL-2", "alice ☀️ Wed 2026-11-04"]
    # Bob is away on Wednesday.
    assert week.at("2026-11-04T14:40Z") == []
