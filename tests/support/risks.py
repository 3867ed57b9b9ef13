"""Risks raised and reviewed by command, as a PM keeps a register."""

from __future__ import annotations

from tests.support.charter import create
from tests.support.flows import field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, CAROL


def raised(bot: RunningBot, values: dict[str, str | None], *, user: str = ALICE) -> dict[str, str]:
    view = open_modal(bot, "risk", user=user)
    return field_errors(submit(bot, view, values, user=user))


def reviewing(bot: RunningBot) -> list[dict]:
    """A risk owned by Carol, and the review prompt's buttons."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    values = {"title": "Vendor late", "probability": "3", "impact": "5", "owner_id": CAROL}
    assert raised(bot, {**values, "contingency": "Switch to the backup vendor"}) == {}
    reply = bot.slack.command("risk review APL-R1", user=CAROL).json()
    assert reply["text"].startswith("Time to review this risk:")
    return next(block for block in reply["blocks"] if block["type"] == "actions")["elements"]
