"""Plans exported as CSV by Jira, Asana and Microsoft Project, read by their own columns, and
every problem in a file listed by the row a spreadsheet shows it on (the headers are row 1).

The fixtures (tests/support/plan_files.py) follow each tool's documented export.
"""

from __future__ import annotations

from datetime import date

import pytest

from models.core.enums import LinkKind
from models.schedule.mspdi import PlanLink
from models.schedule.plan_checks import PlanRefusedError, check_plan
from models.schedule.plan_csv import parse_days, read_csv
from tests.support.plan_files import ASANA, JIRA, MS_PROJECT


def test_a_jira_export_is_read_by_its_columns() -> None:
    read = read_csv(JIRA.encode())
    assert (read.source, read.problems) == ("jira", ())
    _, design, build, docs = read.plan.tasks
    assert [(task.name, task.outline_level, task.summary) for task in read.plan.tasks] == [
        ("Release 2.0", 1, True),
        ("Design API", 2, False),
        ("Build API", 2, False),
        ("Write docs", 1, False),
    ]
    # 57,600 s is 16 h: two working days of 8 h, finishing on the due date.
    assert (design.finish, design.duration_days, design.estimate_hours) == (date(2026, 12, 4), 2, 16.0)
    assert design.percent_complete == 100 and build.percent_complete == 0
    # Both "Inward issue link (Blocks)" columns count: the docs wait for design and build.
    assert docs.links == (PlanLink(design.uid), PlanLink(build.uid))
    assert [person.name for person in read.plan.resources] == ["Carol Díaz", "Pat Okafor", "Zed Nobody"]
    assert "Original Estimate" in read.columns and "Issue Type" not in read.columns
    check_plan(read.plan)  # nothing wrong with it


def test_an_asana_export_nests_subtasks_under_their_parent_by_name() -> None:
    read = read_csv(ASANA.encode())
    assert (read.source, read.problems) == ("asana", ())
    # The subtask row came first in the file; the outline puts it under its parent.
    assert [(task.name, task.outline_level) for task in read.plan.tasks] == [
        ("Launch site", 1),
        ("Pages", 2),
        ("Copy", 2),
    ]
    _, pages, copy = read.plan.tasks
    assert (pages.start, pages.finish, pages.row) == (date(2026, 12, 7), date(2026, 12, 9), 2)
    assert pages.links == (PlanLink(copy.uid),)
    assert copy.percent_complete == 100  # Completed At is filled in
    assert {(person.name, person.email) for person in read.plan.resources} == {
        ("Alice Chen", "alice@example.com"),
        ("Carol Díaz", "carol@example.com"),
    }


def test_a_microsoft_project_csv_keeps_link_types_lags_outline_and_milestones() -> None:
    read = read_csv(MS_PROJECT.encode())
    assert (read.source, read.problems) == ("msproject", ())
    release, design, build, beta = read.plan.tasks
    assert release.summary and not design.summary
    assert (design.start, design.finish) == (date(2026, 12, 1), date(2026, 12, 3))
    assert build.links == (PlanLink(2, LinkKind.FINISH_TO_START, 2),)
    assert beta.milestone and beta.links == (PlanLink(3),)
    # "Carol Díaz[50%]" is the same person part-time: one resource.
    assert [person.name for person in read.plan.resources] == ["Carol Díaz"]
    assert build.resource_uid == design.resource_uid


@pytest.mark.parametrize(
    ("text", "days"),
    [("3 days", 3), ("1 day", 1), ("2 wks", 10), ("4 hrs", 0.5), ("3d?", 3), ("1 mon", 20), ("2 edays", 2)],
)
def test_microsoft_project_durations_in_working_days(text: str, days: float) -> None:
    # Microsoft Project's defaults: 8 hours a day, 40 a week, 20 days a month.
    assert parse_days(text) == days


def problems_in(content: str) -> list[tuple[int, str]]:
    read = read_csv(content.encode())
    with pytest.raises(PlanRefusedError) as refused:
        check_plan(read.plan, read.problems)
    return [(found.row, found.error.key) for found in refused.value.problems]


def test_every_problem_of_a_file_is_listed_by_its_row() -> None:
    content = """\
ID,Name,Duration,Start,Finish,Predecessors,Outline Level,Resource Names,Milestone
1,Design,3 days,Tue 12/1/26,someday,,1,,No
2,Build,lots,,,1,1,,No
3,Test,2 days,,,9,1,,No
4,Ship,1 day,,,3SF,1,,No
5,,1 day,,,,1,,No
"""
    assert problems_in(content) == [
        (2, "import.bad_date"),
        (3, "import.bad_duration"),
        (4, "import.unknown_predecessor"),
        (5, "import.bad_predecessor"),
        (6, "tasks.bad_title"),
    ]


def test_a_loop_of_links_is_named_by_its_rows() -> None:
    content = """\
ID,Name,Duration,Start,Finish,Predecessors,Outline Level,Resource Names,Milestone
1,Design,3 days,,,3,1,,No
2,Build,2 days,,,1,1,,No
3,Test,2 days,,,2,1,,No
"""
    read = read_csv(content.encode())
    with pytest.raises(PlanRefusedError) as refused:
        check_plan(read.plan)
    [found] = refused.value.problems
    assert found.error.key == "import.cycle"
    assert set(found.error.params["path"].split(" → ")) == {"2", "3", "4"}


def test_an_unknown_parent_and_a_missing_name_column_are_refused_by_row() -> None:
    unknown_parent = JIRA.replace("Story,To Do,10001,Pat", "Story,To Do,10099,Pat")
    assert problems_in(unknown_parent) == [(4, "import.unknown_parent")]
    with pytest.raises(PlanRefusedError) as refused:
        read_csv(b"Issue key,Issue id,Status\nREL-1,10001,To Do\n")
    assert [(found.row, found.error.key) for found in refused.value.problems] == [
        (1, "import.no_name_column")
    ]
