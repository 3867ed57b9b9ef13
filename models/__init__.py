"""The PMO domain: tables, the rules that belong to them and the operations on them.

Knows nothing about Slack: the same functions serve a slash command, a button, a scheduled
job and the console.
"""

from models.base import Base
from models.change import ChangeDecision, ChangeRequest, ChangeTarget
from models.closing import Document, Lesson
from models.comms import CommPlanLine
from models.issue import Issue
from models.meeting import Decision, Meeting, StandupReport
from models.project import BudgetLine, CostEntry, Member, Project
from models.quality import AcceptanceCriterion, QualityResult, QualityReview
from models.records import AuditEntry, Delivery, HealthSnapshot, InboundEvent, PostedMessage
from models.risk import Risk, RiskAssessment
from models.work import Milestone, Task, TaskDependency
from models.workspace import Absence, Holiday, SlackUser, Workspace

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
    "PostedMessage",
    "Project",
    "QualityResult",
    "QualityReview",
    "Risk",
    "RiskAssessment",
    "SlackUser",
    "StandupReport",
    "Task",
    "TaskDependency",
    "Workspace",
]
