"""The `reports` pass: the communication plan's stakeholder report and status-meeting agenda.

Each follows its line of the plan (`/pmo comms`): on or off, its days and time, in the project's
or each person's time zone, posted to the channel or sent by DM to the people its audience
names ("sponsor, stakeholders", "team", @someone). The stakeholder report is the project's
status; the agenda lists what the status meeting should settle: decisions waiting, late and
overdue work, top risks and open issues. Each send is claimed in the delivery log, so it is
made once per line, recipient and local day, caught up within 8 hours if the bot was down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from models.projects.tables import Member, Project
from models.status.report import StatusReport
from models.status.snapshot import Snapshot, current_snapshots
from models.team.members import active_members_of

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


@dataclass(frozen=True)
class Due:
    """A line's message due to one recipient: the project's channel, or a person of its audience."""

    project: Project
    line: CommPlanLine
    to: str
    day: date


class ReportPass(ScheduledPass):
    """One pass over one workspace, as of `now`: each project's due reports, read for all at once."""

    name = "reports"

    def for_projects(self, db: Session, projects: Sequence[Project]) -> dict[int, list[Notice]]:
        due = self.due(db, projects)
        off = self.read_days_off(db, {send.to for send in due}, {send.day for send in due})
        due = [send for send in due if not off.is_holiday(send.day)]
        # Each project's status on its own day, the snapshot every other reader shares.
        snapshots = current_snapshots(
            db, list({send.project.id: send.project for send in due}.values()), self.now
        )
        sends: dict[int, list[Notice]] = defaultdict(list)
        for send in due:
            sends[send.project.id].append(self.message(send, snapshots[send.project.id]))
        return sends

    def due(self, db: Session, projects: Sequence[Project]) -> list[Due]:
        """Whose hour has come for each line's message, before anyone's holiday is known."""
        lines = enabled_lines_of(db, [project.id for project in projects], RENDERERS)
        planned = [(project, line) for project in projects for line in lines.get(project.id, [])]
        teams = active_members_of(db, [project.id for project, line in planned if line.channel is Channel.DM])
        audiences = [(project, line, self.recipients(project, line, teams)) for project, line in planned]
        # Each person's hour and language: everyone is looked up at once first.
        self.people.load({who for _, line, found in audiences if line.channel is Channel.DM for who in found})
        return [send for project, line, found in audiences for send in self.due_to(project, line, found)]

    @staticmethod
    def recipients(project: Project, line: CommPlanLine, teams: dict[int, list[Member]]) -> list[str]:
        """The channel once, or each person the line's audience names."""
        if line.channel is Channel.CHANNEL:
            return [project.channel_id]
        return audience_people(project, teams.get(project.id, []), read_words(line.audience))

    def due_to(self, project: Project, line: CommPlanLine, recipients: list[str]) -> list[Due]:
        recurrence = Recurrence.of(line, DAYTIME_WINDOW)
        due = []
        for recipient in recipients:
            tz = project.timezone
            if line.time_zone_of == "member" and line.channel is Channel.DM:
                tz = self.time_zone(recipient)
            if (day := recurrence.due_on(self.now, tz)) is not None:
                due.append(Due(project, line, recipient, day))
        return due

    def message(self, send: Due, snapshot: Snapshot) -> Notice:
        project, kind = send.project, send.line.kind
        # The channel reads the project's language; a person their own.
        in_channel = send.line.channel is Channel.CHANNEL
        t = project_translator(self.runtime, project) if in_channel else self.t_for(send.to)
        render = RENDERERS[kind]
        # Everyone who reads the report in one language reads the same message: written once.
        text, blocks = snapshot.rendered((render, t.language, t.escaping), lambda report: render(report, t))
        key = f"{kind.value}:{project.id}:{send.to}:{send.day.isoformat()}"
        return Notice.due(key, kind.value, send.to, text, blocks)


def run_reports(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, ReportPass)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("reports", lambda now: run_reports(runtime, now))
