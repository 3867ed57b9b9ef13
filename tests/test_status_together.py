"""A status built for many projects at once (a digest pass) is each project's, as built alone.

Counts and the first few rows of each list come from one statement per kind of record, ranked
and counted per project: a count that ran over every project at once, or a list that took
another project's rows, would show one project's trouble in another's status.
"""

from __future__ import annotations

from datetime import date, timedelta

from models import Project
from models.changes.tables import ChangeRequest
from models.core.database import Database
from models.core.enums import ChangeStatus, IssueStatus, RiskStatus, Severity
from models.issues.tables import Issue
from models.risks.tables import Risk
from models.status.report import StatusReport, build_statuses
from tests.support.workspace import TEAM

TODAY = date(2026, 12, 10)
BY = "U0001"


def add_project(database: Database, key: str, channel: str, *, trouble: int) -> Project:
    """A project with `trouble` open issues, open risks and pending changes (and a closed one of each)."""
    with database.session(TEAM) as db:
        project = Project(key=key, name=key, channel_id=channel, created_by=BY, start_date=TODAY)
        db.add(project)
        db.flush()
        severities = [Severity.LOW, Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.CRITICAL]
        for number in range(1, trouble + 2):
            still_open = number <= trouble
            db.add(
                Issue(
                    project_id=project.id,
                    number=number,
                    title=f"{key} issue {number}",
                    severity=severities[number % len(severities)],
                    due_date=TODAY - timedelta(days=number % 2),  # every other one overdue
                    status=IssueStatus.OPEN if still_open else IssueStatus.RESOLVED,
                    created_by=BY,
                )
            )
            db.add(
                Risk(
                    project_id=project.id,
                    number=number,
                    title=f"{key} risk {number}",
                    probability=5,
                    impact=number % 5 + 1,
                    status=RiskStatus.OPEN if still_open else RiskStatus.CLOSED,
                    created_by=BY,
                )
            )
            db.add(
                ChangeRequest(
                    project_id=project.id,
                    number=number,
                    title=f"{key} change {number}",
                    status=ChangeStatus.PENDING if still_open else ChangeStatus.APPROVED,
                    requested_by=BY,
                )
            )
    return project


def shown(report: StatusReport) -> dict[str, object]:
    """What a status shows of a project's issues, risks and changes."""
    return {
        "open issues": report.open_issues,
        "worst issues": [issue.title for issue in report.worst_issues],
        "open risks": report.open_risks,
        "high risks": report.high_risks,
        "top risks": [risk.title for risk in report.top_risks],
        "pending changes": report.pending_changes,
        "waiting changes": [change.title for change in report.waiting_changes],
        "health": report.assessment.health,
        "reasons": [(reason.key, reason.params) for reason in report.assessment.reasons],
    }


def test_each_project_counts_and_lists_only_its_own_issues_risks_and_changes(database: Database) -> None:
    database.ensure_workspace(TEAM)
    projects = [
        add_project(database, "BUSY", "C201", trouble=7),
        add_project(database, "CALM", "C202", trouble=0),
        add_project(database, "SOME", "C203", trouble=2),
    ]
    with database.session(TEAM, write=False) as db:
        together = build_statuses(db, projects, TODAY)
        alone = {project.id: build_statuses(db, [project], TODAY)[project.id] for project in projects}
    busy, calm, some = (shown(together[project.id]) for project in projects)
    assert busy["open issues"] == 7 and busy["open risks"] == 7 and busy["pending changes"] == 7
    # The critical issues, oldest first; the risks by score: 25, 20, then the older of two 15s.
    assert busy["worst issues"] == ["BUSY issue 1", "BUSY issue 4", "BUSY issue 6"]
    assert busy["top risks"] == ["BUSY risk 4", "BUSY risk 3", "BUSY risk 2"]
    assert busy["waiting changes"] == ["BUSY change 1", "BUSY change 2", "BUSY change 3"]
    assert (calm["open issues"], calm["open risks"], calm["pending changes"]) == (0, 0, 0)
    assert (calm["worst issues"], calm["top risks"], calm["waiting changes"]) == ([], [], [])
    assert (some["open issues"], some["open risks"], some["pending changes"]) == (2, 2, 2)
    assert some["worst issues"] == ["SOME issue 1", "SOME issue 2"]
    for project in projects:
        assert shown(together[project.id]) == shown(alone[project.id]), project.key
