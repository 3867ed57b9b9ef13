"""The `reports` pass: the communication plan's stakeholder report and status-meeting agenda.

Each follows its line of the plan (`/pmo comms`): on or off, its days and time, in the project's
or each person's time zone, posted to the channel or sent by DM to the people its audience
names ("sponsor, stakeholders", "team", @someone). The stakeholder report is the project's
status; the agenda lists what the status meeting should settle: decisions waiting, late and
overdue work, top risks and open issues. Each send is claimed in the delivery log, so it is
made once per line, recipient and local day, caught up within 8 hours if the bot was down.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.blocks import MESSAGE_BLOCKS_MAX, Block, context, fit, header, section, sections
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter
from handlers.slack.context import project_translator
from handlers.slack.forms import read_words
from handlers.slack.passes import PassFailure, ScheduledPass, run_in_every_workspace
from handlers.status.command import (
    control_lines,
    headline,
    milestone_lines,
    overdue_lines,
    reason_lines,
    risk_lines,
)
from handlers.status.command import status_blocks as report_blocks
from models.comms.occurrences import DAYTIME_WINDOW, Recurrence
from models.comms.plan import audience_people, enabled_lines_of
from models.comms.tables import CommPlanLine
from models.core.enums import Channel, CommKind
from models.projects.tables import Project
from models.status.report import StatusReport
from models.status.snapshot import current_statuses

Message = tuple[str, list[Block]]


def stakeholder_report(report: StatusReport, t: Translator) -> Message:
    project = report.project
    intro = t("reports.stakeholder_intro", key=project.key, name=project.name)
    text, blocks = report_blocks(report, t)
    return intro + "\n" + text, [section(intro), *blocks[: MESSAGE_BLOCKS_MAX - 1]]


def meeting_agenda(report: StatusReport, t: Translator) -> Message:
    """What the status meeting should settle, in the order it is worth the time."""
    project = report.project
    title = t("reports.agenda_title", key=project.key, name=project.name)
    groups = [
        [headline(report, t), *reason_lines(report, t)],
        [t("reports.agenda_decisions"), *control_lines(report, t)],
        [t("reports.agenda_work"), *milestone_lines(report, t), *overdue_lines(report, t)],
        [t("reports.agenda_risks"), *risk_lines(report, t)],
    ]
    blocks = [header(title)]
    for lines in groups:
        blocks += sections(lines)
    blocks.append(context(t("reports.agenda_footer")))
    text = "\n".join([title, *(line for lines in groups for line in lines)])
    return text, fit(blocks, limit=MESSAGE_BLOCKS_MAX, overflow=context(t("status.cut")))


Render = Callable[[StatusReport, Translator], Message]
RENDERERS: dict[CommKind, Render] = {
    CommKind.STAKEHOLDER_REPORT: stakeholder_report,
    CommKind.STATUS_MEETING: meeting_agenda,
}


class ReportPass(ScheduledPass):
    """One pass over one workspace, as of `now`: each project's due reports, each project alone."""

    name = "reports"

    def for_project(self, db: Session, project: Project) -> list[Notice]:
        lines = enabled_lines_of(db=db, project=project, kinds=RENDERERS)
        return [send for line in lines for send in self.sends(db, project, line)]

    def sends(self, db: Session, project: Project, line: CommPlanLine) -> list[Notice]:
        """Who gets the line's message now: the channel once, or each person at their hour."""
        recipients = (
            [project.channel_id]
            if line.channel is Channel.CHANNEL
            else audience_people(db, project, read_words(line.audience))
        )
        recurrence = Recurrence.of(line, DAYTIME_WINDOW)
        due: list[tuple[str, date]] = []
        for recipient in recipients:
            tz = project.timezone
            if line.time_zone_of == "member" and line.channel is Channel.DM:
                tz = self.time_zone(recipient)
            day = recurrence.due_on(self.now, tz)
            if day is not None and not self.holiday(db, day):
                due.append((recipient, day))
        if not due:
            return []
        report = current_statuses(db, [project], self.now)[project.id]
        render, kind = RENDERERS[line.kind], line.kind.value
        sends = []
        for who, day in due:
            # The channel reads the project's language; a person their own.
            t = project_translator(self.runtime, project) if who == project.channel_id else self.t_for(who)
            text, blocks = render(report, t)
            sends.append(Notice.due(f"{kind}:{project.id}:{who}:{day.isoformat()}", kind, who, text, blocks))
        return sends


def run_reports(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, ReportPass)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("reports", lambda now: run_reports(runtime, now))
