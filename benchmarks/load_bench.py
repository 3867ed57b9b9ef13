"""Twenty people at once: concurrent clients sending mixed commands and button clicks.

    python -m benchmarks load [--clients 20] [--seconds 60] [--database-url URL]

`pmo-bot serve` runs in a process of its own (8 threads, scheduler off) on a workspace of 20
projects of 200 tasks. Each client is a person of one project, sending what a working day
sends: status, lists, new tasks with due dates in plain words, done, history, and Done and
Snooze clicks. Every answer is checked: any HTTP status but 200, an apology, or a request the
fake Slack would reject is an error. The baseline is the same clients and mix against the
bare Bolt app, served the same way.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks.harness import Figure, fake_slack, median, percentile, report, scratch_database
from benchmarks.processes import Served, bare_serve, pmo_bot_serve
from benchmarks.scenario import BuiltProject, Shape, build_workspace
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.slackdriver import Reply, SlackDriver
from tests.support.workspace import SIGNING_SECRET, TEAM

NAME = "load"
P99_TARGET_MS = 60.0
PROJECTS = 20
BASELINE_SECONDS = 15
APOLOGY = "Sorry"

Action = Callable[[SlackDriver, "Person", random.Random], Reply]


@dataclass(frozen=True)
class Person:
    user: str
    project: BuiltProject

    def task_key(self, rng: random.Random) -> str:
        return f"{self.project.key}-{rng.randint(1, 200)}"


def command(text: Callable[[Person, random.Random], str]) -> Action:
    return lambda slack, person, rng: slack.command(
        text(person, rng), user=person.user, channel=person.project.channel
    )


def click(action_id: str) -> Action:
    return lambda slack, person, rng: slack.block_action(
        action_id, value=person.task_key(rng), user=person.user, channel=person.project.channel
    )


def add_task(person: Person, rng: random.Random) -> str:
    return f"task add Load {rng.randint(1, 10**6)} <@{person.user}> due in {rng.randint(2, 30)} days"


# What a working day sends, by weight: mostly reading, a third writing.
MIX: list[tuple[str, int, Action]] = [
    ("status", 20, command(lambda p, r: "status")),
    ("risks", 8, command(lambda p, r: "risks")),
    ("issues", 5, command(lambda p, r: "issues")),
    ("budget", 5, command(lambda p, r: "budget")),
    ("projects", 5, command(lambda p, r: "projects mine")),
    ("help", 5, command(lambda p, r: "help")),
    ("history", 7, command(lambda p, r: f"history {p.task_key(r)}")),
    ("task add", 12, command(add_task)),
    ("done", 12, command(lambda p, r: f"done {p.task_key(r)}")),
    ("Done click", 12, click("task_done")),
    ("Snooze click", 9, click("reminder_snooze")),
]


@dataclass
class Tally:
    seconds: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0  # the server's processor time while the clients sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, took: float, error: str | None) -> None:
        with self.lock:
            self.seconds.append(took)
            self.kinds.append(kind)
            if error:
                self.errors.append(error)

    def slowest(self, share: float = 0.99) -> str:
        """Which kinds of request the slowest percent were, as a profile of the tail."""
        cut = percentile(self.seconds, share)
        tail = Counter(kind for kind, took in zip(self.kinds, self.seconds, strict=True) if took >= cut)
        return ", ".join(f"{kind} {count}" for kind, count in tail.most_common())


def error_of(reply: Reply) -> str | None:
    if reply.status != 200:
        return f"HTTP {reply.status}: {reply.text[:200]}"
    answer = reply.json()
    if isinstance(answer, dict) and str(answer.get("text", "")).startswith(APOLOGY):
        return answer["text"][:200]
    return None


@dataclass(frozen=True)
class Run:
    """Where the clients send, until when, and where they count."""

    url: str
    fake: FakeSlack
    until: float
    think: float  # mean seconds a person waits between two requests; 0 sends flat out
    tally: Tally


def client(run: Run, person: Person, seed: int) -> None:
    rng = random.Random(seed)
    names, weights, actions = zip(*MIX, strict=True)
    kinds = list(zip(names, actions, strict=True))
    slack = SlackDriver(run.url, SIGNING_SECRET, fake=run.fake, team_id=TEAM)
    time.sleep(rng.uniform(0, run.think))  # people do not all click at the same instant
    try:
        while time.perf_counter() < run.until:
            kind, action = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                error = error_of(action(slack, person, rng))
            except Exception as failure:  # a dropped connection is an error to count, not a crash
                error = repr(failure)
            run.tally.add(kind, time.perf_counter() - started, error)
            time.sleep(rng.uniform(0.5, 1.5) * run.think)
    finally:
        slack.session.close()


def warm(served: Served, fake: FakeSlack, people: list[Person]) -> None:
    """One request of each kind from each person, untimed: a fresh process's first requests pay
    for compiled statements, profiles looked up and parsers loaded, which no later one does."""
    rng = random.Random(0)
    slack = SlackDriver(served.url, SIGNING_SECRET, fake=fake, team_id=TEAM)
    for person in people:
        for _, _, action in MIX:
            action(slack, person, rng)
    slack.session.close()


def drive(served: Served, fake: FakeSlack, people: list[Person], seconds: float, think: float) -> Tally:
    warm(served, fake, people)
    run = Run(served.url, fake, time.perf_counter() + seconds, think, Tally())
    threads = [
        threading.Thread(target=client, args=(run, person, seed)) for seed, person in enumerate(people)
    ]
    cpu_before = served.cpu_seconds()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.tally.cpu_s = served.cpu_seconds() - cpu_before
    return run.tally


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60, help="how long the clients send, each way")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a person's requests")


@dataclass(frozen=True)
class Outcome:
    name: str
    seconds: float
    pmo: Tally
    bare: Tally


def figures(outcome: Outcome, errors: list[str], *, target: bool) -> list[Figure]:
    found = [value * 1000 for value in outcome.pmo.seconds]
    floor = [value * 1000 for value in outcome.bare.seconds]
    p99 = percentile(found, 0.99)
    return [
        Figure(
            f"{outcome.name}: server CPU a request",
            outcome.pmo.cpu_s * 1000 / len(found),
            "ms",
            baseline=outcome.bare.cpu_s * 1000 / len(floor),
            baseline_name="bare Bolt",
        ),
        Figure(f"{outcome.name}: errors", len(errors), "", target="none", met=not errors),
        Figure(
            f"{outcome.name}: requests a second",
            len(found) / outcome.seconds,
            "/s",
            baseline=len(floor) / min(outcome.seconds, BASELINE_SECONDS),
            baseline_name="bare Bolt",
        ),
        Figure(
            f"{outcome.name}: median", median(found), "ms", baseline=median(floor), baseline_name="bare Bolt"
        ),
        Figure(
            f"{outcome.name}: p99",
            p99,
            "ms",
            baseline=percentile(floor, 0.99),
            baseline_name="bare Bolt",
            target=f"< {P99_TARGET_MS:g} ms" if target else "",
            met=p99 < P99_TARGET_MS if target else None,
        ),
    ]


def run(args: argparse.Namespace) -> None:
    """Twice: people who read what they got before the next click, then clients flat out."""
    outcomes = []
    with scratch_database(args.database_url) as url, tempfile.TemporaryDirectory() as folder:
        database = Database(url)
        projects = build_workspace(database, TEAM, projects=PROJECTS, shape=Shape(), today=date.today())
        database.dispose()
        everyone = [Person(user, project) for project in projects for user in project.members]
        people = [everyone[n * len(everyone) // args.clients] for n in range(args.clients)]
        fake = fake_slack(people=[person.user for person in everyone])
        baseline_seconds = min(args.seconds, BASELINE_SECONDS)
        for name, think in ((f"thinking {args.think:g} s", args.think), ("flat out", 0.0)):
            with pmo_bot_serve(url, fake.api_url, Path(folder)) as served:
                pmo = drive(served, fake, people, args.seconds, think)
            with bare_serve(fake.api_url, Path(folder)) as served:
                bare = drive(served, fake, people, baseline_seconds, think)
            outcomes.append(Outcome(name, args.seconds, pmo, bare))
        apologies = [
            c for c in fake.calls_to("response_url") if str(c.args.get("text", "")).startswith(APOLOGY)
        ]
        errors = [c.args["text"][:200] for c in apologies] + fake.violations
        fake.stop()
    errors += [error for outcome in outcomes for error in outcome.pmo.errors]
    for error in errors[:10]:
        print(f"  error: {error}")
    for outcome in outcomes:
        print(f"{outcome.name}: the slowest 1% were {outcome.pmo.slowest()}")
    report(
        f"{args.clients} concurrent clients, mixed commands and clicks, {args.seconds:g} s each way",
        url,
        figures(outcomes[0], errors, target=True) + figures(outcomes[1], errors, target=False),
    )
