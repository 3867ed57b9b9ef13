"""The template file: a TOML document a PMO writes, exchanges and imports.

The format is documented in README.md ("Project template files"). Every refusal names the line
to fix: TOML's own syntax errors carry theirs, and values are placed by `LineIndex`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
)

from models.comms.plan import LOCAL_TIME, WEEKDAYS
from models.core.enums import CommKind, LinkKind, RiskStrategy
from models.phases.checks import GateCheck
from models.standups.questions import QUESTIONS_MAX, Question
from models.tasks.breakdown import LAG_MAX
from models.tasks.durations import DURATION_MAX
from models.templates.lines import LineIndex, Loc

FORMAT = 1
SYNTAX_AT = re.compile(r"\(at (?:line (\d+), column \d+|end of document)\)")
# A template holds a standard breakdown, not a whole plan: 150 tasks are set up in about a second on
# PostgreSQL, well within the 3 s Slack gives the charter form (a whole plan comes in by import).
TASKS_MAX = 150
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
Ref = Annotated[str, StringConstraints(pattern=NAME.pattern)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
Scale = Annotated[int, Field(ge=1, le=5)]
RequiredField = Literal[
    "goal", "scope_in", "scope_out", "sponsor_id", "start_date", "target_end_date", "budget", "stakeholders"
]
GatedPhase = Literal["initiation", "planning", "execution", "closing"]


class Part(BaseModel):
    # A misspelt key is refused rather than silently ignored: the PMO meant something by it.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CharterDefaults(Part):
    goal: LongText | None = None
    scope_in: LongText | None = None
    scope_out: LongText | None = None
    stakeholders: LongText | None = None
    budget: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    change_threshold_days: Annotated[int, Field(ge=0, le=DURATION_MAX)] | None = None


class CharterPart(Part):
    required: list[RequiredField] = []
    defaults: CharterDefaults = CharterDefaults()


class PhasePart(Part):
    phase: GatedPhase
    gates: list[GateCheck]


class AfterPart(Part):
    """A wait other than finish to start, or with a lag: `{ task = "build", type = "SS", lag = 2 }`."""

    task: Ref
    type: Literal["FS", "SS", "FF"] = "FS"
    lag: Annotated[int, Field(ge=-LAG_MAX, le=LAG_MAX)] = 0  # working days; negative: a lead

    @property
    def kind(self) -> LinkKind:
        return LinkKind(self.type.lower())


def _wait_read(value: Any) -> Any:
    """A task's id alone is a plain finish-to-start wait."""
    return {"task": value} if isinstance(value, str) else value


def _wait_written(wait: AfterPart) -> str | dict[str, Any]:
    if wait.kind is LinkKind.FINISH_TO_START and wait.lag == 0:
        return wait.task
    return wait.model_dump(mode="json", exclude_defaults=True)


Wait = Annotated[AfterPart, BeforeValidator(_wait_read), PlainSerializer(_wait_written)]


class TaskPart(Part):
    id: Ref
    title: Text
    parent: Ref | None = None
    duration: Annotated[int, Field(ge=1, le=DURATION_MAX)] | None = None
    after: list[Wait] = []
    estimate_hours: Annotated[float, Field(gt=0, le=100_000)] | None = None
    deliverable: bool = False
    criteria: list[Text] = []


class MilestonePart(Part):
    name: Text
    after: Annotated[list[Ref], Field(min_length=1)]
    deliverable: bool = False
    criteria: list[Text] = []


class RiskPart(Part):
    title: Text
    probability: Scale
    impact: Scale
    strategy: RiskStrategy = RiskStrategy.MITIGATE
    response: LongText
    category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None


class CommPart(Part):
    kind: CommKind
    days: Annotated[str, StringConstraints(pattern=rf"^({'|'.join(WEEKDAYS)})(,({'|'.join(WEEKDAYS)}))*$")]
    time: Annotated[str, StringConstraints(pattern=LOCAL_TIME.pattern)]
    enabled: bool = True


class ClosingPart(Part):
    checklist: list[Text] = []


