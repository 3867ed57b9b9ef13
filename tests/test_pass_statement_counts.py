"""Every pass that messages people costs the same few statements per project however many are due.

Like the digests (tests/test_pass_queries.py): the standups, reminders, reviews and reports
each run over a workspace of 5 projects and over one of 20, every project with something due
for the pass and people of its own, counted with SQLAlchemy's own statement events. What a
pass reads, it reads for all the projects and all their people at once, so those statements
are the same at 5 and at 20; only the delivery log's claims and outcomes grow, a statement
each per group of messages sent side by side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import Mode, create_app
from bot.runtime import Runtime
from handlers.comms.reports import ReportPass
from handlers.reminders.overdue import ReminderPass
from handlers.reminders.reviews import ReviewPass
from handlers.slack import directory
from handlers.slack.context import job_ctx
from handlers.slack.passes import PassFactory
from handlers.standups.standup import StandupPass
from models.core.database import Database
from tests.support.due_work import ZONE, Crew, add_due_projects, add_people
from tests.support.fakeslack import FakeSlack
from tests.support.queries import statements
from tests.support.served import make_settings
from tests.support.workspace import OTHER_TEAM, TEAM

SMALL, BIG = 5, 20
MONDAY = datetime(2026, 12, 7, 9, 35, tzinfo=ZoneInfo(ZONE))
FRIDAY = datetime(2026, 12, 11, 16, 5, tzinfo=ZoneInfo(ZONE))
# The delivery log's writes: a claim and an outcome a group of messages (SEND_WORKERS of them
# at most), in a transaction that SQLite begins with a statement of its own.
DELIVERY_LOG = {"INSERT INTO DELIVERIES", "UPDATE DELIVERIES SET", "BEGIN IMMEDIATE"}
# The statements each further message may add: its share of those three.
PER_MESSAGE = 1


@dataclass(frozen=True)
class Case:
    """A pass, a moment it finds work due, and how many messages it sends for each project."""

    make: PassFactory
    at: datetime
    per_project: int


CASES = {
    "standups": Case(StandupPass, MONDAY, 2),  # the manager and the member
    "reminders": Case(ReminderPass, MONDAY, 2),  # the member's reminder, the manager's summary
    "reviews": Case(ReviewPass, MONDAY, 4),  # a risk and a quality review, a change chased twice
    "reports": Case(ReportPass, FRIDAY, 2),  # the sponsor's report, the agenda in the channel
}


def workspace(database: Database, fake: FakeSlack, team_id: str, letter: str, count: int) -> None:
    database.ensure_workspace(team_id)
    add_people(fake, TEAM, letter, count)  # the one Slack workspace the bot's token reaches
    add_due_projects(database, team_id, letter, count, MONDAY.date())


def read_directory(runtime: Runtime, team_id: str, letter: str, count: int) -> None:
    """The profiles cached, as the day's first pass leaves them: what is counted is the pass's own."""
    people = {user for n in range(count) for user in Crew.of(letter, n).everyone()}
    listed = directory.read_directory(job_ctx(runtime, team_id))
    assert people <= set(listed)


def counted(runtime: Runtime, fake: FakeSlack, case: Case, team_id: str) -> tuple[int, Counter[str]]:
    """Run the pass over one workspace; how many messages it posted, and the statements it sent."""
    before = len(fake.calls_to("chat.postMessage", ok=True))
    with statements(runtime.database) as seen:
        case.make(runtime, team_id, case.at).run()
    return len(fake.calls_to("chat.postMessage", ok=True)) - before, seen


def reads(seen: Counter[str]) -> Counter[str]:
    return Counter({words: count for words, count in seen.items() if words not in DELIVERY_LOG})


@pytest.mark.parametrize("name", CASES)
def test_a_pass_costs_the_same_few_statements_per_project_at_5_and_at_20(
    database: Database, fake_slack: FakeSlack, name: str
) -> None:
    case = CASES[name]
    workspace(database, fake_slack, TEAM, "A", SMALL)
    workspace(database, fake_slack, OTHER_TEAM, "B", BIG)
    url = database.url.render_as_string(hide_password=False)
    runtime = create_app(make_settings(fake_slack, url), database=database, mode=Mode.HTTP).runtime
    read_directory(runtime, TEAM, "A", SMALL)
    read_directory(runtime, OTHER_TEAM, "B", BIG)

    small_sent, small = counted(runtime, fake_slack, case, TEAM)
    big_sent, big = counted(runtime, fake_slack, case, OTHER_TEAM)

    assert (small_sent, big_sent) == (SMALL * case.per_project, BIG * case.per_project)
    # Nothing is read per project or per person: four times the projects, the same reads.
    assert reads(big) == reads(small), (small, big)
    small_total, big_total = sum(small.values()), sum(big.values())
    assert big_total / BIG <= small_total / SMALL, (small, big)
    assert (big_total - small_total) / (BIG - SMALL) <= PER_MESSAGE * case.per_project, (small, big)
