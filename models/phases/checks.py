"""Named gate checks: what a template may ask of a project before it leaves a phase."""

from __future__ import annotations

from enum import StrEnum


class GateCheck(StrEnum):
    CHARTER_COMPLETE = "charter_complete"
    RISK_WITH_RESPONSE = "risk_with_response"
    TASKS_PLANNED = "tasks_planned"
    OWNERS_ASSIGNED = "owners_assigned"
    DUE_DATES_SET = "due_dates_set"
    MILESTONE_SET = "milestone_set"
    DELIVERABLES_HAVE_CRITERIA = "deliverables_have_criteria"
    BASELINE_SAVED = "baseline_saved"
    BUDGET_SPLIT = "budget_split"
    CLOSING_CHECKLIST = "closing_checklist"
