"""`pmo-bot`: serve over HTTP or Socket Mode, and look after the database."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot import redaction
from bot.app import Mode, PmoApp, create_app
from bot.console.run import ConsoleOptions, run_console
from bot.heap import freeze_start_up
from bot.i18n import Translator
from bot.plan_import_cli import add_import_parser, run_import
from bot.scheduler import PassOutcome, Ticker, run_passes
from bot.scopes import EVENTS_PATH
from bot.settings import Settings, SettingsError, load_settings
from bot.slack_client import check_token
from bot.socket_mode import socket_handler
from bot.web import make_server
from handlers.schedule.plan_people import emailed_people
from handlers.slack.installations import schema_metadata
from models.core.clock import utcnow
from models.core.database import Database
from models.core.deliveries import (
    ATTENTION_FOR,
    deliveries_needing_attention,
    expire_stale_claims,
    recent_deliveries,
    send_again,
)
from models.core.enums import DeliveryState
from models.core.errors import DomainError
from models.core.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    head_revision,
    make_revision,
    source_checkout,
    upgrade,
)
from models.core.pass_failures import recent_failures
from models.core.records import Delivery, PassFailure
from models.core.workspace import Workspace
from models.templates.file_format import TemplateFileError, read_template
from models.templates.library import builtin_templates, keep_template, saved_templates, template_source

log = logging.getLogger("pmo-bot")

EXIT_CONFIG = 2
EXIT_UNAVAILABLE = 1
# Who the audit names for what an operator did from the command line rather than from Slack.
OPERATOR = "pmo-bot"


class StartupError(Exception):
    """Something outside the settings that stops start-up (an unreachable database)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmo-bot", description="PMO bot: a project management office in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve Slack over HTTP at /slack/events (and /healthz)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.add_argument(
        "--no-scheduler", action="store_true", help="don't run the minute tick in this process"
    )
    serve.set_defaults(run=run_serve)

    socket = commands.add_parser("socket", help="connect to Slack over Socket Mode (needs SLACK_APP_TOKEN)")
    socket.add_argument(
        "--no-scheduler", action="store_true", help="don't run the minute tick in this process"
    )
    socket.set_defaults(run=run_socket)

    jobs = commands.add_parser("jobs", help="scheduled work: run a pass by hand, or see recent sends")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run = jobs_commands.add_parser("run", help="run passes once, as if the clock read --at")
    run.add_argument("names", nargs="+", metavar="PASS", help="which passes (e.g. reviews)")
    run.add_argument("--at", type=moment, help="ISO-8601 time with its offset (default: now)")
    run.set_defaults(run=run_jobs_now)
    status = jobs_commands.add_parser("status", help="failed, uncertain and recent sends; passes' failures")
    status.add_argument("--limit", type=int, default=30)
    status.set_defaults(run=run_jobs_status)
    resend = jobs_commands.add_parser(
        "resend", help="send a failed or uncertain send again (check Slack first: it may post twice)"
    )
    resend.add_argument("key", help="its key, as jobs status shows it")
    resend.set_defaults(run=run_jobs_resend)

    console = commands.add_parser(
        "console", help="try PMO bot in this terminal: the same app and database, with a pretend Slack"
    )
    console.add_argument("--demo", action="store_true", help="first load a small, realistic demo project")
    console.add_argument(
        "--files",
        type=Path,
        default=Path("pmo-files"),
        help="where files the bot posts are saved (./pmo-files)",
    )
    console.set_defaults(run=run_console_here)

    add_import_parser(commands).set_defaults(run=run_plan_import)

    db = commands.add_parser("db", help="the database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="migrate the schema to the newest version").set_defaults(
        run=run_db_upgrade
    )
    db_commands.add_parser("current", help="show the schema version").set_defaults(run=run_db_current)
    revision = db_commands.add_parser(
        "revision", help="(developers) autogenerate a migration from the models"
    )
    revision.add_argument("-m", "--message", required=True)
    revision.set_defaults(run=run_db_revision)
    add_template_commands(commands)
    return parser


