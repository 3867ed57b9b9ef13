"""The project charter: what a project is for, who runs it, by when and for how much.

Creating a project is agreeing its charter; editing it later is audited field by field, so
the record shows how the project's promise changed and who changed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.budget.currencies import is_currency
from models.comms.plan import add_default_plan
from models.core.access import Action, Actor, require, require_open
from models.core.audit import changed, record
from models.core.enums import Phase, Role
from models.core.errors import DomainError, InvalidError, check_all
from models.core.keys import PROJECT_KEY
from models.core.limits import column_limit
from models.projects.portfolio import project_by_key, project_in_channel
from models.projects.tables import Member, Project
from models.risks.register import RiskForm, raise_risk
from models.team.members import ensure_role

FIRST_RISKS_MAX = 3
NAME_MAX = column_limit(Project.name)


class Charter(BaseModel):
    """The charter's fields as a form gives them, already read into values."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str
    key: str
    goal: str | None = None
    scope_in: str | None = None
    scope_out: str | None = None
    sponsor_id: str | None = None
    manager_id: str | None = None
    start_date: date | None = None
    target_end_date: date | None = None
    budget: Decimal | None = None
    currency: str = "USD"
    stakeholders: str | None = None
    timezone: str = "UTC"
    change_threshold_days: int | None = None
    change_threshold_amount: Decimal | None = None
    # What the project's channel reads: posts, digests, charts. None is the workspace default.
    language: str | None = None


# The charter fields kept on the project, in the order a charter reads.
CHARTER_FIELDS = tuple(name for name in Charter.model_fields if name != "key")
BASELINED = frozenset({Phase.EXECUTION, Phase.CLOSING})
BASELINE_FIELDS = ("budget", "currency", "start_date", "target_end_date")


def charter_of(project: Project) -> Charter:
    return Charter(key=project.key, **{name: getattr(project, name) for name in CHARTER_FIELDS})


def _key_problem(db: Session, key: str) -> DomainError | None:
    if not PROJECT_KEY.match(key):
        return InvalidError("charter.bad_key", field="key", key=key)
    existing = project_by_key(db, key)
    if existing is not None:
        return InvalidError("charter.key_taken", field="key", key=key, name=existing.name)
    return None


def _dates_problem(charter: Charter) -> DomainError | None:
    if charter.start_date and charter.target_end_date and charter.target_end_date < charter.start_date:
        return InvalidError(
            "charter.end_before_start",
            field="target_end_date",
            start=charter.start_date,
            end=charter.target_end_date,
        )
    return None


def _money_problem(charter: Charter) -> DomainError | None:
    if charter.budget is not None and charter.budget < 0:
        return InvalidError("charter.negative_budget", field="budget")
    if charter.change_threshold_amount is not None and charter.change_threshold_amount < 0:
        return InvalidError("charter.negative_threshold", field="change_threshold_amount")
    return None


def _currency_problem(charter: Charter) -> DomainError | None:
    if not is_currency(charter.currency):
        return InvalidError("charter.bad_currency", field="currency", currency=charter.currency)
    return None


@cache
def known_timezones() -> frozenset[str]:
    """The IANA zones this machine knows: listing them walks the zone files, tens of milliseconds
    a charter, and they change only with a new tzdata (which a restart picks up)."""
    return frozenset(available_timezones())


def _timezone_problem(charter: Charter) -> DomainError | None:
    if charter.timezone not in known_timezones():
        return InvalidError("charter.bad_timezone", field="timezone", timezone=charter.timezone)
    return None


def _name_problem(charter: Charter) -> DomainError | None:
    if not charter.name or len(charter.name) > NAME_MAX:
        return InvalidError("charter.bad_name", field="name", limit=NAME_MAX)
    return None


def _days_problem(charter: Charter) -> DomainError | None:
    if charter.change_threshold_days is not None and charter.change_threshold_days < 0:
        return InvalidError("charter.negative_threshold", field="change_threshold_days")
    return None


def check_charter(charter: Charter) -> list[DomainError | None]:
    return [
        _name_problem(charter),
        _dates_problem(charter),
        _money_problem(charter),
        _days_problem(charter),
        _currency_problem(charter),
        _timezone_problem(charter),
    ]


