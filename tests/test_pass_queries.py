"""A digest pass costs the same few statements per project however many projects are due.

Counted with SQLAlchemy's own statement events on the pass's engine, for a wave of 10 projects
and then, the next week, of 40: the digests are read a batch at a time, and the delivery log
is claimed a group of posts per statement, and what became of the group's posts is recorded
in one statement too, committed with the next group's claim: nothing is sent per project.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot import outbox
from bot.app import Mode, create_app
from bot.outbox import SEND_WORKERS
from bot.runtime import Runtime
from handlers.digests.weekly import DigestPass
from models.core.database import Database
from models.core.deliveries import claim_deliveries
from models.core.enums import DeliveryState
from models.core.records import Delivery
from tests.support.digests import MONDAY_0905_SHANGHAI
from tests.support.fakeslack import FakeSlack
from tests.support.projects import add_projects, project_key
from tests.support.queries import statements, transactions
from tests.support.served import make_settings
from tests.support.workspace import TEAM

FIRST_MONDAY = datetime.fromisoformat(MONDAY_0905_SHANGHAI)
# The statements a pass may add for each further project: its share of a group's claim and of
# the group's outcome (each with its transaction's BEGIN on SQLite), a group being SEND_WORKERS.
PER_PROJECT = 1


def with_projects(database: Database, fake: FakeSlack, count: int) -> Runtime:
    """The app's runtime over `count` projects, each with a digest due on the first Monday."""
    database.ensure_workspace(TEAM)
    add_projects(database, 0, count, FIRST_MONDAY.date())
    url = database.url.render_as_string(hide_password=False)
    return create_app(make_settings(fake, url), database=database, mode=Mode.HTTP).runtime


def digest_pass(runtime: Runtime, fake: FakeSlack, at: datetime) -> tuple[int, Counter[str]]:
    """Run the pass; how many digests it posted, and the statements it sent."""
    before = len(fake.calls_to("chat.postMessage", ok=True))
    with statements(runtime.database) as seen:
        DigestPass(runtime, TEAM, at).run()
    return len(fake.calls_to("chat.postMessage", ok=True)) - before, seen


def claims(seen: Counter[str]) -> int:
    return sum(count for words, count in seen.items() if re.fullmatch(r"INSERT INTO DELIVERIES", words))


def outcomes(seen: Counter[str]) -> int:
    return sum(count for words, count in seen.items() if re.fullmatch(r"UPDATE DELIVERIES SET", words))


def test_a_digest_wave_costs_the_same_few_statements_per_project_at_10_and_at_40(
    database: Database, fake_slack: FakeSlack
) -> None:
    runtime = with_projects(database, fake_slack, 10)

    small_sent, small = digest_pass(runtime, fake_slack, FIRST_MONDAY)
    add_projects(database, 10, 30, FIRST_MONDAY.date())
    big_sent, big = digest_pass(runtime, fake_slack, FIRST_MONDAY + timedelta(days=7))

    assert (small_sent, big_sent) == (10, 40)
    small_total, big_total = sum(small.values()), sum(big.values())
    assert big_total / 40 <= small_total / 10, (small, big)
    assert (big_total - small_total) / 30 <= PER_PROJECT, (small, big)
    # One claim and one outcome a group of posts sent side by side, not one a post.
    assert claims(small) == outcomes(small) == math.ceil(10 / SEND_WORKERS)
    assert claims(big) == outcomes(big) == math.ceil(40 / SEND_WORKERS)


def test_the_counted_pass_posted_what_each_project_did(database: Database, fake_slack: FakeSlack) -> None:
    """What the counts above are of: real digests, each with its project's task, risk and spend."""
    runtime = with_projects(database, fake_slack, 3)
    digest_pass(runtime, fake_slack, FIRST_MONDAY)
    posts = {c.args["channel"]: c.args["text"] for c in fake_slack.calls_to("chat.postMessage", ok=True)}
    assert sorted(posts) == ["C0Q0000", "C0Q0001", "C0Q0002"]
    for n, channel in enumerate(sorted(posts)):
        assert project_key(n) in posts[channel] and "Ship it" in posts[channel], posts[channel]
        assert "Late parts" in posts[channel], posts[channel]
    # The group's outcomes, recorded in one statement, each say where its own post landed.
    answers = [call.response for call in fake_slack.calls_to("chat.postMessage", ok=True)]
    landed = {answer["channel"]: answer["ts"] for answer in answers}
    with database.session(TEAM, write=False) as db:
        rows = db.execute(select(Delivery.state, Delivery.channel_id, Delivery.message_ts))
        recorded = {channel: (state, ts) for state, channel, ts in rows}
    assert recorded == {channel: (DeliveryState.SENT, ts) for channel, ts in landed.items()}


