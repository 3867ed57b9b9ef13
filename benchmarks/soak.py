"""A week of projects under fire: people at work, scheduled passes, and faults from a fixed seed.

    python -m benchmarks soak [--projects 50] [--days 7] [--seed 17] [--database-url URL]

Two `pmo-bot serve` replicas (processes of their own, behind a round-robin client) serve the
people of every project, who live in five time zones: they add tasks, raise risks in the
modal, answer their standup prompts, tick tasks off and ask for status. While they work, the
scheduled passes run (the function `pmo-bot jobs run --at` calls) as of each zone's 09:40,
day after day through the simulated week. Faults come from the
seed: Slack answers 429 with Retry-After, 5xx, drops the connection or holds a call past the
client's timeout; the database goes away (PostgreSQL, through a proxy that is cut); one replica
is killed and restarted; requests are doubled and replayed byte for byte. Afterwards each check
of issue 17 prints pass or FAIL: every scheduled message sent once or shown failed in
`pmo-bot jobs status`, every committed save stored once, no answer slower than 3 s, and nobody
told that a committed save failed. SQLite has no network to cut: its outage is another
process holding the write lock.
"""

from __future__ import annotations

import argparse
import io
import logging
import random
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks import soak_checks as checks
from benchmarks.harness import fake_slack, pmo_app, scratch_database
from benchmarks.soak_client import Client, Exchange
from benchmarks.soak_faults import FaultPlan, draw
from benchmarks.soak_parts import Outage, Replicas, database_with_outage
from benchmarks.soak_people import Act, People, draw_acts
from benchmarks.soak_world import World, build_world, week_slots
from bot.cli import run_jobs_status
from bot.runtime import Runtime
from bot.scheduler import run_jobs
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.served import make_settings
from tests.support.slackdriver import SlackDriver
from tests.support.workspace import SIGNING_SECRET, TEAM

NAME = "soak"
SETTLE_S = 2.0  # for notifications sent after an answer to reach the fake before it is read
KILL_AFTER_S = 0.3  # into the burst, so requests are in flight when the replica dies
STATUS_LIMIT = 100_000


@dataclass(frozen=True)
class SoakConfig:
    projects: int = 50
    days: int = 7
    acts_per_slot: int = 40
    workers: int = 6
    seed: int = 17
    outage_s: float = 30.0
    faults_per_slot: float = 1.0
    doubled: float = 0.05
    replayed: float = 0.05


@dataclass
class Outcome:
    config: SoakConfig
    backend: str
    plan: FaultPlan
    seconds: float
    exchanges: list[Exchange]
    passes: list[dict[str, str]]
    slack_statuses: Counter[int] = field(default_factory=Counter)  # how Slack answered, by HTTP status
    restarts: int = 0
    outage: tuple[float, float] = (0.0, 0.0)  # when the database was away, on the perf_counter clock
    results: list[checks.CheckResult] = field(default_factory=list)

    def check(self, name: str) -> checks.CheckResult:
        return next(found for found in self.results if found.name.startswith(name))

    def during_outage(self) -> list[Exchange]:
        began, ended = self.outage
        return [e for e in self.exchanges if began <= e.started < ended]


@dataclass
class Week:
    """One run of the simulated week: the parts, and the record the checks read afterwards."""

    config: SoakConfig
    plan: FaultPlan
    world: World
    fake: FakeSlack
    replicas: Replicas
    outage: Outage
    passes_app_url: str
    client: Client
    people: People
    rng: random.Random
    slots: list[checks.Slot] = field(default_factory=list)
    passes: list[dict[str, str]] = field(default_factory=list)
    replays: list[Exchange] = field(default_factory=list)
    after_restart: list[Exchange] = field(default_factory=list)
    outage_window: tuple[float, float] = (0.0, 0.0)
    serial: int = 0

    def run(self, moments: list[datetime]) -> None:
        database = Database(self.passes_app_url)
        runtime = pmo_app(database, self.fake).runtime
        try:
            for index, moment in enumerate(moments):
                self.slot(index, moment, runtime)
            self.replay_after_restart(wait=True)
        finally:
            database.dispose()

    def slot(self, index: int, moment: datetime, runtime: Runtime) -> None:
        """Arm the slot's Slack faults, run the passes as of `moment` while people work, replay."""
        for fault in self.plan.faults_at(index):
            fault.arm(self.fake)
        self.slots.append(checks.Slot(moment, time.monotonic()))
        waiting, self.replays = self.replays, []
        killing = index == self.plan.kill_slot
        with ThreadPoolExecutor(max_workers=1) as scheduler:
            passed = scheduler.submit(run_jobs, runtime, moment)
            if index == self.plan.outage_slot:
                self.work_through_outage()
            elif killing:
                self.work_through_kill()
            else:
                self.burst()
            self.passes.append(passed.result())
        if killing:
            self.replicas.restart_later(0)
            # Sent before the kill, replayed to the restarted replica (within Slack's five minutes).
            self.after_restart += waiting + self.replays
            waiting, self.replays = [], []
        for exchange in waiting:  # the same bytes again, to whichever replica is next
            self.client.again(exchange)
        self.replay_after_restart()

    def work_through_outage(self) -> None:
        """The database goes away for the plan's outage; people keep at it all the while."""
        cut_at = time.perf_counter()
        self.outage.cut()
        back = threading.Timer(self.plan.outage_s, self.restore, args=(cut_at,))
        back.start()
        self.burst()
        while back.is_alive():
            self.burst()
        back.join()

    def work_through_kill(self) -> None:
        """A replica is killed while requests are in flight; the other goes on serving."""
        killer = threading.Timer(KILL_AFTER_S, self.replicas.kill, args=(0,))
        killer.start()
        self.burst()
        killer.join()

    def restore(self, cut_at: float) -> None:
        self.outage.restore()
        self.outage_window = (cut_at, time.perf_counter())

    def replay_after_restart(self, *, wait: bool = False) -> None:
        """Once the killed replica is back, it gets requests first sent before it died."""
        if wait:
            self.replicas.wait_restarted()
        url = self.replicas.url(0)
        if url is None:
            return
        for exchange in self.after_restart:
            self.client.again(exchange, url=url)
        self.after_restart = []

    def burst(self) -> None:
        acts = draw_acts(
            self.rng,
            self.world,
            self.config.acts_per_slot,
            self.serial,
            doubled=self.plan.duplicate_share,
            replayed=self.plan.replay_share,
        )
        self.serial += len(acts)
        with ThreadPoolExecutor(max_workers=self.config.workers) as pool:
            done = list(pool.map(self.act, acts))
        self.replays += [
            exchange for act, exchange in zip(acts, done, strict=True) if act.replay and exchange
        ]

    def act(self, act: Act) -> Exchange | None:
        return self.people.act(act)


