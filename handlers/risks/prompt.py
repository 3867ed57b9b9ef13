"""A risk's review prompt: Still open, Occurred, Closed or Update, as buttons.

`/pmo risk review <KEY>` shows it; the review-date DMs of the scheduler send the same blocks.
"""

from __future__ import annotations

from bot.blocks import Block, actions, button, section
from bot.i18n import Translator
from handlers.risks.lines import risk_line
from models.projects.tables import Project
from models.risks.register import risk_key
from models.risks.tables import Risk

STILL_OPEN, OCCURRED, CLOSED, UPDATE = "risk_still_open", "risk_occurred", "risk_closed", "risk_update"


def review_blocks(project: Project, risk: Risk, t: Translator) -> list[Block]:
    key = risk_key(project, risk)
    return [
        section(t("risks.review_prompt", line=risk_line(project, risk, None, t))),
        actions(
            button(t("risks.still_open"), action_id=STILL_OPEN, value=key),
            button(t("risks.occurred"), action_id=OCCURRED, value=key, style="danger"),
            button(t("risks.closed"), action_id=CLOSED, value=key, style="primary"),
            button(t("risks.update"), action_id=UPDATE, value=key),
        ),
    ]
