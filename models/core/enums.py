"""The fixed vocabularies of the domain, stored as their string values."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum as SAEnum


def stored_enum(enum_cls: type[StrEnum]) -> SAEnum:
    """A column type that keeps the enum's value (not its name) in a plain string column.

    Strings rather than native PostgreSQL enums, so a new member needs no ALTER TYPE and SQLite
    and PostgreSQL keep one schema.
    """
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class LinkKind(StrEnum):
    """How a dependency ties two tasks, as schedulers name them."""

    FINISH_TO_START = "fs"
    START_TO_START = "ss"
    FINISH_TO_FINISH = "ff"


class Phase(StrEnum):
    INITIATION = "initiation"
    PLANNING = "planning"
    EXECUTION = "execution"
    CLOSING = "closing"
    CLOSED = "closed"


class Role(StrEnum):
    MANAGER = "manager"
    MEMBER = "member"
    SPONSOR = "sponsor"
    STAKEHOLDER = "stakeholder"


class TaskStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


# Work still to do: what overdue lists, standups, closing's checklist and the figures count.
OPEN_TASK_STATUSES = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


class Acceptance(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    SENT_BACK = "sent_back"
    WAIVED = "waived"


class Disposition(StrEnum):
    """What closing decided for an item that was still open."""

    FINISHED = "finished"
    CANCELLED = "cancelled"
    CARRIED_OVER = "carried_over"


class RiskStrategy(StrEnum):
    AVOID = "avoid"
    MITIGATE = "mitigate"
    TRANSFER = "transfer"
    ACCEPT = "accept"


class RiskStatus(StrEnum):
    OPEN = "open"
    OCCURRED = "occurred"
    CLOSED = "closed"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class IssueStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Verdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class ReviewStatus(StrEnum):
    PLANNED = "planned"
    PASSED = "passed"
    FAILED = "failed"


class Health(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Channel(StrEnum):
    """How a line of the communication plan reaches people."""

    CHANNEL = "channel"
    DM = "dm"


class CommKind(StrEnum):
    STANDUP = "standup"
    DIGEST = "digest"
    REMINDERS = "reminders"
    STAKEHOLDER_REPORT = "stakeholder_report"
    STATUS_MEETING = "status_meeting"


class DeliveryState(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"


class EacMethod(StrEnum):
    """How the estimate at completion is forecast (the PMBOK Guide's three formulas)."""

    CPI = "cpi"  # BAC / CPI: the cost performance so far holds for the rest
    BUDGET_RATE = "budget_rate"  # AC + (BAC - EV): the rest costs what was budgeted
    CPI_SPI = "cpi_spi"  # AC + (BAC - EV) / (CPI x SPI): both lateness and cost weigh on the rest
