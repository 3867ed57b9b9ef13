"""Everything that reacts to Slack: one package per domain, each module with `register(...)`.

Only listeners and passes are registered here; the middleware every request goes through is
registered by the app factory (`bot.app`), in the order it runs.

The modules are named by their full path, since a short alias would shadow the domain
package of the same name (`handlers.risks`) on this package.
"""

from __future__ import annotations

from slack_bolt import App

import handlers.budget.spend
import handlers.calendar.days_off
import handlers.calendar.working_week
import handlers.changes.decisions
import handlers.changes.request_form
import handlers.charter.modal
import handlers.closing.close
import handlers.closing.final_report
import handlers.closing.lessons
import handlers.comms.plan
import handlers.comms.reports
import handlers.digests.weekly
import handlers.documents.register
import handlers.issues.log
import handlers.issues.new
import handlers.meetings.records
import handlers.phases.gates
import handlers.projects.exports
import handlers.projects.home
import handlers.projects.listing
import handlers.quality.acceptance
import handlers.quality.plan
import handlers.quality.reviews
import handlers.reminders.overdue
import handlers.reminders.reviews
import handlers.risks.register
import handlers.risks.reviews
import handlers.schedule.baseline
import handlers.schedule.gantt
import handlers.schedule.imports
import handlers.schedule.plan
import handlers.slack.command
import handlers.slack.directory_events
import handlers.slack.errors
import handlers.slack.events
import handlers.slack.help
import handlers.slack.notices
import handlers.slack.once
import handlers.slack.replays
import handlers.slack.shortcuts
import handlers.standups.standup
import handlers.status.command
import handlers.tasks.breakdown
import handlers.tasks.updates
import handlers.team.members
import handlers.templates.save
import handlers.trends.command
import handlers.trends.daily
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter

CAPABILITIES = (
    handlers.slack.errors,
    handlers.slack.replays,
    handlers.slack.events,
    handlers.slack.directory_events,
    handlers.slack.once,
    handlers.slack.command,
    handlers.slack.help,
    handlers.projects.listing,
    handlers.projects.home,
    handlers.charter.modal,
    handlers.templates.save,
    handlers.phases.gates,
    handlers.team.members,
    handlers.tasks.breakdown,
    handlers.schedule.plan,
    handlers.schedule.baseline,
    handlers.schedule.imports,
    handlers.quality.plan,
    handlers.risks.register,
    handlers.budget.spend,
    handlers.comms.plan,
    handlers.schedule.gantt,
    handlers.status.command,
    handlers.tasks.updates,
    handlers.issues.new,
    handlers.issues.log,
    handlers.changes.request_form,
    handlers.changes.decisions,
    handlers.slack.shortcuts,
    handlers.meetings.records,
    handlers.quality.reviews,
    handlers.risks.reviews,
    handlers.reminders.reviews,
    handlers.calendar.days_off,
    handlers.calendar.working_week,
    handlers.reminders.overdue,
    handlers.standups.standup,
    handlers.digests.weekly,
    handlers.trends.daily,
    handlers.trends.command,
    handlers.comms.reports,
    handlers.closing.close,
    handlers.quality.acceptance,
    handlers.closing.lessons,
    handlers.documents.register,
    handlers.closing.final_report,
    handlers.projects.exports,
    handlers.slack.notices,
)

__all__ = ["CAPABILITIES", "CommandRouter", "register_all"]


def register_all(app: App, runtime: Runtime, router: CommandRouter) -> None:
    for capability in CAPABILITIES:
        capability.register(app, runtime, router)
