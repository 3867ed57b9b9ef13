"""The soak's faults, drawn once from a fixed seed: the same seed gives the same week of trouble.

A plan says, slot by slot, what Slack does wrong (429 with Retry-After, 5xx, a dropped
connection, a call held past the client's timeout), when the database goes away and for how
long, when a serve process is killed, and which requests are sent twice (a double click, at
once, to the other replica) or replayed later (the same body and signature, after a restart).
Every kind appears at least once, whatever the seed, so a short run still meets them all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

from bot.slack_client import TIMEOUT_S
from tests.support.fakeslack import FakeSlack

# What people's actions and the passes call; a fault on any of them must not lose or double a save.
METHODS = ("chat.postMessage", "chat.update", "views.publish")
# Held past the Web API client's own timeout: the app sees a timeout, Slack still acts.
STALL_S = TIMEOUT_S + 1


class SlackFaultKind(StrEnum):
    RATE_LIMITED = "429"
    SERVER_ERROR = "5xx"
    DROPPED = "dropped"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class SlackFault:
    kind: SlackFaultKind
    method: str
    status: int = 0
    retry_after: int | None = None
    times: int = 1

    def arm(self, fake: FakeSlack) -> None:
        """Make the fake answer the next call to `method` this way."""
        if self.kind is SlackFaultKind.DROPPED:
            fake.drop_next(self.method)
        elif self.kind is SlackFaultKind.TIMEOUT:
            fake.stall_next(self.method, timeout=STALL_S)
        else:
            fake.fail_next(self.method, status=self.status, retry_after=self.retry_after, times=self.times)


@dataclass(frozen=True)
class FaultPlan:
    seed: int
    slots: int
    slack: dict[int, list[SlackFault]] = field(default_factory=dict)
    outage_slot: int = 0
    outage_s: float = 0.0
    kill_slot: int = 0
    duplicate_share: float = 0.0  # of requests sent twice at once, to the other replica
    replay_share: float = 0.0  # of requests replayed later, within Slack's five minutes

    def faults_at(self, slot: int) -> list[SlackFault]:
        return self.slack.get(slot, [])

    def describe(self) -> str:
        kinds = [fault.kind.value for faults in self.slack.values() for fault in faults]
        counts = ", ".join(f"{kind} ×{kinds.count(kind)}" for kind in SlackFaultKind if kind in kinds)
        return (
            f"seed {self.seed}: Slack faults {counts}; database outage of {self.outage_s:g} s at slot "
            f"{self.outage_slot}; a serve process killed at slot {self.kill_slot}; "
            f"{self.duplicate_share:.0%} of requests doubled, {self.replay_share:.0%} replayed"
        )


def slack_fault(rng: random.Random, kind: SlackFaultKind, method: str) -> SlackFault:
    if kind is SlackFaultKind.RATE_LIMITED:
        return SlackFault(kind, method, status=429, retry_after=rng.choice((1, 2)))
    if kind is SlackFaultKind.SERVER_ERROR:
        # Once is retried inside the Web API client; three in a row outlast its retries.
        return SlackFault(kind, method, status=rng.choice((500, 502, 503)), times=rng.choice((1, 3)))
    return SlackFault(kind, method)


def draw(
    seed: int,
    slots: int,
    *,
    faults_per_slot: float,
    outage_s: float,
    duplicate_share: float = 0.05,
    replay_share: float = 0.05,
) -> FaultPlan:
    """A plan for `slots` slots with about `faults_per_slot` Slack faults in each (one timeout at most
    every few slots: each holds a call for longer than the client's timeout)."""
    if slots < 3:
        raise ValueError("a soak needs at least three slots: an outage, a kill and a slot after them")
    rng = random.Random(seed)
    slack: dict[int, list[SlackFault]] = {}
    # Every kind at least once, on the post every pass makes so it surely meets one; then more,
    # at the drawn rate, on any method.
    sure = [(kind, "chat.postMessage") for kind in SlackFaultKind]
    extra = max(0, round(faults_per_slot * slots) - len(sure))
    quick = [k for k in SlackFaultKind if k is not SlackFaultKind.TIMEOUT]
    drawn = [
        (SlackFaultKind.TIMEOUT if rng.random() < 0.1 else rng.choice(quick), rng.choice(METHODS))
        for _ in range(extra)
    ]
    for kind, method in sure + drawn:
        slack.setdefault(rng.randrange(slots), []).append(slack_fault(rng, kind, method))
    # The outage and the kill each in a slot of their own, neither in the last (something must follow).
    outage_slot, kill_slot = rng.sample(range(slots - 1), 2)
    return FaultPlan(
        seed=seed,
        slots=slots,
        slack=slack,
        outage_slot=outage_slot,
        outage_s=outage_s,
        kill_slot=kill_slot,
        duplicate_share=duplicate_share,
        replay_share=replay_share,
    )
