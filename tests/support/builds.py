"""The status builds a test watches: each project `build_statuses` built, at which revision and day.

Every reader gets its status from models.status.snapshot, which builds only what it does not
keep; watching the build tells a status served from what was kept from one built afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import pytest
from sqlalchemy.orm import Session

from models.projects.tables import Project
from models.status import snapshot
from models.status.report import StatusReport


class Build(NamedTuple):
    project_id: int
    revision: int
    day: date


class StatusBuilds:
    """`build_statuses` watched for the rest of the test (the app's server threads included)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._builds: list[Build] = []
        self._lock = threading.Lock()
        self._build = snapshot.build_statuses
        monkeypatch.setattr(snapshot, "build_statuses", self._watched)

    def _watched(self, db: Session, projects: Sequence[Project], today: date) -> dict[int, StatusReport]:
        with self._lock:
            self._builds += [Build(project.id, project.revision, today) for project in projects]
        return self._build(db, projects, today)

    def taken(self) -> list[Build]:
        """The builds made since the last call, oldest first."""
        with self._lock:
            made, self._builds = self._builds, []
        return made
