"""Deciding change requests: who may, how many must, and applying an approved change once.

The request row is locked while a decision is recorded (`SELECT … FOR UPDATE` on PostgreSQL;
SQLite write transactions are `BEGIN IMMEDIATE`), so two deciders clicking at the same moment
are serialised: one decision completes the request, the other is told what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.calendar.working_days import WorkCalendar
from models.changes.requests import change_key
from models.changes.tables import ChangeDecision, ChangeRequest, ChangeTarget
from models.core.access import Actor, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import ChangeStatus, Role, Verdict
from models.core.errors import DomainError, ForbiddenError, InvalidError, People
from models.core.id_lists import among
from models.projects.tables import Project
from models.schedule.baseline import snapshot
from models.schedule.milestones import milestone_key
from models.schedule.reschedule import Followed, MilestoneShift
from models.tasks.breakdown import follow_move, task_key
from models.tasks.tables import Milestone, Task


class Seat(StrEnum):
    """Whose approval a request needs."""

    MANAGER = "manager"
    SPONSOR = "sponsor"


@dataclass(frozen=True)
class Outcome:
    change: ChangeRequest
    decision: ChangeDecision
    # True when this decision settled the request (approved or rejected).
    settled: bool
    # What an approval moved: each named task with what followed it, and the named milestones.
    moved: list[TaskMove] = field(default_factory=list)
    milestones: list[MilestoneShift] = field(default_factory=list)


@dataclass(frozen=True)
class TaskMove:
    task: Task
    days: int  # working days
    followed: Followed


# The scheduled DMs that chase an undecided request, each sent once per request and person.
REMINDER, ESCALATION = "change_reminder", "change_escalation"


def chase_key(kind: str, change: ChangeRequest, user_id: str) -> str:
    """The delivery key of one reminder or escalation, sent once per request and person."""
    return f"{kind}:{change.id}:{user_id}"


def seats(project: Project, change: ChangeRequest) -> list[Seat]:
    """The seats whose approvals a request waits for: past a threshold both, else the manager's.

    Nobody decides their own request: a seat its requester holds is left out, and when that
    leaves none (the manager asked for a small change) the other seat decides, else an
    administrator fills the first.
    """
    wanted = [Seat.MANAGER, Seat.SPONSOR] if change.needs_sponsor else [Seat.MANAGER]
    free = [seat for seat in wanted if _holder(project, seat) != change.requested_by]
    if free:
        return free
    others = [seat for seat in Seat if _holder(project, seat) not in (None, change.requested_by)]
    return others[:1] or wanted[:1]


def _holder(project: Project, seat: Seat) -> str | None:
    return project.manager_id if seat is Seat.MANAGER else project.sponsor_id


def decider_ids(project: Project, change: ChangeRequest) -> list[str]:
    """Whose approval the request waits for (reminders chase them); never its requester."""
    holders = (_holder(project, seat) for seat in seats(project, change))
    return [user for user in holders if user and user != change.requested_by]


def allowed_ids(project: Project, change: ChangeRequest) -> list[str]:
    """Who may decide the request beside PMO administrators: manager and sponsor, not its requester."""
    holders = (_holder(project, seat) for seat in Seat)
    return list(dict.fromkeys(user for user in holders if user and user != change.requested_by))


def _approved(project: Project, change: ChangeRequest, approvals: set[Seat]) -> bool:
    """Past a threshold both seats must approve; below it one approval of anyone allowed is enough."""
    if change.needs_sponsor:
        return approvals >= set(seats(project, change))
    return bool(approvals)


def locked_change(db: Session, project: Project, change_id: int) -> ChangeRequest:
    change = db.scalar(
        select(ChangeRequest)
        .where(ChangeRequest.id == change_id, ChangeRequest.project_id == project.id)
        .with_for_update()
    )
    if change is None:
        raise DomainError("changes.gone")
    return change


def decisions_of(db: Session, change: ChangeRequest) -> list[ChangeDecision]:
    return decisions_by_change(db, [change.id]).get(change.id, [])


def decisions_by_change(db: Session, change_ids: list[int]) -> dict[int, list[ChangeDecision]]:
    """The decisions on each of these change requests, in the order they were made, in one query."""
    found: dict[int, list[ChangeDecision]] = {}
    rows = db.scalars(
        select(ChangeDecision)
        .where(among(ChangeDecision.change_request_id, change_ids))
        .order_by(ChangeDecision.id)
    )
    for decision in rows:
        found.setdefault(decision.change_request_id, []).append(decision)
    return found


def _seat_for(project: Project, change: ChangeRequest, actor: Actor, taken: set[Seat]) -> Seat:
    """The seat the actor decides in; an administrator fills the first required one still open.

    The sponsor holds a seat on every request: below the thresholds their approval is not
    needed, but it is enough, as the manager's is.
    """
    deciders = People(allowed_ids(project, change)) or "—"
    if actor.user_id == change.requested_by:
        raise ForbiddenError("changes.own_request", key=change_key(project, change), deciders=deciders)
    own = [seat for seat in Seat if seat not in taken and _holder(project, seat) == actor.user_id]
    if own:
        return own[0]
    open_seats = [seat for seat in seats(project, change) if seat not in taken]
    if actor.is_admin and open_seats:
        return open_seats[0]
    raise ForbiddenError("changes.not_decider", key=change_key(project, change), deciders=deciders)


def ensure_can_decide(db: Session, project: Project, change: ChangeRequest, actor: Actor) -> None:
    """Refuse early, before asking for a note, whoever could not decide now."""
    require_open(project)  # a closed project's changes stay as they were, decided or not
    _check_pending(project, change, db)
    earlier = decisions_of(db, change)
    if any(decision.user_id == actor.user_id for decision in earlier):
        raise DomainError("changes.you_decided", key=change_key(project, change))
    _seat_for(project, change, actor, {Seat(decision.role.value) for decision in earlier if decision.role})


def _check_pending(project: Project, change: ChangeRequest, db: Session) -> None:
    if change.status is ChangeStatus.PENDING:
        return
    last = decisions_of(db, change)
    who = People((last[-1].user_id if last else change.requested_by,))
    raise DomainError(f"changes.already.{change.status.value}", key=change_key(project, change), user=who)


def decide(
    *, db: Session, actor: Actor, project: Project, change_id: int, verdict: Verdict, note: str | None
) -> Outcome:
    require_open(project)
    change = locked_change(db, project, change_id)
    ensure_can_decide(db, project, change, actor)
    earlier = decisions_of(db, change)
    seat = _seat_for(project, change, actor, {Seat(d.role.value) for d in earlier if d.role})
    decision = ChangeDecision(
        team_id=project.team_id,
        change_request_id=change.id,
        user_id=actor.user_id,
        role=Role(seat.value),
        as_admin=actor.user_id not in (project.manager_id, project.sponsor_id),
        verdict=verdict,
        note=note,
    )
    db.add(decision)
    approvals = {Seat(d.role.value) for d in earlier if d.verdict is Verdict.APPROVE and d.role} | (
        {seat} if verdict is Verdict.APPROVE else set()
    )
    settled = verdict is Verdict.REJECT or _approved(project, change, approvals)
    if settled:
        change.status = ChangeStatus.APPROVED if verdict is Verdict.APPROVE else ChangeStatus.REJECTED
        change.decided_at = utcnow()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action=f"change.{verdict.value}",
        subject=change_key(project, change),
        after={"seat": seat.value, "status": change.status.value},
        reason=note,
    )
    moved: tuple[list[TaskMove], list[MilestoneShift]] = ([], [])
    if change.status is ChangeStatus.APPROVED:
        moved = apply_change(db, actor, project, change)
    db.flush()
    return Outcome(change, decision, settled, *moved)


def working_shift(calendar: WorkCalendar, day: date, days: int) -> date:
    """`day` moved by `days` working days: a change's impact lands on a working day."""
    try:
        return calendar.add(day, days)
    except (ValueError, OverflowError):
        raise InvalidError("limits.date", field="schedule_days", day=day.isoformat(), days=days) from None


