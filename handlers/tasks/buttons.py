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
    key = task_key(project, task)
    return actions(
        button(t("updates.done_button"), action_id=DONE_ACTION, value=key, style="primary"),
        button(t("updates.update_button"), action_id=UPDATE_ACTION, value=key),
    )
