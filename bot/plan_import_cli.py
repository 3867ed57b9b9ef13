"""`pmo-bot import`: a Microsoft Project XML plan into a project, previewed, saved with `--yes`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select

from bot.i18n import Translator
from models.core.access import Actor
from models.core.database import Database
from models.core.errors import DomainError
from models.projects.tables import Project
from models.schedule.mspdi import FormatError, PlanResource, read
from models.schedule.plan_import import Imported, import_plan

EXIT_REFUSED = 1


def add_import_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    command = commands.add_parser("import", help="import a Microsoft Project XML plan into a project")
    command.add_argument("file", type=Path, help="the plan, as Microsoft Project XML")
    command.add_argument("--project", required=True, metavar="KEY", help="the project's key, like APL")
    command.add_argument("--team", required=True, metavar="T", help="the Slack workspace's team id")
    command.add_argument(
        "--as", dest="actor", required=True, metavar="USER", help="the Slack user id the audit trail names"
    )
    command.add_argument("--yes", action="store_true", help="save the plan (without it: only the preview)")
    return command


def by_user_id(resource: PlanResource) -> str | None:
    """Outside Slack there is no directory to look names up in: a resource named by its user id."""
    return resource.name if resource.name.startswith("U") and resource.name.isalnum() else None


def preview(imported: Imported, saved: bool) -> str:
    lines = [
        f"tasks: {imported.tasks}, links: {imported.links}, milestones: {imported.milestones}",
        *(f"unmatched owner: {name}" for name in imported.unmatched),
        "saved" if saved else "nothing saved: run again with --yes to save",
    ]
    return "\n".join(lines) + "\n"


def run_import(database: Database, args: argparse.Namespace) -> int:
    try:
        plan = read(args.file.read_bytes())
    except (OSError, FormatError) as error:
        print(f"pmo-bot: {args.file}: {error}", file=sys.stderr)
        return EXIT_REFUSED
    with database.session(args.team) as db:
        project = db.scalars(select(Project).where(Project.key == args.project.upper())).one_or_none()
        if project is None:
            print(f"pmo-bot: no project {args.project} in {args.team}", file=sys.stderr)
            return EXIT_REFUSED
        try:
            imported = import_plan(db, Actor(args.actor), project, plan, by_user_id)
        except DomainError as error:
            db.rollback()
            print(f"pmo-bot: {Translator().literal()(error.key, **error.params)}", file=sys.stderr)
            return EXIT_REFUSED
        if not args.yes:
            db.rollback()
    print(preview(imported, args.yes), end="")
    return 0
