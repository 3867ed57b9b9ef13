"""A project made the way a PM makes one: `/pmo charter`, its modal, and the values it is sent with."""

from __future__ import annotations

from sqlalchemy import select

from models import Project
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import BOB

CHARTER = {
    "name": "Apollo",
    "key": "APL",
    "goal": "Put the new billing system live",
    "scope_in": "Billing, invoicing",
    "scope_out": "Payroll",
    "sponsor_id": BOB,
    "start_date": "2026-12-01",
    "target_end_date": "2027-03-31",
    "budget": "120,000",
    "currency": "eur",
    "stakeholders": "Finance team",
}


def create(bot: RunningBot, values: dict[str, str | None] | None = None, channel: str = CHANNEL) -> None:
    view = open_modal(bot, "new", channel=channel)
    reply = submit(bot, view, {**CHARTER, **(values or {})})
    assert field_errors(reply) == {}


def project(bot: RunningBot) -> Project:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project)).one()
