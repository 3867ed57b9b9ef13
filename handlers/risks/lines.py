"""A risk as one line: its level, score, trend, owner, response and next review."""

from __future__ import annotations

from bot.formats import fmt_date, mention
from bot.i18n import Translator
from models.projects.tables import Project
from models.risks.register import ANNOUNCE_SCORE, risk_key
from models.risks.tables import Risk

# Scores from 15 are posted to the channel; from 6 they are worth watching.
WATCH_SCORE = 6


def level(score: int) -> str:
    if score >= ANNOUNCE_SCORE:
        return "🔴"
    return "🟠" if score >= WATCH_SCORE else "🟢"


def trend(history: list[int] | None, t: Translator) -> str:
    """Where the score has been: "↑ 4→6→8" once it has been assessed more than once."""
    if not history or len(history) < 2:
        return ""
    first, last = history[0], history[-1]
    arrow = "↑" if last > first else "↓" if last < first else "→"
    return t("risks.trend", arrow=arrow, scores="→".join(str(score) for score in history))


def risk_line(project: Project, risk: Risk, history: list[int] | None, t: Translator) -> str:
    strategy = t(f"risks.strategy.{risk.strategy.value}") if risk.strategy else t("risks.no_strategy")
    return t(
        "risks.line",
        level=level(risk.score),
        key=risk_key(project, risk),
        title=risk.title,
        probability=risk.probability,
        impact=risk.impact,
        score=risk.score,
        trend=trend(history, t),
        owner=mention(risk.owner_id, t),
        strategy=strategy,
        review=fmt_date(risk.review_date, t),
        status=t(f"risks.status.{risk.status.value}"),
    )
