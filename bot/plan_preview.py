"""What an imported plan file will make, or why it can't be imported: the same lines for the
Slack form's preview and for `pmo-bot import`."""

from __future__ import annotations

from bot.i18n import Translator
from models.core.errors import Listed
from models.schedule.plan_checks import PlanRefusedError
from models.schedule.plan_csv import ReadPlan
from models.schedule.plan_import import Imported


def preview_lines(t: Translator, read: ReadPlan, imported: Imported) -> list[str]:
    source = t(f"import.source.{read.source}")
    lines = [
        t("import.preview.columns", source=source, columns=Listed(read.columns))
        if read.columns
        else t("import.preview.read", source=source),
        t(
            "import.preview.counts",
            tasks=t("import.count.tasks", count=imported.tasks),
            links=t("import.count.links", count=imported.links),
            milestones=t("import.count.milestones", count=imported.milestones),
        ),
        t("import.preview.owners", count=imported.owners),
    ]
    if imported.moved:
        lines.append(t("import.preview.moved", count=imported.moved))
    if imported.unmatched:
        lines.append(t("import.preview.unmatched", names=Listed(imported.unmatched)))
    if imported.off_team:
        lines.append(t("import.preview.off_team", names=Listed(imported.off_team)))
    return lines


def problem_lines(t: Translator, refused: PlanRefusedError) -> list[str]:
    """The refusal, then each problem by its row (a problem with the whole file has none)."""
    lines = [t(refused.key, **refused.params)]
    for found in refused.problems:
        problem = t(found.error.key, **found.error.params)
        lines.append(t("import.row", row=found.row, problem=problem) if found.row else problem)
    return lines
