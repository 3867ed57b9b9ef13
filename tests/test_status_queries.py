"""A `/pmo status` that finds its project unchanged costs two statements, counted.

The replay record (one insert), then the person's cached profile beside the channel's project
(one select); the visibility rule and the kept status need nothing more for a public project.
They were five sessions before, a connection (and a pre-ping on PostgreSQL) apiece.
"""

from __future__ import annotations

from collections import Counter

from tests.support.queries import statements
from tests.support.served import SETTLE_S, RunningBot
from tests.support.status import running, say

# What a statement is about, by the first words it starts with.
ABOUT = {
    "INSERT INTO SEEN_REQUESTS": "replay record",
    "SELECT SLACK_USERS.ID,": "profile and project",
}
HOUSEKEEPING = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")


def sorted_out(seen: Counter[str]) -> Counter[str]:
    """The statements by what they are about; anything unexpected under its own words."""
    found: Counter[str] = Counter()
    for words, count in seen.items():
        if words.startswith(HOUSEKEEPING):
            continue
        about = next((name for start, name in ABOUT.items() if words.startswith(start)), words)
        found[about] += count
    return found


def test_a_status_of_an_unchanged_project_costs_two_statements(bot: RunningBot) -> None:
    running(bot)
    first = say(bot, "status")  # keeps the status, and Slack's profile of the person asking
    assert bot.app.runtime.settle(SETTLE_S)  # the profile is cached after the answer
    looked_up = len(bot.fake.calls_to("users.info"))
    with statements(bot.database) as seen:
        again = say(bot, "status")
    assert again == first
    assert sorted_out(seen) == Counter({"replay record": 1, "profile and project": 1})
    assert len(bot.fake.calls_to("users.info")) == looked_up
