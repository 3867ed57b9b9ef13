"""What must hold after the soak's week, shared by the CI test and `python -m benchmarks soak`.

Each check reads only what is outside the app: the client's record of every answer, what the
fake Slack received, what the database holds, and what `pmo-bot jobs status` prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from benchmarks.soak_client import FAILURE_WORDS, Exchange
from models import Risk, StandupReport, Task
from models.core.database import Database
from models.core.enums import DeliveryState
from models.core.records import Delivery
from tests.support.fakeslack import Call, FakeSlack

ANSWER_LIMIT_S = 3.0  # Slack gives up on an answer after three seconds
# What the app says when it could not do what was asked: never right after a save that committed.
# Where each kind of save leaves the text the client put in it.
SAVED_IN: dict[str, InstrumentedAttribute[str | None]] = {
    "task": Task.title,
    "risk": Risk.title,
    "standup": StandupReport.yesterday,
}
SHOWN = 5  # offending items printed per check


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    details: list[str] = field(default_factory=list)
    summary: str = ""

    def line(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return f"{verdict:4}  {self.name}: {self.summary}"

    def explain(self) -> str:
        return "\n".join([self.line(), *(f"      {detail}" for detail in self.details[:SHOWN])])


def result(name: str, problems: list[str], summary: str) -> CheckResult:
    return CheckResult(
        name, not problems, problems, summary + (f"; {len(problems)} problems" if problems else "")
    )


# -- every scheduled message sent exactly once, or shown failed in `jobs status`


@dataclass(frozen=True)
class Slot:
    """A moment of the simulated week, and when (on the monotonic clock) its pass began."""

    at: datetime
    began: float


def first_word(call: Call) -> str:
    words = str(call.args.get("text", "")).split(maxsplit=1)
    return words[0] if words else ""


def scheduled_posts(posts: Sequence[Call], sent_ts: set[str]) -> list[Call]:
    """Posts that look like a scheduled send: they begin as a post the delivery log recorded does
    (☀️ a standup prompt, ⏰ a reminder, 📰 a digest…), whether or not the log recorded them."""
    openings = {first_word(call) for call in posts if str(call.response.get("ts")) in sent_ts}
    return [call for call in posts if first_word(call) in openings]


def slot_of(call: Call, slots: Sequence[Slot]) -> Slot:
    began = [slot for slot in slots if slot.began <= call.at]
    return began[-1] if began else slots[0]


def duplicates(posts: Iterable[Call], slots: Sequence[Slot], zone_of: dict[str, str]) -> list[str]:
    """Posts of one message to one recipient on one of the recipient's local days, more than once."""
    seen: Counter[tuple[str, str, str]] = Counter()
    for call in posts:
        channel = call.args["channel"]
        local = slot_of(call, slots).at.astimezone(ZoneInfo(zone_of.get(channel, "UTC"))).date()
        seen[(channel, str(call.args["text"]).splitlines()[0], local.isoformat())] += 1
    return [
        f"{count}× to {channel} on {day}: {text}" for (channel, text, day), count in seen.items() if count > 1
    ]


def scheduled_once(
    fake: FakeSlack,
    database: Database,
    *,
    jobs_status: str,
    slots: Sequence[Slot],
    zone_of: dict[str, str],
    expected: set[str],
) -> CheckResult:
    """No scheduled message twice; each claimed send is in Slack once or named in `jobs status`;
    and the sends the week must hold (a digest per project, a standup per person) were claimed."""
    with database.system_session(write=False) as db:
        deliveries = list(db.execute(select(Delivery.key, Delivery.state, Delivery.message_ts)))
    everything = fake.calls_to("chat.postMessage", ok=True)
    posted_ts = Counter(str(call.response.get("ts")) for call in everything)
    sent_ts = {str(ts) for _, state, ts in deliveries if state is DeliveryState.SENT}
    posts = scheduled_posts(everything, sent_ts)
    problems = duplicates(posts, slots, zone_of)
    for key, state, ts in deliveries:
        if state is DeliveryState.SENT and posted_ts[str(ts)] != 1:
            problems.append(f"{key} is marked sent but Slack holds {posted_ts[str(ts)]} posts with its ts")
        elif state is not DeliveryState.SENT and key not in jobs_status:
            problems.append(f"{key} is {state.value} and `jobs status` does not say so")
    claimed = {key for key, _, _ in deliveries}
    problems += [
        f"{prefix} was never claimed" for prefix in sorted(expected) if not _any_starts(claimed, prefix)
    ]
    states = Counter(state.value for _, state, _ in deliveries)
    summary = f"{len(posts)} scheduled posts, deliveries {dict(sorted(states.items()))}"
    return result("every scheduled message sent once or shown failed", problems, summary)


