"""Issue 17's soak, shortened for CI: two days of five projects under seeded faults, then its checks.

The week itself is benchmarks/soak.py (`python -m benchmarks soak` runs it at full length): two
`pmo-bot serve` replicas, people in five time zones adding tasks, raising risks in the modal,
answering standup prompts, ticking tasks off; the scheduled passes at each zone's morning; Slack
answering 429, 5xx, dropping connections and holding calls past the client's timeout; one
replica killed and restarted; requests doubled and replayed byte for byte; and the database
away for a few seconds (on SQLite, another process holds its write lock). One simulation serves
every check below, so each check passes or fails on its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.soak import Outcome, SoakConfig, simulate

SHORT = SoakConfig(
    projects=5,
    days=2,
    acts_per_slot=6,
    workers=4,
    outage_s=3.0,
    faults_per_slot=0.8,
    doubled=0.15,
    replayed=0.15,
)


@pytest.fixture(scope="module")
def soak(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """On SQLite only: a run costs a minute on a busy machine, and both databases get the full
    week from `python -m benchmarks soak --database-url …`."""
    folder = tmp_path_factory.mktemp("soak")
    path = folder / "pmo.db"
    shutil.copy(sqlite_template, path)
    return simulate(SHORT, f"sqlite:///{path}", folder)


def assert_holds(outcome: Outcome, name: str) -> None:
    found = outcome.check(name)
    assert found.passed, found.explain()


def test_the_week_met_every_fault_it_was_meant_to(soak: Outcome) -> None:
    """The checks below mean something only if the trouble really happened."""
    assert soak.slack_statuses[429] >= 1 and sum(n for s, n in soak.slack_statuses.items() if s >= 500) >= 1
    assert soak.restarts == 1, "a replica was killed and started again"
    copies = {e.kind for e in soak.exchanges if e.copy_of is not None}
    assert {"task", "risk"} <= copies, "saves by command and by form were sent again"
    answered_by = {e.replica for e in soak.exchanges if e.answered}
    assert len(answered_by) == 3, "both replicas answered, and the one killed did once restarted"
    saves = [e for e in soak.exchanges if e.marker and e.said_saved()]
    assert {e.kind for e in saves} == {"task", "risk", "standup"}, "each kind of save was made and confirmed"
    assert soak.during_outage(), "people were at work while the database was away"


def test_every_scheduled_message_is_sent_once_or_shown_failed_in_jobs_status(soak: Outcome) -> None:
    assert_holds(soak, "every scheduled message")


@pytest.mark.xfail(strict=False, reason="needs issue 17 parts 2 and 4 (replay and submission dedupe)")
def test_every_committed_save_is_stored_exactly_once(soak: Outcome) -> None:
    assert_holds(soak, "every committed save")


@pytest.mark.xfail(strict=False, reason="needs issue 17 part 3 (answer first, then notify)")
def test_no_answer_is_slower_than_slacks_3_s(soak: Outcome) -> None:
    assert_holds(soak, "no answer slower")


@pytest.mark.xfail(strict=False, reason="needs issue 17 part 3 (answer first, then notify)")
def test_no_one_is_told_that_a_committed_save_failed(soak: Outcome) -> None:
    assert_holds(soak, "no one told")


def test_slack_accepted_everything_the_app_sent(soak: Outcome) -> None:
    assert_holds(soak, "Slack accepted")
