"""`pmo-bot console --demo`: a small, realistic project, made the way a team would make it.

Every step is a command typed into the console (forms answered by field), run with the clock set
to the day it would have happened, four weeks ago until yesterday. So the project has a history:
work done on time and late, money spent, a risk above the line, a change request waiting for a
decision, and a task overdue today, for three people in Shanghai, New York and Madrid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.console.directory import TEAM
from bot.console.modal import AnswerError
from bot.console.session import ScriptError, Session
from models.core.clock import CLOCK, utcnow
from models.projects.portfolio import project_by_key

KEY, NAME, CHANNEL = "APL", "Apollo", "apollo"
MANAGER_TZ = ZoneInfo("Asia/Shanghai")  # Alice's: the project's days are hers
STARTED_DAYS_AGO = 28
WORKDAY_TIME = time(10, 0)


# The work breakdown: title, owner, first and last day after the start, hours, parent and predecessors.
# Invoice screens (APL-5) is due two days before today and still open: the late task.
TASKS = (
    ("Discovery", "alice", 1, 10, 4, ""),
    ("Stakeholder interviews", "alice", 1, 5, 12, "under APL-1"),
    ("Requirements sign-off", "alice", 6, 10, 6, "under APL-1 after APL-2"),
    ("Payments API", "bob", 11, 24, 60, "after APL-3"),
    ("Invoice screens", "carol", 11, 26, 48, "after APL-3"),
    ("Data migration", "bob", 27, 45, 40, "after APL-4"),
    ("User acceptance testing", "carol", 46, 60, 30, "after APL-5,APL-6"),
    ("Go-live runbook", "alice", 61, 80, 10, "after APL-7"),
)


@dataclass(frozen=True)
class Step:
    day: int  # days after the project's start
    user: str
    text: str
    answers: dict[str, str] | None = field(default=None)


def demo_steps(start: date) -> list[Step]:
    def on(day: int) -> str:
        return (start + timedelta(days=day)).isoformat()

    charter = {
        "name": NAME,
        "key": KEY,
        "goal": "Customers pay invoices online by card and bank transfer",
        "scope_in": "Invoice screens, card and bank payments, migration of open invoices",
        "scope_out": "Payroll, the mobile app",
        "sponsor_id": "@pat",
        "start_date": on(0),
        "target_end_date": on(84),
        "budget": "120,000",
        "currency": "USD",
        "stakeholders": "Finance, customer support",
        "risk1_title": "Payment provider certification slips",
        "risk1_probability": "4",
        "risk1_impact": "5",
        "risk2_title": "Open invoices fail to migrate cleanly",
        "risk2_probability": "2",
        "risk2_impact": "4",
    }
    risk = {
        "title": "Bank API rate limits break load tests",
        "category": "technical",
        "probability": "3",
        "impact": "4",
        "owner_id": "@bob",
        "strategy": "mitigate",
        "response_actions": "Ask the bank for a sandbox quota; throttle test traffic",
        "review_date": on(35),
    }
    change = {
        "title": "Add Apple Pay to the checkout",
        "description": "Support asked for Apple Pay after the beta demo",
        "reason": "A third of customers pay from phones",
        "schedule_days": "5",
        "cost_impact": "4000",
        "targets": "APL-M2",
    }
    tasks = [
        Step(
            1, "alice", f"/pmo task add {title} @{owner} start {on(first)} due {on(last)} est {hours} {links}"
        )
        for title, owner, first, last, hours, links in TASKS
    ]
    return [
        Step(0, "alice", "/pmo new", charter),
        Step(0, "alice", "/pmo team add @bob member 60% backend and payments"),
        Step(0, "alice", "/pmo team add @carol member 50% frontend and testing"),
        *tasks,
        Step(1, "alice", f"/pmo milestone add Beta due {on(45)} deliverable"),
        Step(1, "alice", f"/pmo milestone add Launch due {on(84)} deliverable"),
        Step(1, "alice", "/pmo quality criterion APL-M1 Invoices match the old system to the cent"),
        Step(1, "alice", f"/pmo quality review APL-M1 @carol {on(44)}"),
        Step(1, "alice", "/pmo budget set people 90000"),
        Step(1, "alice", "/pmo budget set cloud hosting 18000"),
        Step(1, "alice", "/pmo budget set licences 12000"),
        Step(2, "alice", "/pmo phase planning"),
        Step(2, "bob", "/pmo risk", risk),
        Step(3, "alice", "/pmo phase execution"),
        Step(5, "alice", "/pmo done APL-2"),
        Step(10, "alice", "/pmo done APL-3"),
        Step(10, "alice", "/pmo done APL-1"),
        Step(10, "alice", f"/pmo cost 8500 people Discovery workshops on {on(10)}"),
        Step(14, "bob", f"/pmo cost 2400 cloud hosting Sandbox environments on {on(14)}"),
        Step(17, "carol", "/pmo issue Sandbox certificates expire every 24 hours"),
        Step(24, "bob", "/pmo done APL-4"),
        Step(24, "alice", f"/pmo cost 21000 people Contractors, first month on {on(24)}"),
        Step(26, "alice", f"/pmo cost 3600 licences Payment gateway licence on {on(26)}"),
        Step(27, "bob", "/pmo change", change),
    ]


def demo_start() -> date:
    return utcnow().astimezone(MANAGER_TZ).date() - timedelta(days=STARTED_DAYS_AGO)


def has_demo(session: Session) -> bool:
    runtime = session.app.runtime
    runtime.ensure_workspace(TEAM)
    with runtime.database.session(TEAM, write=False) as db:
        return project_by_key(db, KEY) is not None


def run_step(session: Session, step: Step, start: date) -> None:
    """One step, typed by its person in the project's channel, mid-morning where they are."""
    person = session.directory.person(step.user)
    if person is None:
        raise ScriptError(f"nobody called {step.user}")
    day = start + timedelta(days=step.day)
    CLOCK.travel_to(datetime.combine(day, WORKDAY_TIME, tzinfo=ZoneInfo(person.tz)))
    session.user, session.channel = person.user_id, session.directory.channel(CHANNEL)
    session.command(step.text, answers=step.answers)


def load_demo(session: Session) -> None:
    """Make the demo project, unless this database has it from an earlier session."""
    terminal = session.terminal
    if has_demo(session):
        terminal.say(session.t("console.demo_exists", key=KEY))
        return
    start = demo_start()
    terminal.say(session.t("console.demo_loading", name=NAME))
    try:
        with terminal.quiet():
            for step in demo_steps(start):
                run_step(session, step, start)
    except (ScriptError, AnswerError) as error:
        terminal.say(session.t("console.demo_failed", error=str(error)))
        return
    finally:
        CLOCK.reset()
    if (alice := session.directory.person("alice")) is not None:  # she is: the steps ran as her
        session.user = alice.user_id
    session.clickables.clear()
    terminal.say(session.t("console.demo_loaded", name=NAME, key=KEY, channel=CHANNEL))