def _channel_problem(db: Session, channel_id: str) -> DomainError | None:
    existing = project_in_channel(db, channel_id)
    if existing is None:
        return None
    return InvalidError("charter.channel_taken", field="name", key=existing.key, name=existing.name)


def ensure_channel_free(db: Session, channel_id: str) -> None:
    """One project per channel: say which project the channel already has."""
    check_all(_channel_problem(db, channel_id))


def create_project(
    *,
    db: Session,
    actor: Actor,
    channel_id: str,
    charter: Charter,
    first_risks: Sequence[RiskForm] = (),
    private: bool = False,
) -> Project:
    """A new project in initiation, bound to `channel_id`, run by the named manager or the submitter."""
    check_all(_channel_problem(db, channel_id), _key_problem(db, charter.key), *check_charter(charter))
    values = charter.model_dump(include=set(CHARTER_FIELDS))
    values["manager_id"] = charter.manager_id or actor.user_id
    project = Project(
        key=charter.key, channel_id=channel_id, created_by=actor.user_id, private=private, **values
    )
    project.baseline_end_date = charter.target_end_date
    project.baseline_budget = charter.budget
    _insert_or_explain(db, project, channel_id)
    _seat_charter_roles(db, project)
    if actor.user_id != project.manager_id:
        ensure_role(db, project, actor.user_id, Role.MEMBER)
    add_default_plan(db, project)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="project.create",
        subject=project.key,
        after=values,
    )
    for form in list(first_risks)[:FIRST_RISKS_MAX]:
        raise_risk(db=db, actor=actor, project=project, form=form)
    return project


def _insert_or_explain(db: Session, project: Project, channel_id: str) -> None:
    """Save the project; if a concurrent `/pmo new` took the channel or key first, say so as the
    check before would have (the unique constraints, not that check, are what decide a race)."""
    try:
        with db.begin_nested():
            db.add(project)
    except IntegrityError:
        check_all(_channel_problem(db, channel_id), _key_problem(db, project.key))
        raise


def _seat_charter_roles(db: Session, project: Project) -> None:
    """The charter's manager and sponsor are on the team in those roles."""
    if project.manager_id:
        ensure_role(db, project, project.manager_id, Role.MANAGER)
    if project.sponsor_id and project.sponsor_id != project.manager_id:
        ensure_role(db, project, project.sponsor_id, Role.SPONSOR)


def edit_charter(
    *, db: Session, actor: Actor, project: Project, charter: Charter
) -> dict[str, tuple[Any, Any]]:
    """Apply an edited charter; returns the fields that changed, each with its old and new value."""
    require(db, project, actor, Action.EDIT_CHARTER)
    require_open(project)
    check_all(*check_charter(charter))
    new = charter.model_dump(include=set(CHARTER_FIELDS))
    new["manager_id"] = charter.manager_id or project.manager_id
    before, after = changed({name: getattr(project, name) for name in CHARTER_FIELDS}, new)
    if not after:
        return {}
    check_all(*_baseline_problems(project, after))
    old_manager = project.manager_id
    was = {name: getattr(project, name) for name in after}
    for name, value in new.items():
        setattr(project, name, value)
    if old_manager and old_manager != project.manager_id:
        _step_down(db, project, old_manager)
    _seat_charter_roles(db, project)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="charter.edit",
        subject=project.key,
        before=before,
        after=after,
    )
    return {name: (was[name], getattr(project, name)) for name in after}


def _baseline_problems(project: Project, after: dict[str, Any]) -> list[DomainError | None]:
    """Once the work runs against the baseline (execution and later), its budget and dates move
    only through an approved change request, so the baseline and every variance stay honest."""
    if project.phase not in BASELINED:
        return []
    moved = [name for name in BASELINE_FIELDS if name in after]
    return [InvalidError("charter.baselined", field=name, key=project.key) for name in moved]


def _step_down(db: Session, project: Project, user_id: str) -> None:
    """A manager replaced in the charter stays on the team as a member."""
    member = db.scalar(select(Member).where(Member.project_id == project.id, Member.user_id == user_id))
    if member is not None and member.role is Role.MANAGER:
        member.role = Role.MEMBER
