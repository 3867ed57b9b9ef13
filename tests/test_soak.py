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

import dataclasses
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks import soak_checks as checks
from benchmarks.soak import Outcome, SoakConfig, simulate
from benchmarks.soak_client import Exchange, Signed
from tests.support.fakeslack import Call, FakeSlack

# One worker runs every check: each other worker would otherwise simulate the days again.
pytestmark = pytest.mark.xdist_group("soak")

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


def test_every_committed_save_is_stored_exactly_once(soak: Outcome) -> None:
    assert_holds(soak, "every committed save")


def test_no_answer_is_slower_than_slacks_3_s(soak: Outcome) -> None:
    assert_holds(soak, "no answer slower")


def test_no_one_is_told_that_a_committed_save_failed(soak: Outcome) -> None:
    assert_holds(soak, "no one told")


def test_slack_accepted_everything_the_app_sent(soak: Outcome) -> None:
    assert_holds(soak, "Slack accepted")


# -- the checks themselves, on made-up records: each can fail


def exchange(kind: str, marker: str | None, answer: dict[str, object], seconds: float = 0.1) -> Exchange:
    signed = Signed(b"", "application/x-www-form-urlencoded", "0", "v0=0")
    return Exchange(
        kind,
        "U1",
        signed,
        marker=marker,
        form=kind == "risk",
        status=200,
        text=json.dumps(answer),
        seconds=seconds,
    )


def test_a_save_stored_twice_or_confirmed_and_missing_fails_the_saves_check() -> None:
    sent = [exchange("task", "Soak 1", {"text": "Added"}), exchange("task", "Soak 2", {"text": "Added"})]
    found = checks.saves_once(sent, {"Soak 1": 2, "Soak 2": 0})
    assert not found.passed
    assert found.details == ["'Soak 1' is stored 2 times", "'Soak 2' was answered as saved but is not stored"]
    assert checks.saves_once(sent, {"Soak 1": 1, "Soak 2": 1}).passed


def test_an_answer_after_3_s_fails_the_speed_check() -> None:
    assert not checks.answers_fast([exchange("status", None, {"text": "ok"}, seconds=3.2)]).passed
    assert checks.answers_fast([exchange("status", None, {"text": "ok"}, seconds=2.9)]).passed


def test_an_apology_after_a_committed_save_fails_and_after_a_refused_one_does_not() -> None:
    sorry = {
        "response_action": "errors",
        "errors": {"title": "Sorry, something went wrong … nothing was changed."},
    }
    sent = [exchange("risk", "Soak 1", sorry)]
    fake = FakeSlack()  # not started: it received nothing later
    assert not checks.no_false_failure(sent, fake, {"Soak 1": 1}).passed
    assert checks.no_false_failure(sent, fake, {"Soak 1": 0}).passed


def test_an_apology_is_no_false_failure_when_a_later_copy_made_and_confirmed_the_save() -> None:
    apology = {"text": "Sorry, I can't reach my database right now, so nothing was changed."}
    first = exchange("task", "Soak 1", apology)
    again = dataclasses.replace(first, text=json.dumps({"text": "Added"}), copy_of=first, started=5.0)
    fake = FakeSlack()
    assert checks.no_false_failure([first, again], fake, {"Soak 1": 1}).passed
    # A copy that was itself refused saves nothing: the stored save then contradicts the apology.
    refused = dataclasses.replace(again, text=json.dumps(apology))
    assert not checks.no_false_failure([first, refused], fake, {"Soak 1": 1}).passed
    # A copy answered before the apology came cannot be what the person read last.
    earlier = dataclasses.replace(again, started=-5.0)
    assert not checks.no_false_failure([first, earlier], fake, {"Soak 1": 1}).passed


def test_one_message_twice_on_one_local_day_is_a_duplicate_and_on_two_days_is_not() -> None:
    monday = datetime(2026, 12, 7, 1, 40, tzinfo=UTC)
    slots = [checks.Slot(monday, 0.0), checks.Slot(monday + timedelta(days=1), 10.0)]

    def post(at: float) -> Call:
        return Call("chat.postMessage", {"channel": "U1", "text": "⏰ 2 tasks overdue"}, None, None, at=at)

    zones = {"U1": "Asia/Shanghai"}
    assert checks.duplicates([post(1.0), post(2.0)], slots, zones) == [
        "2× to U1 on 2026-12-07: ⏰ 2 tasks overdue"
    ]
    assert checks.duplicates([post(1.0), post(11.0)], slots, zones) == []
