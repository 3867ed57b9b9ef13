"""Everything that reacts to Slack, one module per capability, each with `register(...)`."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.runtime import Runtime
from handlers import (
    acceptance,
    budget,
    calendar,
    change_decisions,
    changes,
    charter,
    closing,
    command,
    comms,
    digests,
    documents,
    errors,
    events,
    exports,
    final_report,
    gantt,
    help,
    home,
    issue_log,
    issues,
    lessons,
    meetings,
    notices,
    once,
    payloads,
    phase,
    plan,
    projects,
    quality,
    quality_reviews,
    reminders,
    replays,
    reports,
    reviews,
    risk_reviews,
    risks,
    shortcuts,
    standups,
    status,
    task_updates,
    tasks,
    team,
    visibility,
)
from handlers.command import CommandRouter
from handlers.context import RUNTIME_KEY

CAPABILITIES = (
    errors,
    replays,
    payloads,
    visibility,
    events,
    once,
    command,
    help,
    projects,
    home,
    charter,
    phase,
    team,
    tasks,
    plan,
    quality,
    risks,
    budget,
    comms,
    gantt,
    status,
    task_updates,
    issues,
    issue_log,
    changes,
    change_decisions,
    shortcuts,
    meetings,
    quality_reviews,
    risk_reviews,
    reviews,
    calendar,
    reminders,
    standups,
    digests,
    reports,
    closing,
    acceptance,
    lessons,
    documents,
    final_report,
    exports,
    notices,
)

__all__ = ["CAPABILITIES", "CommandRouter", "register_all"]


def register_all(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @app.use
    def attach_runtime(context: BoltContext, next: Callable[[], None]) -> None:
        context[RUNTIME_KEY] = runtime
        next()

    for capability in CAPABILITIES:
        capability.register(app, runtime, router)
