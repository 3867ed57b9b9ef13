"""A project's status, built once per (project, revision, day) and read by every view of it.

`/pmo status`, the Home tab, the digests, the portfolio digest, the reports and the dashboard
all ask here, each for the project's own current day (`current_snapshots`): asked for the
reader's day or UTC's instead, one revision was built again for each day its readers were in.
The figures are a dozen grouped queries over every task, risk and cost of the project: on a
big project they were nine tenths of a status answer, and most answers found nothing changed
since the last one. Every write moves the project's revision (models.core.revisions), and the
day moves with the project's calendar, so a status kept under both is current until one moves.

They are kept in this process, keyed by the revision read from the database in the same
request. That is safe across replicas: a write on any of them moves the revision in the
database, so the next read anywhere misses the old key and builds anew. Revisions only grow, so
a status built while a write committed can only be kept under the older key, which nobody who
reads the new revision asks for. Keeping them in a table instead would have cost a query and a
JSON round trip per read to save a build once per replica.

A write makes every reader of the project miss at once: the people whose Home tabs it refreshes
and whoever asks for the status next. One of them builds the new revision; the others wait for
it rather than build the same figures side by side (under load, several builds of one revision
at a time were a sixth of the serve process's work).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from itertools import groupby
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from models.closing.closeout import as_of
from models.core.clock import utcnow
from models.core.revisions import unsaved_writes
from models.projects.tables import Project
from models.status.report import StatusReport, build_statuses

__all__ = [
    "Snapshot",
    "current_snapshots",
    "current_statuses",
    "kept_snapshot",
    "snapshot_of",
    "snapshots_of",
    "status_of",
    "statuses_of",
]

T = TypeVar("T")

# Enough for every project a busy workspace looks at in a day; a digest pass over more just
# cycles through (each entry is a report and, once shown, its blocks per language). The
# dashboard's portfolio page reads every visible project at once: with fewer kept than it
# shows, each page would drop the snapshots the next one needs and build them all again (1,000
# projects: 1.1 s a page instead of 0.3 s). About 20 KB each, so 40 MB when all are in use.
KEEP = 2048
# How long a reader waits for another thread's build of the same revision before building it
# itself: far longer than any build takes, short enough that a stuck one costs a slow answer.
WAIT_S = 10.0

# The project's row as it stood (its id, when it was made, its revision) and the day. The
# creation time tells apart two projects given the same id, one in a database rebuilt since.
Key = tuple[str, int, datetime, int, date]


@dataclass(frozen=True)
class Snapshot:
    """A status report and whatever has been rendered of it, in step with each other."""

    report: StatusReport
    renders: dict[Hashable, Any] = field(default_factory=dict)

    def rendered(self, key: Hashable, build: Callable[[StatusReport], T]) -> T:
        """What `build` makes of the report (blocks in one language…), built once per snapshot.

        The result is shared by every reader of this revision: treat it as read-only.
        """
        try:
            return self.renders[key]  # type: ignore[no-any-return]
        except KeyError:
            made = self.renders[key] = build(self.report)  # a race builds it twice, both the same
            return made


class _Kept:
    """The snapshots built lately, the least recently read dropped first, and those being built."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Key, Snapshot] = OrderedDict()
        self._building: dict[Key, threading.Event] = {}
        self._lock = threading.Lock()

    def claim(self, keys: Iterable[Key]) -> tuple[list[Key], dict[Key, threading.Event]]:
        """Split `keys` into those this thread now builds and those another thread is building."""
        mine: list[Key] = []
        theirs: dict[Key, threading.Event] = {}
        with self._lock:
            for key in keys:
                if key in self._building:
                    theirs[key] = self._building[key]
                else:
                    self._building[key] = threading.Event()
                    mine.append(key)
        return mine, theirs

    def release(self, keys: Iterable[Key]) -> None:
        """The builds of `keys` are over (kept, or failed): whoever waits for them reads or builds."""
        with self._lock:
            done = [self._building.pop(key) for key in keys]
        for event in done:
            event.set()

    def get(self, key: Key) -> Snapshot | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Key, snapshot: Snapshot) -> None:
        with self._lock:
            self._entries[key] = snapshot
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


