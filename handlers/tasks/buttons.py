"""The Done and Update buttons any message or Home tab shows beside a task."""

from __future__ import annotations

from bot.blocks import Block, actions, button
from bot.i18n import Translator
from models.projects.tables import Project
from models.tasks.breakdown import task_key
from models.tasks.tables import Task

DONE_ACTION = "task_done"
UPDATE_ACTION = "task_update"


def task_buttons(project: Project, task: Task, t: Translator) -> Block:
    return buttons_for(task_key(project, task), t)


def buttons_for(key: str, t: Translator) -> Block:
    """The buttons of the task `key` names (APL-12), for a list that read no task row."""
    return actions(
        button(t("updates.done_button"), action_id=DONE_ACTION, value=key, style="primary"),
        button(t("updates.update_button"), action_id=UPDATE_ACTION, value=key),
    )
