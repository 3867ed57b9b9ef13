"""The risk register: raising risks, scoring them, and reading the register by score."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import changed, record
from models.core.enums import RiskStatus, RiskStrategy
from models.core.errors import DomainError, InvalidError, NotFoundError, check_all
from models.core.keys import ItemKind, find_numbered, item_key, next_number
from models.core.limits import column_limit
from models.projects.tables import Project
from models.risks.tables import SCALE, Risk, RiskAssessment
from models.team.members import not_on_team

# A risk scored this high is everyone's business: it is posted to the project channel.
ANNOUNCE_SCORE = 15
TITLE_MAX = column_limit(Risk.title)
# How many of a risk's latest scores the register shows as its trend.
TREND_SCORES = 4


class RiskForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: str
    probability: int
    impact: int
    description: str | None = None
    category: str | None = None
    owner_id: str | None = None
    strategy: RiskStrategy | None = None
    response_actions: str | None = None
    trigger: str | None = None
    contingency: str | None = None
    review_date: date | None = None
    source_link: str | None = None


def risk_key(project: Project, risk: Risk) -> str:
    return item_key(project.key, ItemKind.RISK, risk.number)


def _scale_problem(value: int, field: str) -> DomainError | None:
    if value not in SCALE:
        return InvalidError("risk.bad_scale", field=field, given=value)
    return None


def risk_in(*, db: Session, project: Project, risk_id: int | None) -> Risk:
    """A risk a form named by id, still in `project`."""
    risk = db.get(Risk, risk_id) if risk_id is not None else None
    if risk is None or risk.project_id != project.id:
        raise NotFoundError("risks.gone")
    return risk


def check_risk(form: RiskForm) -> list[DomainError | None]:
    title = (
        None
        if form.title and len(form.title) <= TITLE_MAX
        else InvalidError("risk.bad_title", field="title", limit=TITLE_MAX)
    )
    return [title, _scale_problem(form.probability, "probability"), _scale_problem(form.impact, "impact")]


def risk_problems(db: Session, project: Project, form: RiskForm) -> list[DomainError | None]:
    return [*check_risk(form), not_on_team(db, project, form.owner_id)]


def _assess(db: Session, risk: Risk, user_id: str) -> None:
    """Keep every scoring, so the register can show whether a risk is growing or shrinking."""
    db.add(
        RiskAssessment(
            team_id=risk.team_id,
            risk_id=risk.id,
            probability=risk.probability,
            impact=risk.impact,
            assessed_by=user_id,
        )
    )


def raise_risk(*, db: Session, actor: Actor, project: Project, form: RiskForm) -> Risk:
    require(db, project, actor, Action.RAISE_RISK)
    require_open(project)
    check_all(*risk_problems(db, project, form))
    risk = Risk(
        project_id=project.id,
        team_id=project.team_id,
        number=next_number(db, project, ItemKind.RISK),
        created_by=actor.user_id,
        **form.model_dump(),
    )
    db.add(risk)
    db.flush()
    _assess(db, risk, actor.user_id)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="risk.raise",
        subject=risk_key(project, risk),
        after=form.model_dump(exclude_none=True),
    )
    return risk


def edit_risk(
    *, db: Session, actor: Actor, project: Project, risk: Risk, form: RiskForm
) -> dict[str, object]:
    """Change a risk; returns the fields that changed, before and after having been audited."""
    require(db, project, actor, Action.EDIT_RISK)
    require_open(project)
    check_all(*risk_problems(db, project, form))
    # Where a risk was first raised from stays as it was: the form does not show it.
    wanted = form.model_dump(exclude={"source_link"})
    current = {name: getattr(risk, name) for name in wanted}
    before, after = changed(current, wanted)
    if not after:
        return {}
    rescored = {"probability", "impact"} & after.keys()
    for name in after:
        setattr(risk, name, wanted[name])
    if rescored:
        _assess(db, risk, actor.user_id)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="risk.edit",
        subject=risk_key(project, risk),
        before=before,
        after=after,
    )
    return after


def risk_register(db: Session, project: Project, *, open_only: bool = False) -> list[Risk]:
    """The register, highest score first."""
    query = select(Risk).where(Risk.project_id == project.id)
    if open_only:
        query = query.where(Risk.status == RiskStatus.OPEN)
    return list(db.scalars(query.order_by(Risk.score.desc(), Risk.number)))


def score_history(db: Session, risks: list[Risk], *, last: int = TREND_SCORES) -> dict[int, list[int]]:
    """The scores each risk went through, oldest first (its latest `last` assessments)."""
    ids = [risk.id for risk in risks]
    if not ids:
        return {}
    scored = db.execute(
        select(RiskAssessment.risk_id, RiskAssessment.probability * RiskAssessment.impact)
        .where(RiskAssessment.risk_id.in_(ids))
        .order_by(RiskAssessment.risk_id, RiskAssessment.id)
    ).all()
    history: dict[int, list[int]] = {}
    for risk_id, score in scored:
        history.setdefault(risk_id, []).append(score)
    return {risk_id: scores[-last:] for risk_id, scores in history.items()}


def count_risks(db: Session, project: Project) -> int:
    return db.scalar(select(func.count(Risk.id)).where(Risk.project_id == project.id)) or 0


def find_risk(db: Session, project: Project, key: str) -> Risk:
    return find_numbered(db, project, Risk, ItemKind.RISK, key=key, missing="risk.unknown_key")