KEPT = _Kept(KEEP)


def _key(project: Project, today: date) -> Key:
    return (project.team_id, project.id, project.created_at, project.revision, today)


def kept_snapshot(project: Project, today: date) -> Snapshot | None:
    """The project's status as of `today` if one is kept for the revision `project` was read at.

    No session needed: a reader that has just read the project row (a visibility check) can
    answer from it without another round trip to the database.
    """
    kept = KEPT.get(_key(project, today))
    # The same row at the same revision: the report carries the reader's own project object.
    return None if kept is None else Snapshot(replace(kept.report, project=project), kept.renders)


def snapshots_of(db: Session, projects: Sequence[Project], today: date) -> dict[int, Snapshot]:
    """Each project's status as of `today`: kept ones as they are, the others built together,
    each revision by one thread at a time."""
    found: dict[int, Snapshot] = {}
    private: list[Project] = []
    shared: dict[Key, Project] = {}
    for project in projects:
        # A session holding writes of its own reads rows nobody else sees yet: build, don't keep.
        if unsaved_writes(db, project.id):
            private.append(project)
        elif (kept := kept_snapshot(project, today)) is not None:
            found[project.id] = kept
        else:
            shared[_key(project, today)] = project
    mine, theirs = KEPT.claim(shared)
    try:
        found |= _built(db, private + [shared[key] for key in mine], today)
    finally:
        KEPT.release(mine)
    # Only after releasing its own builds does a thread wait for others': no two wait on each other.
    for key, building in theirs.items():
        building.wait(WAIT_S)
        if (kept := kept_snapshot(shared[key], today)) is not None:
            found[shared[key].id] = kept
    # A build that failed or never ended elsewhere is this reader's to do.
    return found | _built(db, [shared[key] for key in theirs if shared[key].id not in found], today)


def _built(db: Session, projects: Sequence[Project], today: date) -> dict[int, Snapshot]:
    """The status of `projects` built afresh, kept for other readers unless this session wrote to them."""
    found: dict[int, Snapshot] = {}
    if not projects:
        return found
    for project_id, report in build_statuses(db, projects, today).items():
        snapshot = Snapshot(report)
        if not unsaved_writes(db, project_id):
            KEPT.put(_key(report.project, today), snapshot)
        found[project_id] = snapshot
    return found


def snapshot_of(db: Session, project: Project, today: date) -> Snapshot:
    return snapshots_of(db, [project], today)[project.id]


def statuses_of(db: Session, projects: Sequence[Project], today: date) -> dict[int, StatusReport]:
    """The status of each project as of `today`."""
    return {project_id: snapshot.report for project_id, snapshot in snapshots_of(db, projects, today).items()}


def status_of(db: Session, project: Project, today: date) -> StatusReport:
    return snapshot_of(db, project, today).report


def current_snapshots(
    db: Session, projects: Sequence[Project], now: datetime | None = None
) -> dict[int, Snapshot]:
    """Each project's snapshot on its own current day (`as_of`): the one every reader shares.

    `now` is the clock's unless given: a scheduled pass reads as of its own moment.
    """
    found: dict[int, Snapshot] = {}
    day_of = partial(as_of, now=now or utcnow())  # one moment: a midnight mid-way splits no day
    for day, same_day in groupby(sorted(projects, key=day_of), key=day_of):
        found |= snapshots_of(db, list(same_day), day)
    return found


def current_statuses(
    db: Session, projects: Sequence[Project], now: datetime | None = None
) -> dict[int, StatusReport]:
    """The status of each project on its own current day."""
    snapshots = current_snapshots(db, projects, now)
    return {project_id: snapshot.report for project_id, snapshot in snapshots.items()}