def jobs_status(database_url: str, fake: FakeSlack) -> str:
    """What `pmo-bot jobs status` prints: the same function, without a process to start."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        run_jobs_status(make_settings(fake, database_url), argparse.Namespace(limit=STATUS_LIMIT))
    return printed.getvalue()


def simulate(config: SoakConfig, database_url: str, cwd: Path) -> Outcome:
    """Build the world in a migrated database at `database_url`, live the week, check what holds."""
    moments = week_slots(config.days)
    plan = draw(
        config.seed,
        len(moments),
        faults_per_slot=config.faults_per_slot,
        outage_s=config.outage_s,
        duplicate_share=config.doubled,
        replay_share=config.replayed,
    )
    fake = fake_slack()
    started = time.perf_counter()
    database = Database(database_url)
    try:
        world = build_world(database, fake, TEAM, projects=config.projects, seed=config.seed)
        with ExitStack() as stack:
            app_url, outage = stack.enter_context(database_with_outage(database_url))
            replicas = Replicas(stack, app_url, fake, cwd, count=2)
            driver = SlackDriver(replicas.urls()[0], SIGNING_SECRET, fake=fake, team_id=TEAM)
            client = Client(driver, fake, TEAM, replicas.urls)
            # What people do is drawn here; the details they fill in, in their own threads, apart.
            people = People(client, random.Random(config.seed + 1))
            rng = random.Random(config.seed)
            week = Week(config, plan, world, fake, replicas, outage, app_url, client, people, rng)
            week.run(moments)
            time.sleep(SETTLE_S)
        seconds = time.perf_counter() - started
        outcome = Outcome(config, database.engine.dialect.name, plan, seconds, client.exchanges, week.passes)
        outcome.slack_statuses = Counter(call.status for call in fake.calls)
        outcome.restarts = replicas.restarts
        outcome.outage = week.outage_window
        outcome.results = judge(outcome, week, database, jobs_status(database_url, fake))
    finally:
        database.dispose()
        fake.stop()
    return outcome


def judge(outcome: Outcome, week: Week, database: Database, status: str) -> list[checks.CheckResult]:
    counts = checks.stored(database, outcome.exchanges)
    zone_of = week.world.zone_of()
    return [
        checks.scheduled_once(
            week.fake,
            database,
            jobs_status=status,
            slots=week.slots,
            zone_of=zone_of,
            expected=week.world.expected_sends(),
        ),
        checks.saves_once(outcome.exchanges, counts),
        checks.answers_fast(outcome.exchanges),
        checks.no_false_failure(outcome.exchanges, week.fake, counts),
        checks.clean_slack(week.fake),
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = SoakConfig()
    parser.add_argument("--projects", type=int, default=defaults.projects)
    parser.add_argument("--days", type=int, default=defaults.days, help="simulated days, from next Monday")
    parser.add_argument("--acts", type=int, default=defaults.acts_per_slot, help="people's requests per pass")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--outage", type=float, default=defaults.outage_s, help="seconds the database is away"
    )


def report(outcome: Outcome) -> None:
    config = outcome.config
    print(
        f"\n== soak on {outcome.backend}: {config.projects} projects, {config.days} days, "
        f"{len(outcome.exchanges)} requests, {outcome.seconds:.0f} s"
    )
    print(outcome.plan.describe())
    failed = sum(1 for passes in outcome.passes for result in passes.values() if result != "ok")
    print(f"{len(outcome.passes)} pass slots, {failed} passes failed (the outage's, retried later)")
    for result in outcome.results:
        print(result.explain())


def run(args: argparse.Namespace) -> None:
    config = SoakConfig(
        projects=args.projects, days=args.days, acts_per_slot=args.acts, seed=args.seed, outage_s=args.outage
    )
    # Faults are the point here: the app's log lines about them would bury the verdicts.
    logging.disable(logging.CRITICAL)
    with scratch_database(args.database_url) as url, tempfile.TemporaryDirectory() as folder:
        report(simulate(config, url, Path(folder)))
