"""A plan file as a person hands it over: Microsoft Project XML or a tool's CSV export."""

from __future__ import annotations

from models.core.errors import InvalidError
from models.schedule.mspdi import FormatError, read
from models.schedule.plan_checks import PlanRefusedError, RowProblem
from models.schedule.plan_csv import ReadPlan, read_csv


def is_xml(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def read_plan(content: bytes) -> ReadPlan:
    """The plan in `content`, whichever of the formats it is; PlanRefusedError says what can't be read."""
    if not is_xml(content):
        return read_csv(content)
    try:
        return ReadPlan(read(content), "mspdi")
    except FormatError as error:
        # The parser's own words: they name the element and what it held, as the file has it.
        problem = InvalidError("import.not_readable", detail=str(error))
        raise PlanRefusedError([RowProblem(0, problem)]) from None