def add_template_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    templates = commands.add_parser("templates", help="project templates: list, export, import TOML files")
    templates.add_argument("--team", help="the Slack workspace (team id); needed when there are several")
    actions = templates.add_subparsers(dest="templates_command", required=True, metavar="ACTION")
    actions.add_parser("list", help="the built-in templates and the workspace's own").set_defaults(
        run=run_templates_list
    )
    export = actions.add_parser("export", help="write a template to a TOML file")
    export.add_argument("name", help="the template's name, as templates list shows it")
    export.add_argument("file", type=Path, help="where to write it (- for standard output)")
    export.add_argument("--language", help="for a built-in template: en or zh-CN (default en)")
    export.set_defaults(run=run_templates_export)
    load = actions.add_parser("import", help="check a TOML template file and keep it in the workspace")
    load.add_argument("file", type=Path)
    load.add_argument("--replace", action="store_true", help="replace the workspace's template of that name")
    load.set_defaults(run=run_templates_import)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
        status: int = args.run(settings, args)
        return status
    except SettingsError as error:
        for line in error.lines:
            print(f"pmo-bot: {line}", file=sys.stderr)
        return EXIT_CONFIG
    except StartupError as error:
        print(f"pmo-bot: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.pmo_log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    # Alembic reports its dialect and DDL mode at INFO on every command, and APScheduler two
    # lines for every minute's tick: that is for debugging, and would bury what an operator needs.
    debugging = settings.pmo_log_level == "DEBUG"
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.DEBUG if debugging else logging.WARNING)
    redaction.install(settings)


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """The database, migrated to the newest schema; a clear sentence when it can't be reached."""
    database = Database(settings.database_url)
    try:
        if migrate:
            upgrade(database)
            database.ensure_statistics()
        elif not database.ping():
            raise SQLAlchemyError("no answer")
    except SQLAlchemyError as error:
        where = database.url.render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StartupError(f"cannot use the database at {where}: {reason}") from None
    return database


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    settings.require_http()
    app = create_app(settings, database=open_database(settings))
    check_token_in_background(settings)
    server = make_server(app, host=args.host, port=args.port, threads=args.threads)
    freeze_start_up()
    with while_serving(app, scheduler=not args.no_scheduler):
        # waitress's stubs leave out effective_port, which every server it makes sets.
        port = server.effective_port  # type: ignore[union-attr]
        log.info("serving Slack at http://%s:%s%s", args.host, port, EVENTS_PATH)
        stop_on_sigterm(server.close)
        with suppress(KeyboardInterrupt):
            server.run()
    return 0


def check_token_in_background(settings: Settings) -> None:
    """One auth.test at start, off the start-up path: an offline start stays an offline start."""
    if settings.slack_bot_token is not None and not settings.uses_oauth:
        token = settings.slack_bot_token.get_secret_value()
        threading.Thread(target=check_token, args=(settings, token), name="token-check", daemon=True).start()


def run_socket(settings: Settings, args: argparse.Namespace) -> int:
    settings.require_socket()
    app = create_app(settings, database=open_database(settings), mode=Mode.SOCKET)
    token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    handler = socket_handler(app, token)
    freeze_start_up()
    with while_serving(app, scheduler=not args.no_scheduler):
        stop_on_sigterm(handler.close)
        try:
            handler.start()
        except KeyboardInterrupt:
            handler.close()
    return 0


def moment(text: str) -> datetime:
    """An ISO-8601 time with its offset; a time without one is ambiguous, so it is refused."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time, like 2026-12-01T09:30+08:00"
        ) from None
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no offset: add one, like +00:00 or Z")
    return when.astimezone(UTC)


def run_jobs_now(settings: Settings, args: argparse.Namespace) -> int:
    settings.require_web_api()
    app = create_app(settings, database=open_database(settings))
    unknown = sorted(set(args.names) - set(app.runtime.jobs))
    if unknown:
        print(
            f"pmo-bot: no pass named {', '.join(unknown)}; the passes are {', '.join(app.runtime.jobs)}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    at = args.at or utcnow()
    outcome = run_passes(app.runtime, at, args.names)
    print(passes_report(outcome, at), end="")
    return 0 if all(result.ok for result in outcome.values()) else 1


def passes_report(outcome: dict[str, PassOutcome], at: datetime) -> str:
    """What `jobs run` prints: each pass's outcome, then what it failed to do, one line each."""
    lines: list[str] = []
    for name, result in outcome.items():
        lines.append(f"{name}: {result} (as of {at.isoformat()})\n")
        # The rest of the pass was done; these were not (and are kept for `jobs status`).
        lines.extend(f"  failed for {failure}\n" for failure in result.failures)
    return "".join(lines)


