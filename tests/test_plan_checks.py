"""A plan file's problems found before anything is saved, and the links read the way this bot
holds them (nothing waits for a milestone here: a milestone follows tasks)."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.enums import LinkKind
from models.schedule.mspdi import PlanFile, PlanLink, PlanTask
from models.schedule.plan_checks import PlanRefusedError, check_plan, parents, waits


def task(uid: int, *links: PlanLink, level: int = 1, milestone: bool = False) -> PlanTask:
    day = date(2026, 12, 1)
    return PlanTask(uid, f"T{uid}", level, day, day, 1, milestone=milestone, links=links, row=uid + 1)


def plan(*tasks: PlanTask) -> PlanFile:
    return PlanFile("P", None, "1111100", (), tasks)


def test_a_wait_for_a_milestone_is_a_wait_for_what_the_milestone_follows() -> None:
    # Microsoft Project lets a task follow a milestone; here it follows the milestone's tasks,
    # with both lags added (a milestone takes no time).
    found = waits(
        plan(
            task(1),
            task(2, PlanLink(1, LinkKind.FINISH_TO_START, 1), milestone=True),
            task(3, PlanLink(2, LinkKind.START_TO_START, 2)),
        )
    )
    assert found[3] == (PlanLink(1, LinkKind.START_TO_START, 3),)


def test_the_outline_gives_each_task_its_summary_and_skips_milestones() -> None:
    outline = plan(task(1), task(2, level=2), task(3, level=2, milestone=True), task(4, level=3), task(5))
    assert parents(outline) == {1: None, 2: 1, 3: None, 4: 2, 5: None}


def test_a_summary_and_its_own_work_may_not_wait_for_each_other() -> None:
    with pytest.raises(PlanRefusedError) as refused:
        check_plan(plan(task(1), task(2, PlanLink(1), level=2), task(2)))
    # The id given twice is refused first: every other check finds tasks by it.
    assert [(found.row, found.error.key) for found in refused.value.problems] == [(3, "import.duplicate_id")]
    with pytest.raises(PlanRefusedError) as refused:
        check_plan(plan(task(1), task(2, PlanLink(1), level=2)))
    assert [(found.row, found.error.key) for found in refused.value.problems] == [(3, "import.link_family")]