def apply_change(
    db: Session, actor: Actor, project: Project, change: ChangeRequest
) -> tuple[list[TaskMove], list[MilestoneShift]]:
    """Move the end date and the named work by working days of the project's calendar, add to the
    budget; once, and audited as the change's. Returns what moved, for the answer to say."""
    moved: list[TaskMove] = []
    marks: list[MilestoneShift] = []
    if change.applied_at is not None:
        return moved, marks
    days = change.schedule_days
    calendar = project_calendar(db, project)

    def audit(subject: str, before: dict[str, object], after: dict[str, object]) -> None:
        entry = record(
            db,
            project_id=project.id,
            actor_id=actor.user_id,
            action="change.apply",
            subject=subject,
            before=before,
            after=after,
            reason=change_key(project, change),
        )
        entry.change_request_id = change.id

    if days and project.target_end_date is not None:
        before = project.target_end_date
        project.target_end_date = working_shift(calendar, before, days)
        audit(project.key, {"target_end_date": before}, {"target_end_date": project.target_end_date})
    if change.cost_impact and project.budget is not None:
        before_budget = project.budget
        project.budget = before_budget + change.cost_impact
        audit(project.key, {"budget": before_budget}, {"budget": project.budget})
    for target in db.scalars(select(ChangeTarget).where(ChangeTarget.change_request_id == change.id)):
        if target.milestone_id is not None and days:
            milestone = db.get(Milestone, target.milestone_id)
            if milestone is not None:
                before_due = milestone.due_date
                milestone.due_date = working_shift(calendar, before_due, days)
                marks.append(MilestoneShift(milestone.id, before_due, milestone.due_date))
                audit(
                    milestone_key(project, milestone),
                    {"due_date": before_due},
                    {"due_date": milestone.due_date},
                )
        if target.task_id is not None and days:
            task = db.get(Task, target.task_id)
            if task is not None and task.due_date is not None:
                before_due = task.due_date
                was = (task.start_date, task.due_date)
                task.due_date = working_shift(calendar, before_due, days)
                task.start_date = working_shift(calendar, task.start_date, days) if task.start_date else None
                audit(task_key(project, task), {"due_date": before_due}, {"due_date": task.due_date})
                followed = follow_move(db=db, actor=actor, project=project, task=task, was=was)
                moved.append(TaskMove(task, calendar.count(before_due, task.due_date), followed))
    if days:  # the plan the change approved is the new promise
        snapshot(db, actor, project, reason=change_key(project, change))
    change.applied_at = utcnow()
    return moved, marks


def withdraw(*, db: Session, actor: Actor, project: Project, change_id: int) -> ChangeRequest:
    """The requester (or an administrator) takes a pending request back."""
    require_open(project)
    change = locked_change(db, project, change_id)
    _check_pending(project, change, db)
    if actor.user_id != change.requested_by and not actor.is_admin:
        raise ForbiddenError(
            "changes.not_requester", key=change_key(project, change), user=change.requested_by
        )
    change.status = ChangeStatus.WITHDRAWN
    change.decided_at = utcnow()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="change.withdraw",
        subject=change_key(project, change),
        after={"status": change.status.value},
    )
    return change