def run_jobs_status(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    now = utcnow()
    with database.system_session() as db:
        expire_stale_claims(db, now=now)
        attention = deliveries_needing_attention(db, now=now, limit=args.limit)
        recent = recent_deliveries(db, limit=args.limit)
        if attention:
            print(f"Failed or uncertain in the past {ATTENTION_FOR.days} days ({len(attention)}):")
            print("\n".join(delivery_line(delivery) for delivery in attention))
        else:
            print(f"Nothing failed or uncertain in the past {ATTENTION_FOR.days} days.")
        print(f"Most recent sends ({len(recent)}):")
        print("\n".join(delivery_line(delivery) for delivery in recent))
        print_pass_failures(recent_failures(db, since=now - ATTENTION_FOR))
    return 0


def print_pass_failures(by_pass: dict[str, list[PassFailure]]) -> None:
    """The projects each pass could not serve lately, newest first: the rest of those passes went out."""
    if not by_pass:
        print(f"No pass failed for any project in the past {ATTENTION_FOR.days} days.")
        return
    print(f"Pass failures in the past {ATTENTION_FOR.days} days (the other projects were served):")
    for pass_name, failures in sorted(by_pass.items()):
        print(f"  {pass_name}:")
        print("\n".join(pass_failure_line(failure) for failure in failures))


def pass_failure_line(failure: PassFailure) -> str:
    times = f" ({failure.times} times)" if failure.times > 1 else ""
    return f"    {failure.failed_at:%Y-%m-%d %H:%M} {failure.subject}{times} · {failure.error}"


def run_jobs_resend(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    now = utcnow()
    with database.system_session() as db:
        expire_stale_claims(db, now=now)
        released = send_again(db, key=args.key, now=now)
    if not released:
        print(f"pmo-bot: no failed or uncertain send with the key {args.key}", file=sys.stderr)
        return EXIT_CONFIG
    print(f"{args.key} will be sent by the next pass that finds it due")
    return 0


def delivery_line(delivery: Delivery) -> str:
    """One send as an operator reads it: when, state, key, attempts, what happens next, the error."""
    retry = ""
    if delivery.state is DeliveryState.FAILED:
        at = delivery.next_attempt_at
        retry = f", next try {at:%Y-%m-%d %H:%M} UTC" if at else ", no more tries"
    error = f" · {delivery.last_error}" if delivery.last_error else ""
    when = f"{delivery.created_at:%Y-%m-%d %H:%M}"
    return f"  {when} {delivery.state.value:9} {delivery.key} (attempts {delivery.attempts}{retry}){error}"


def run_console_here(settings: Settings, args: argparse.Namespace) -> int:
    if "pmo_log_level" not in settings.model_fields_set:
        # Log lines would break up the transcript; warnings and errors still reach stderr.
        logging.getLogger().setLevel(logging.WARNING)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    options = ConsoleOptions(
        demo=args.demo, files_dir=args.files, stdin=sys.stdin, stdout=sys.stdout, interactive=interactive
    )
    return run_console(settings, open_database(settings), options)


def run_plan_import(settings: Settings, args: argparse.Namespace) -> int:
    app = create_app(settings, database=open_database(settings))
    try:
        client = app.runtime.client_for(args.team)
    except LookupError as error:
        # Matching by email is a help beside the names, not a reason to refuse the import.
        log.warning("people in the plan are matched by name only: %s", error)
        return run_import(app.runtime.database, args)
    return run_import(app.runtime.database, args, partial(emailed_people, client))


def run_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    where = database.url.render_as_string(hide_password=True)
    print(f"database at {where} is at version {current_revision(database)}")
    return 0


def run_db_current(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings, migrate=False)
    current, head = current_revision(database), head_revision()
    print(
        f"current {current or 'none'}, newest {head}"
        + ("" if current == head else " (run: pmo-bot db upgrade)")
    )
    return 0


def run_db_revision(settings: Settings, args: argparse.Namespace) -> int:
    if source_checkout() is None:
        print(
            f"pmo-bot: db revision writes into a source checkout, and this pmo-bot is installed at "
            f"{MIGRATIONS_DIR.parent.parent}: run it from a checkout installed with pip install -e '.[test]'",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    written = make_revision(open_database(settings), args.message, metadata=schema_metadata())
    if written is None:
        print("pmo-bot: the models match the newest migration: nothing to write", file=sys.stderr)
        return 1
    return 0  # Alembic has said where it wrote it


def workspace_of(database: Database, given: str | None) -> str:
    """The workspace a command is for: the one named, or the only one there is."""
    with database.system_session(write=False) as db:
        teams = list(db.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))
    if given is not None and given in teams:
        return given
    if given is None and len(teams) == 1:
        return teams[0]
    if not teams:
        raise StartupError("no workspace yet: install the app in a workspace first")
    wanted = f"no workspace {given}" if given else "several workspaces"
    raise StartupError(f"{wanted}: name one with --team (workspaces: {', '.join(teams)})")


def run_templates_list(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    with database.session(workspace_of(database, args.team), write=False) as db:
        for (language, name), template in sorted(builtin_templates().items()):
            print(f"{name:24} built-in  {language:6} {template.title}")
        for saved in saved_templates(db):
            print(f"{saved.name:24} saved     {saved.language:6} {saved.title}")
    return 0


def run_templates_export(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    with database.session(workspace_of(database, args.team), write=False) as db:
        try:
            source = template_source(db, args.name, args.language)
        except DomainError as error:
            print(f"pmo-bot: {operator_text(error)}", file=sys.stderr)
            return EXIT_CONFIG
    if str(args.file) == "-":
        sys.stdout.write(source)
    else:
        args.file.write_text(source, encoding="utf-8")
        print(f"{args.name} written to {args.file}")
    return 0


def run_templates_import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        source = args.file.read_text(encoding="utf-8")
        template = read_template(source)
    except (OSError, UnicodeDecodeError) as error:
        print(f"pmo-bot: cannot read {args.file}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except TemplateFileError as error:
        print(f"pmo-bot: {args.file} is not a template file PMO bot can use:", file=sys.stderr)
        print("\n".join(f"  {args.file}, {problem}" for problem in error.problems), file=sys.stderr)
        return EXIT_CONFIG
    database = open_database(settings)
    try:
        with database.session(workspace_of(database, args.team)) as db:
            keep_template(db, template, source=source, by=OPERATOR, replace=args.replace)
    except DomainError as error:
        print(f"pmo-bot: {operator_text(error)}", file=sys.stderr)
        return EXIT_CONFIG
    print(
        f"{template.name} ({template.title}) kept: {len(template.tasks)} tasks, {len(template.risks)} risks"
    )
    return 0


def operator_text(error: DomainError) -> str:
    """A domain refusal as the operator reads it: in English, as plain text."""
    return Translator(escaping=False)(error.key, **error.params)


# How long a stopping process waits for notifications still being sent. The server first
# waits up to 5 s for the requests under way, and containers allow 10 s in all.
EXIT_GRACE_S = 3.0


@contextmanager
def while_serving(app: PmoApp, *, scheduler: bool) -> Iterator[None]:
    """The minute tick while serving (unless turned off); at the end, the work after answers wound down."""
    try:
        with Ticker(app.runtime) if scheduler else nullcontext():
            yield
    finally:
        app.runtime.stop(EXIT_GRACE_S)


def stop_on_sigterm(stop: Callable[[], None]) -> None:
    """Containers stop processes with SIGTERM; treat it like Ctrl-C."""

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
