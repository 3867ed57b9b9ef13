"""`pmo-bot import`: a plan file (Microsoft Project XML, or Jira, Asana or Microsoft Project CSV)
into a project, previewed, saved with `--yes`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from sqlalchemy import select

from bot.i18n import Translator
from bot.plan_preview import preview_lines, problem_lines
from models.core.access import Actor
from models.core.database import Database
from models.core.errors import DomainError
from models.projects.tables import Project
from models.schedule.mspdi import PlanFile
from models.schedule.plan_checks import PlanRefusedError
from models.schedule.plan_import import import_plan
from models.schedule.plan_owners import directory_owner
from models.schedule.plan_reading import read_plan

EXIT_REFUSED = 1
Emails = Callable[[PlanFile], Mapping[str, str]]


def add_import_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    command = commands.add_parser("import", help="import a plan file into a project")
    command.add_argument(
        "file",
        type=Path,
        help="the plan: Microsoft Project XML, or a Jira, Asana or Microsoft Project CSV export",
    )
    command.add_argument("--project", required=True, metavar="KEY", help="the project's key, like APL")
    command.add_argument("--team", required=True, metavar="T", help="the Slack workspace's team id")
    command.add_argument(
        "--as", dest="actor", required=True, metavar="USER", help="the Slack user id the audit trail names"
    )
    command.add_argument("--yes", action="store_true", help="save the plan (without it: only the preview)")
    return command


def refused(lines: list[str]) -> int:
    print("\n".join(f"pmo-bot: {line}" for line in lines), file=sys.stderr)
    return EXIT_REFUSED


def run_import(database: Database, args: argparse.Namespace, emails: Emails = lambda plan: {}) -> int:
    """`emails`: the plan's addresses, case folded, to the user ids Slack gives for them."""
    t = Translator().literal()
    try:
        read = read_plan(args.file.read_bytes())
    except OSError as error:
        return refused([f"{args.file}: {error.strerror}"])
    except PlanRefusedError as error:
        return refused(problem_lines(t, error))
    with database.session(args.team) as db:
        project = db.scalars(select(Project).where(Project.key == args.project.upper())).one_or_none()
        if project is None:
            return refused([f"no project {args.project} in {args.team}"])
        try:
            imported = import_plan(
                db=db,
                actor=Actor(args.actor),
                project=project,
                plan=read.plan,
                owner=directory_owner(db, emails(read.plan)),
                unread=read.problems,
            )
        except PlanRefusedError as error:
            db.rollback()
            return refused(problem_lines(t, error))
        except DomainError as error:
            db.rollback()
            return refused([t(error.key, **error.params)])
        if not args.yes:
            db.rollback()
        key = project.key
    print("\n".join(preview_lines(t, read, imported)))
    print(t("import.saved", key=key) if args.yes else t("import.not_saved"))
    return 0
