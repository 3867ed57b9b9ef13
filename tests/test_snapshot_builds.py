"""One build per revision: readers who miss the same status together share one build of it.

A write makes everyone who reads the project miss at once (the Home tabs it refreshes, the next
`/pmo status`). The first reader builds; the others wait for that build and read it, and build
themselves only if it failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import CostEntry, Project
from models.core.base import Base
from models.core.database import Database
from models.status import snapshot
from models.status.report import StatusReport
from tests.support.rows import make_row
from tests.support.workspace import TEAM

TODAY = date(2026, 3, 2)
WAIT_S = 10.0  # how long a test thread waits for the other before the test fails, never a sleep


class Builds:
    """`build_statuses` watched: each call recorded, and held until the other reader has claimed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, failing_first: bool = False) -> None:
        self.calls: list[list[int]] = []
        self.other_waits = threading.Event()
        self.failing_first = failing_first
        claim, self.build = snapshot.KEPT.claim, snapshot.build_statuses

        def watched_claim(keys: Any) -> Any:
            mine, theirs = claim(keys)
            if theirs:
                self.other_waits.set()
            return mine, theirs

        monkeypatch.setattr(snapshot.KEPT, "claim", watched_claim)
        monkeypatch.setattr(snapshot, "build_statuses", self.held)

    def held(self, db: Session, projects: Sequence[Project], today: date) -> dict[int, StatusReport]:
        self.calls.append([project.id for project in projects])
        if len(self.calls) == 1:
            assert self.other_waits.wait(WAIT_S), "the second reader never asked"
            if self.failing_first:
                raise RuntimeError("the first build fails")
        return self.build(db, projects, today)


@pytest.fixture
def project_id(database: Database) -> Iterator[int]:
    """A project with a cost logged, so its status has a figure to compare."""
    snapshot.KEPT.clear()
    database.ensure_workspace(TEAM)
    with database.session(TEAM) as db:
        project = make_row(db, Base.metadata.tables["projects"], team_id=TEAM, project_id=0)
        make_row(db, Base.metadata.tables["cost_entries"], team_id=TEAM, project_id=project.id)
        found: int = project.id
    yield found
    snapshot.KEPT.clear()


def read_status(database: Database, project_id: int) -> Callable[[], StatusReport]:
    def read() -> StatusReport:
        with database.session(TEAM, write=False) as db:
            project = db.get_one(Project, project_id)
            return snapshot.status_of(db, project, TODAY)

    return read


def logged_spend(database: Database, project_id: int) -> Decimal:
    with database.session(TEAM, write=False) as db:
        return db.scalar(select(func.sum(CostEntry.amount)).where(CostEntry.project_id == project_id))


def test_two_readers_missing_one_revision_build_it_once(
    database: Database, project_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(monkeypatch)
    with ThreadPoolExecutor(2) as readers:
        reads = [readers.submit(read_status(database, project_id)) for _ in range(2)]
        reports = [read.result(WAIT_S) for read in reads]
    assert builds.calls == [[project_id]]
    assert [report.spent for report in reports] == [logged_spend(database, project_id)] * 2
    # The second reader got the first one's figures, each on its own project object.
    assert reports[0].progress is reports[1].progress
    assert reports[0].project is not reports[1].project


def test_a_reader_builds_itself_when_the_build_it_waited_for_failed(
    database: Database, project_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(monkeypatch, failing_first=True)
    with ThreadPoolExecutor(2) as readers:
        reads = [readers.submit(read_status(database, project_id)) for _ in range(2)]
        failures = [read.exception(WAIT_S) for read in reads]
    assert [type(failure) for failure in failures if failure] == [RuntimeError]
    report = next(read.result() for read, failure in zip(reads, failures, strict=True) if not failure)
    assert builds.calls == [[project_id], [project_id]]
    assert report.spent == logged_spend(database, project_id)