class TemplateFile(Part):
    format: Literal[1] = 1
    name: Ref
    title: Text
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    description: LongText | None = None
    charter: CharterPart = CharterPart()
    phases: list[PhasePart] = []
    tasks: Annotated[list[TaskPart], Field(max_length=TASKS_MAX)] = []
    milestones: list[MilestonePart] = []
    risks: list[RiskPart] = []
    comms: list[CommPart] = []
    standup_questions: Annotated[list[Question], Field(max_length=QUESTIONS_MAX)] = []
    closing: ClosingPart = ClosingPart()


@dataclass(frozen=True)
class Problem:
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        at = f"line {self.line}" if self.line else "the file"
        return f"{at}: {self.where}: {self.message}" if self.where else f"{at}: {self.message}"


class TemplateFileError(ValueError):
    """Every problem found in a template file, each with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def where_of(loc: Loc) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def _task_references(template: TemplateFile) -> Iterator[tuple[Loc, str]]:
    """Links the schema cannot see: each task names only tasks written above it, so the
    breakdown is created top to bottom and can never loop."""
    seen: set[str] = set()
    parents = {task.parent for task in template.tasks if task.parent}
    for n, task in enumerate(template.tasks):
        if task.id in seen:
            yield ("tasks", n, "id"), f"{task.id!r} is already the id of a task above"
        if task.parent is not None and task.parent not in seen:
            yield ("tasks", n, "parent"), f"{task.parent!r} is not a task written above this one"
        for m, before in enumerate(wait.task for wait in task.after):
            if before not in seen:
                yield ("tasks", n, "after", m), f"{before!r} is not a task written above this one"
            elif before in parents:
                yield ("tasks", n, "after", m), f"{before!r} is a summary task: wait for a task under it"
        if task.id in parents and task.duration is not None:
            yield ("tasks", n, "duration"), "a summary task's duration comes from the tasks under it"
        if task.id not in parents and task.duration is None:
            yield ("tasks", n), "a task with nothing under it needs a duration in working days"
        seen.add(task.id)


def _other_references(template: TemplateFile) -> Iterator[tuple[Loc, str]]:
    ids = {task.id for task in template.tasks}
    for n, milestone in enumerate(template.milestones):
        for m, before in enumerate(milestone.after):
            if before not in ids:
                yield ("milestones", n, "after", m), f"{before!r} is not a task of this template"
    for section, values in (
        ("phases", [phase.phase for phase in template.phases]),
        ("comms", [comm.kind.value for comm in template.comms]),
    ):
        for n, value in enumerate(values):
            if value in values[:n]:
                field = "phase" if section == "phases" else "kind"
                yield (section, n, field), f"{value!r} is listed twice"
    blockers = [n for n, question in enumerate(template.standup_questions) if question.blocker]
    for n in blockers[1:]:
        yield ("standup_questions", n, "blocker"), "only one question can ask for blockers"


def _problems(error: ValidationError, index: LineIndex) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        problems.append(Problem(index.line_of(loc), where_of(loc), detail["msg"]))
    return problems


def _syntax_problem(message: str, text: str) -> Problem:
    """tomllib (before Python 3.14) puts the position in its message: "… (at line 3, column 7)"."""
    at = SYNTAX_AT.search(message)
    if at is None:
        return Problem(None, "", message)
    line = int(at.group(1)) if at.group(1) else len(text.splitlines())
    return Problem(line, "", message[: at.start()].strip())


def read_template(text: str) -> TemplateFile:
    """A template file's text, validated; refused with every problem and its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateFileError([_syntax_problem(str(error), text)]) from None
    # The lines are indexed only to place a problem: a good file is read once.
    try:
        template = TemplateFile.model_validate(data)
    except ValidationError as error:
        raise TemplateFileError(_problems(error, LineIndex(text))) from None
    wrong = reference_problems(template)
    if wrong:
        index = LineIndex(text)
        raise TemplateFileError(
            [Problem(index.line_of(loc), where_of(loc), message) for loc, message in wrong]
        )
    return template


def reference_problems(template: TemplateFile) -> list[tuple[Loc, str]]:
    return [*_task_references(template), *_other_references(template)]


def write_template(template: TemplateFile) -> str:
    """The template as a file, without the values left at their defaults."""
    data: dict[str, Any] = template.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    data = {"format": FORMAT, **data}
    return tomli_w.dumps(data)
