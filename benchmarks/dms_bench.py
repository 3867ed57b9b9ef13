"""1,000 direct messages against a fake Slack that allows one post a second per channel.

    python -m benchmarks dms [--people 100] [--each 10] [--database-url URL]

Every scheduled send goes through the outbox: claimed in the delivery log, posted, recorded.
Here 100 people get 10 DMs each in one pass, so every channel is posted to ten times and
cannot take them in under nine seconds; the fake answers a post within a second of the last
one delivered to that channel 429 with `Retry-After: 1`, as Slack does. Sends that still fail after the
client's retries are retried by later passes after their back-off. All must be delivered,
none twice. The baseline is the same DMs against a fake Slack without a rate limit.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from benchmarks.harness import Figure, fake_slack, pmo_app, report, scratch_database, timed
from benchmarks.ratelimited import POST, RateLimitedSlack
from benchmarks.scenario import people
from bot.outbox import Notice, send_all
from bot.runtime import Runtime
from models.core.database import Database
from models.core.deliveries import BACKOFF
from models.core.enums import DeliveryState
from models.core.records import Delivery
from tests.support.fakeslack import FakeSlack
from tests.support.workspace import TEAM

NAME = "dms"
KINDS = ("reminder", "overdue_summary", "risk_review", "quality_review", "change_reminder")
PASSES_MAX = len(BACKOFF) + 1


def dms(users: tuple[str, ...], each: int, prefix: str) -> list[Notice]:
    """`each` DMs to every user, in the order a pass finds them: all of one kind, then the next."""
    found = []
    for kind in (KINDS * each)[:each]:  # kinds repeat past five: keys stay apart by their number
        for user in users:
            key = f"{prefix}:{kind}:{user}:{len(found)}"
            found.append(Notice.due(key, kind, user, f"{kind} for you ({key})", []))
    return found


def deliver(runtime: Runtime, outgoing: list[Notice]) -> int:
    """Passes until every DM is sent (later passes retry what failed, after its back-off)."""
    now = datetime.now(UTC)
    for number in range(1, PASSES_MAX + 1):
        send_all(runtime, team_id=TEAM, now=now, notices=outgoing)
        if sent_count(runtime.database) == len(outgoing):
            return number
        now += BACKOFF[min(number, len(BACKOFF)) - 1]
    return PASSES_MAX


def sent_count(database: Database) -> int:
    with database.session(TEAM, write=False) as db:
        return db.scalar(select(func.count()).where(Delivery.state == DeliveryState.SENT)) or 0


def measure(url: str, fake: FakeSlack, outgoing: list[Notice]) -> tuple[float, int]:
    database = Database(url)
    database.ensure_workspace(TEAM)
    runtime = pmo_app(database, fake).runtime
    passes: list[int] = []
    seconds = timed(lambda: passes.append(deliver(runtime, outgoing)))
    database.dispose()
    return seconds, passes[0]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--each", type=int, default=10, help="DMs per person")


def run(args: argparse.Namespace) -> None:
    users = people("DM", args.people)
    limited = fake_slack(people=users, kind=RateLimitedSlack)
    free = fake_slack(people=users)
    with scratch_database(args.database_url) as url:
        seconds, passes = measure(url, limited, dms(users, args.each, "limited"))
    with scratch_database(args.database_url) as url:
        floor, _ = measure(url, free, dms(users, args.each, "free"))
    posts = limited.calls_to(POST)
    delivered = Counter(call.args["text"] for call in posts if call.ok)
    refused = sum(1 for call in posts if call.status == 429)
    limited.stop()
    free.stop()
    total = args.people * args.each
    twice = sum(1 for count in delivered.values() if count > 1)
    print(
        f"{total} DMs to {args.people} people: {len(delivered)} delivered, {twice} twice, "
        f"{refused} answered 429, {passes} pass(es)"
    )
    report(
        f"{total} DMs, one post a second per channel",
        url,
        [
            Figure("delivered", len(delivered), "", target=f"all {total}", met=len(delivered) == total),
            Figure("delivered twice", twice, "", target="none", met=twice == 0),
            Figure("answered 429", refused, ""),
            Figure("time to deliver all", seconds, "s", baseline=floor, baseline_name="without a rate limit"),
        ],
    )