def test_a_groups_outcomes_are_committed_with_the_next_groups_claim(
    database: Database, fake_slack: FakeSlack
) -> None:
    runtime = with_projects(database, fake_slack, 10)
    with transactions(database) as committed:
        DigestPass(runtime, TEAM, FIRST_MONDAY).run()

    claim, outcome = "INSERT INTO DELIVERIES", "UPDATE DELIVERIES SET"
    logged = [done for done in committed if claim in done or outcome in done]
    groups = math.ceil(10 / SEND_WORKERS)
    # The first group's claim, each later claim with the outcomes of the group before it, and
    # the last group's outcomes: one commit a group, plus one.
    assert [(claim in done, outcome in done) for done in logged] == [
        (True, False),
        *[(True, True)] * (groups - 1),
        (False, True),
    ], logged
    with database.session(TEAM, write=False) as db:
        states = db.scalars(select(Delivery.state)).all()
    assert states == [DeliveryState.SENT] * 10


def test_a_claim_that_fails_still_records_the_group_before_it_and_the_rest_go_next_run(
    database: Database, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = with_projects(database, fake_slack, 2 * SEND_WORKERS)
    claims_made = 0

    def second_claim_fails(*args: Any, **kwargs: Any) -> dict[str, int]:
        nonlocal claims_made
        claims_made += 1
        if claims_made == 2:
            raise OperationalError("INSERT INTO deliveries", {}, Exception("the server went away"))
        return claim_deliveries(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_deliveries", second_claim_fails)
    first_sent, _ = digest_pass(runtime, fake_slack, FIRST_MONDAY)
    with database.session(TEAM, write=False) as db:
        states = db.scalars(select(Delivery.state)).all()
    assert first_sent == SEND_WORKERS
    # The first group's posts were recorded though the transaction meant to carry them failed.
    assert states == [DeliveryState.SENT] * SEND_WORKERS

    monkeypatch.setattr(outbox, "claim_deliveries", claim_deliveries)
    again_sent, _ = digest_pass(runtime, fake_slack, FIRST_MONDAY)
    posts = [call.args["channel"] for call in fake_slack.calls_to("chat.postMessage", ok=True)]
    assert again_sent == SEND_WORKERS
    assert sorted(posts) == sorted(set(posts)) and len(posts) == 2 * SEND_WORKERS  # each project once


def test_a_pass_told_to_stop_sends_the_group_it_claimed_and_leaves_the_rest_to_the_next_run(
    database: Database, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = with_projects(database, fake_slack, 2 * SEND_WORKERS)
    post = outbox._post

    def stopped_during_the_first_post(*args: Any) -> Any:
        runtime.stop(0)  # SIGTERM arrives while the first group is being posted
        return post(*args)

    monkeypatch.setattr(outbox, "_post", stopped_during_the_first_post)
    first_sent, _ = digest_pass(runtime, fake_slack, FIRST_MONDAY)
    with database.session(TEAM, write=False) as db:
        states = db.scalars(select(Delivery.state)).all()
    assert first_sent == SEND_WORKERS and states == [DeliveryState.SENT] * SEND_WORKERS

    monkeypatch.setattr(outbox, "_post", post)
    url = database.url.render_as_string(hide_password=False)
    restarted = create_app(make_settings(fake_slack, url), database=database, mode=Mode.HTTP).runtime
    again_sent, _ = digest_pass(restarted, fake_slack, FIRST_MONDAY)
    posts = [call.args["channel"] for call in fake_slack.calls_to("chat.postMessage", ok=True)]
    assert again_sent == SEND_WORKERS and len(set(posts)) == len(posts) == 2 * SEND_WORKERS
