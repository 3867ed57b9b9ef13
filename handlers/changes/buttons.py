"""The Approve and Reject buttons of a change request, on its own messages and on closing checklists."""

from __future__ import annotations

from bot.blocks import Block, actions, button
from bot.i18n import Translator

APPROVE_ACTION = "change_approve"
REJECT_ACTION = "change_reject"


def decision_buttons(key: str, t: Translator) -> Block:
    return actions(
        button(t("changes.approve"), action_id=APPROVE_ACTION, value=key, style="primary"),
        button(t("changes.reject"), action_id=REJECT_ACTION, value=key, style="danger"),
    )