def _any_starts(keys: set[str], prefix: str) -> bool:
    return any(key.startswith(prefix) for key in keys)


# -- every committed save present exactly once


def stored(database: Database, exchanges: Sequence[Exchange]) -> dict[str, int]:
    """How many rows hold each marker the client sent."""
    markers: dict[str, set[str]] = {}
    for exchange in exchanges:
        if exchange.marker:
            markers.setdefault(exchange.kind, set()).add(exchange.marker)
    found: dict[str, int] = {}
    with database.system_session(write=False) as db:
        for kind, wanted in markers.items():
            column = SAVED_IN[kind]
            rows = db.execute(select(column, func.count()).where(column.in_(wanted)).group_by(column))
            found |= dict.fromkeys(wanted, 0) | {str(marker): count for marker, count in rows}
    return found


def saves_once(exchanges: Sequence[Exchange], counts: dict[str, int]) -> CheckResult:
    told_saved = {e.marker for e in exchanges if e.marker and e.said_saved()}
    problems = [f"{marker!r} is stored {count} times" for marker, count in counts.items() if count > 1]
    problems += [
        f"{marker!r} was answered as saved but is not stored"
        for marker in told_saved
        if not counts.get(marker)
    ]
    sent_twice = sum(1 for e in exchanges if e.copy_of is not None and e.marker)
    summary = f"{len(told_saved)} saves confirmed, {sent_twice} save requests sent again"
    return result("every committed save present exactly once", problems, summary)


# -- no answer slower than Slack's three seconds


def answers_fast(exchanges: Sequence[Exchange]) -> CheckResult:
    answered = [e for e in exchanges if e.answered and e.seconds is not None]
    slow = sorted((e for e in answered if e.seconds >= ANSWER_LIMIT_S), key=lambda e: -(e.seconds or 0))
    problems = [f"{e.kind} by {e.user} took {e.seconds:.2f} s (HTTP {e.status})" for e in slow]
    slowest = max((e.seconds or 0 for e in answered), default=0.0)
    unanswered = sum(1 for e in exchanges if not e.answered)
    summary = f"{len(answered)} answers, slowest {slowest:.2f} s, {unanswered} lost to the killed process"
    return result(f"no answer slower than {ANSWER_LIMIT_S:g} s", problems, summary)


# -- nobody told that a committed save failed


def told(exchange: Exchange, later: dict[str, list[str]]) -> list[str]:
    """Everything the person heard about this request: the answer, and posts to its response URL."""
    heard = [str(exchange.answer().get("text", ""))]
    heard += [str(error) for error in (exchange.answer().get("errors") or {}).values()]
    return heard + later.get(exchange.response_key or "", [])


def copied(exchange: Exchange) -> str:
    return " (on a copy sent again)" if exchange.copy_of else ""


def saved_later(exchange: Exchange, exchanges: Sequence[Exchange]) -> bool:
    """A copy of the same request, answered after this one, said it was saved.

    Told "nothing was changed" while the database was away, the request truly changed nothing;
    the save stored under its marker is that of a copy sent again later (Slack's resend, a replay),
    whose own answer said so.
    """
    finished = exchange.started + (exchange.seconds or 0.0)
    return any(
        other is not exchange
        and other.original() is exchange.original()
        and other.started >= finished
        and other.said_saved()
        for other in exchanges
    )


def no_false_failure(exchanges: Sequence[Exchange], fake: FakeSlack, counts: dict[str, int]) -> CheckResult:
    later: dict[str, list[str]] = {}
    for call in fake.calls_to("response_url"):
        later.setdefault(call.url_key or "", []).append(str(call.args.get("text", "")))
    told_failed = [
        (e, text)
        for e in exchanges
        if e.marker and counts.get(e.marker)
        for text in told(e, later)
        if any(word in text for word in FAILURE_WORDS)
    ]
    problems = [
        f"{e.kind} {e.marker!r} was saved, yet {e.user} was told{copied(e)}: {text[:100]}"
        for e, text in told_failed
        if not saved_later(e, exchanges)
    ]
    committed = sum(1 for count in counts.values() if count)
    by_copy = len(told_failed) - len(problems)
    summary = f"{committed} committed saves; {by_copy} refused in the outage, then saved by a later copy"
    return result("no one told that a committed save failed", problems, summary)


def clean_slack(fake: FakeSlack) -> CheckResult:
    """Nothing the app sent was something Slack would refuse (the fake checks every payload)."""
    violations = fake.violations
    return result("Slack accepted everything the app sent", violations, f"{len(fake.calls)} calls to Slack")
