"""What is odd about a deadline: a due or review date that has passed, or that falls outside the
project's dates. Such a date is accepted (work recorded late, a review set after the target end
on purpose) but said, so a misread or mistyped date is seen at once."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from models.projects.tables import Project


class DeadlineWarning(StrEnum):
    PAST = "past"
    BEFORE_START = "before_start"
    AFTER_END = "after_end"


def deadline_warnings(day: date, *, today: date, project: Project) -> list[DeadlineWarning]:
    warnings = []
    if day < today:
        warnings.append(DeadlineWarning.PAST)
    if project.start_date is not None and day < project.start_date:
        warnings.append(DeadlineWarning.BEFORE_START)
    if project.target_end_date is not None and day > project.target_end_date:
        warnings.append(DeadlineWarning.AFTER_END)
    return warnings
