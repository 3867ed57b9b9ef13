"""The PMO domain: tables, the rules that belong to them and the operations on them.

Knows nothing about Slack: the same functions serve a slash command, a button, a scheduled
job and the console.
"""

from models.calendar.tables import Absence, Holiday, ProjectHoliday
from models.changes.tables import ChangeDecision, ChangeRequest, ChangeTarget
from models.closing.tables import Lesson
from models.comms.tables import CommPlanLine
from models.core.base import Base
from models.core.records import AuditEntry, Delivery, HealthSnapshot, InboundEvent
from models.core.workspace import SlackUser, Workspace
from models.documents.tables import Document
from models.issues.tables import Issue
from models.meetings.tables import Decision, Meeting
from models.projects.tables import BudgetLine, CostEntry, Member, Project
from models.quality.tables import AcceptanceCriterion, QualityResult, QualityReview
from models.risks.tables import Risk, RiskAssessment
from models.standups.tables import StandupReport
from models.tasks.tables import Milestone, MilestoneLink, Task, TaskDependency
from models.templates.tables import ProjectTemplate
from models.trends.tables import TrendSnapshot

__all__ = [
    "Absence",
    "AcceptanceCriterion",
    "AuditEntry",
    "Base",
    "BudgetLine",
    "ChangeDecision",
    "ChangeRequest",
    "ChangeTarget",
    "CommPlanLine",
    "CostEntry",
    "Decision",
    "Delivery",
    "Document",
    "HealthSnapshot",
    "Holiday",
    "InboundEvent",
    "Issue",
    "Lesson",
    "Meeting",
    "Member",
    "Milestone",
    "MilestoneLink",
    "Project",
    "ProjectHoliday",
    "ProjectTemplate",
    "QualityResult",
    "QualityReview",
    "Risk",
    "RiskAssessment",
    "SlackUser",
    "StandupReport",
    "Task",
    "TaskDependency",
    "TrendSnapshot",
    "Workspace",
]
