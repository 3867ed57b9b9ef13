"""`pmo-bot console`: scripts of typed lines through the real app, checked by what they print.

The console runs the app's own Bolt dispatch against the fake Slack, so these are end-to-end runs:
signed requests, listeners, the database (SQLite and PostgreSQL), scheduled passes and uploads.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console import demo
from bot.console.run import ConsoleOptions, ConsoleTicker, console_session, run_console
from bot.console.terminal import Terminal
from bot.settings import Settings
from models import ChangeRequest, Project, Risk, Task
from models.core.clock import CLOCK
from models.core.database import Database
from models.core.enums import ChangeStatus, TaskStatus
from tests.support.databases import SQLITE_ONLY
from tests.support.processes import clean_env, pmo_bot

# A charter asked field by field (no template: the first field left blank), with a currency the
# app refuses and the retyped one; a task whose date is read on the console's clock; a risk from
# its form; then Monday 09:00 in Shanghai (Alice's time zone, so the project's), when the weekly
# digest goes out.
SCRIPT = """\
:time 2026-12-01 10:00
/pmo new

Apollo
APL
Put the new billing system live
Billing, invoicing
Payroll
@pat

2026-12-01
2027-03-31
120,000
xx
:submit
EUR
/pmo team add @carol member 50% frontend
/pmo task add Invoice screens @carol due friday est 16
/pmo risk
Vendor certification slips
The bank certifies payment providers quarterly
technical
4
5
@carol
2
:submit
:time 2026-12-07 09:00
:quit
"""


# A line typed after reading the screen so far, as a person reads a button's number before `click`.
Line = str | Callable[[str], str]


class Typist(io.StringIO):
    """Standard input that types each line only when the console asks for it."""

    def __init__(self, lines: list[Line], screen: io.StringIO) -> None:
        super().__init__()
        self.lines, self.screen = list(lines), screen

    def readline(self, size: int | None = -1) -> str:
        if not self.lines:
            return ""
        line = self.lines.pop(0)
        return (line if isinstance(line, str) else line(self.screen.getvalue())) + "\n"


def run_script(database_url: str, tmp_path: Path, script: str | list[Line], *, demo: bool = False) -> str:
    """Run the console in this process on `script`; what it printed."""
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    database = Database(database_url)
    out = io.StringIO()
    stdin = io.StringIO(script) if isinstance(script, str) else Typist(script, out)
    options = ConsoleOptions(
        demo=demo, files_dir=tmp_path / "files", stdin=stdin, stdout=out, interactive=False
    )
    try:
        assert run_console(settings, database, options) == 0
    finally:
        database.dispose()
    assert not CLOCK.travelled, "the console puts the clock back when it ends"
    return out.getvalue()


def assert_nothing_refused(output: str) -> None:
    """No call Slack would refuse, no failed request, no failed pass: the console warns of each."""
    for warning in ("Slack would refuse", "The app answered HTTP", "scheduled passes failed", "could not"):
        assert warning not in output, output


def section_after(output: str, marker: str) -> str:
    """The lines from `marker` to the next prompt."""
    start = output.index(marker)
    end = output.find("> ", start + len(marker))
    return output[start : end if end != -1 else None]


def assert_the_scripted_session(output: str) -> None:
    assert_nothing_refused(output)
    # The form asked field by field, echoing each answer after its label.
    assert "── Form: New project charter ──" in output
    assert "Project name*: Apollo" in output
    assert "Project manager [@alice]: " in output
    # The refused currency comes back beside its field; the rest was kept.
    assert "  ✗ Currency: `XX` is not a currency code I know" in output
    assert "Currency* [xx]: EUR" in output
    charter = section_after(output, "== APL · Apollo — charter ==")
    assert "*Goal:* Put the new billing system live" in charter
    assert "*Sponsor:* @pat · *Manager:* @alice" in charter
    assert "120,000.00 EUR" in charter
    # "friday" read on the console's clock (Tue 2026-12-01), not the machine's.
    assert "Added *APL-1* Invoice screens · owner @carol" in output
    assert "due Fri 2026-12-04" in output
    assert "Raised *APL-R1* Vendor certification slips · score 20" in output
    assert "⏱ The clock now reads Mon 2026-12-07 09:00 (Asia/Shanghai)" in output
    digest = section_after(output, "== 📰 APL · Apollo — week 2026-W50 ==")
    assert "*Health*" in digest
    assert "*APL-R1* Vendor certification slips" in digest


def test_a_script_makes_a_charter_a_task_and_a_risk_then_monday_brings_the_digest(
    database_url: str, tmp_path: Path
) -> None:
    output = run_script(database_url, tmp_path, SCRIPT)
    assert_the_scripted_session(output)
    database = Database(database_url)
    with database.system_session(write=False) as db:
        project = db.scalars(select(Project)).one()
        assert (project.key, project.currency, project.timezone) == ("APL", "EUR", "Asia/Shanghai")
        assert project.channel_id == "CAPOLLO"
        risk = db.scalars(select(Risk)).one()
        assert (risk.owner_id, risk.strategy.value) == ("UCAROL", "mitigate")
    database.dispose()


@SQLITE_ONLY
def test_the_same_script_piped_into_pmo_bot_console(database_url: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=database_url)
    done = subprocess.run(
        [*pmo_bot(), "console"],
        input=SCRIPT,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("PMO bot console:")
    assert_the_scripted_session(done.stdout)


@SQLITE_ONLY
def test_a_change_request_is_approved_by_clicking_in_the_sponsors_dm(
    database_url: str, tmp_path: Path
) -> None:
    before = SCRIPT.replace(":time 2026-12-07 09:00\n:quit\n", "").splitlines()
    request = ["/pmo change", "Add Apple Pay", "", "Customers asked for it", "5", "4000", ":submit"]
    # Alice asked, so the sponsor decides: Pat presses the Approve in his own DM (Alice gets none).
    decide = [button_number("Approve", after="── DM to @pat ──"), "Worth it for phones", ":submit", ":quit"]
    output = run_script(database_url, tmp_path, [*before, *request, *decide])
    assert_nothing_refused(output)
    assert "── DM to @pat ──" in output
    # Pat alone sees his DM, so its button is pressed as him, and the decision form opens.
    assert "(clicking as @pat, the only one who sees it)" in output
    assert "── Form: " in output.split("Customers asked for it", 1)[1]
    assert "(updated) ──" in output.split("Worth it for phones", 1)[1]
    database = Database(database_url)
    with database.system_session(write=False) as db:
        change = db.scalars(select(ChangeRequest)).one()
        assert change.status is ChangeStatus.APPROVED
    database.dispose()


def button_number(label: str, after: str) -> Callable[[str], str]:
    """`click N` for the first button so labelled after the latest `after` on screen, by its number."""

    def typed(screen: str) -> str:
        found = re.search(rf"\[(\d+)\] {re.escape(label)}\b", screen[screen.rindex(after) :])
        assert found, screen
        return f"click {found[1]}"

    return typed


def next_monday_after_a_week() -> date:
    """The first Monday a week or more after the demo's today: its risk review and change are due."""
    later = demo.demo_start() + timedelta(days=demo.STARTED_DAYS_AGO + 8)
    return later + timedelta(days=-later.weekday() % 7)


def assert_the_console_commands(output: str) -> None:
    help_text = section_after(output, "Type a slash command as in Slack")
    for command in (
        "click 2 (or click Approve)",
        ":as @bob",
        ":in #apollo",
        ":time 2026-12-07 09:00",
        ":home",
    ):
        assert command in help_text, command
    assert "standups, reminders, reviews and digests fire" in help_text
    # In a channel without a project the same command says so, and lists the projects instead.
    elsewhere = section_after(output, "── #random")
    assert "── #random · only @alice sees this ──" in elsewhere
    assert "This channel has no project" in elsewhere and "*APL* Apollo · #apollo" in elsewhere
    assert "alice@#apollo> /pmo plan\n── #apollo · only @alice sees this ──" in output


def assert_the_demo_plan_charter_and_team(output: str, start: date) -> None:
    plan = section_after(output, "== APL · Apollo — plan ==")
    assert "*APL-5* Invoice screens · @carol" in plan
    assert f"◆ *APL-M1* Beta · due {start + timedelta(days=45):%a %Y-%m-%d} · deliverable" in plan
    assert f"◆ *APL-M2* Launch · due {start + timedelta(days=84):%a %Y-%m-%d} · deliverable" in plan
    charter = section_after(output, "== APL · Apollo — charter ==")
    assert "*Goal:* Customers pay invoices online by card and bank transfer" in charter
    assert "*Sponsor:* @pat · *Manager:* @alice" in charter
    assert "*Budget:* 120,000.00 USD" in charter and "*Time zone:* Asia/Shanghai" in charter
    team = section_after(output, "== APL · Apollo — team ==")
    for line in ("@alice · manager", "@pat · sponsor", "@bob · member", "@carol · member"):
        assert line in team, line


def assert_monday_morning_in_three_time_zones(output: str, monday: date) -> None:
    """Each pass fires at its hour where its people are: 09:45 in Shanghai, Madrid, New York."""
    standup = f"☀️ Standup for *APL* Apollo, {monday:%a %Y-%m-%d}"
    shanghai = section_after(output, f"reads {monday:%a %Y-%m-%d} 09:45 (Asia/Shanghai)")
    assert f"── DM to @alice ──\n  {standup}" in shanghai
    assert shanghai.count(standup) == 1, "Bob and Carol are asleep: their standups wait"
    assert "*APL-5* Invoice screens · @carol" in shanghai  # the manager's summary of late work
    assert "── DM to @bob ──\n  Time to review this risk:" in shanghai
    assert "⏳ Change request *APL-C1* Add Apple Pay to the checkout" in shanghai
    assert "== 📰 APL · Apollo — week " in shanghai
    assert "⏰ You have" not in shanghai
    madrid = section_after(output, f"reads {monday:%a %Y-%m-%d} 09:45 (Europe/Madrid)")
    assert "── DM to @carol ──\n  ⏰ You have 1 overdue item:\n  *APL-5* Invoice screens" in madrid
    assert f"── DM to @carol ──\n  {standup}" in madrid and madrid.count(standup) == 1
    new_york = section_after(output, f"reads {monday:%a %Y-%m-%d} 09:45 (America/New_York)")
    assert f"── DM to @bob ──\n  {standup}" in new_york and new_york.count(standup) == 1


@SQLITE_ONLY
def test_the_demo_shows_every_part_of_a_running_project(database_url: str, tmp_path: Path) -> None:
    start, monday = demo.demo_start(), next_monday_after_a_week()
    script: list[Line] = [
        "/pmo status",
        "/pmo gantt",
        ":home",
        "click Done",
        ":as @carol",
        "/pmo tasks overdue",
        ":as @wei",
        "/pmo status",
        ":as @alice",
        ":help",
        ":in #random",
        "/pmo status",
        ":in #apollo",
        "/pmo plan",
        "/pmo charter",
        "/pmo team",
        f":time {monday} 09:45",
        ":as @carol",
        f":time {monday} 09:45",
        # Carol reads the number beside Done in her reminder and types it.
        button_number("Done", after="⏰ You have 1 overdue item"),
        ":as @bob",
        f":time {monday} 09:45",
        ":quit",
    ]
    output = run_script(database_url, tmp_path, script, demo=True)
    assert_nothing_refused(output)
    assert "Loaded the demo project Apollo (APL) in #apollo" in output
    status = section_after(output, "APL · Apollo — ")
    for shown in (
        "*Phase* execution",
        "*Earned value*",
        "*APL-5* Invoice screens · @carol",  # the late task
        "*APL-R1* Payment provider certification slips · 20",
        "*Change requests waiting for a decision* 1",
        "*Open issues* 1",
        "spent 35,500.00 USD of 120,000.00 USD",
    ):
        assert shown in status, shown
    gantt = section_after(output, "── #apollo · a file ──")
    path = Path(gantt.split("📎 ", 1)[1].splitlines()[0])
    assert path.read_bytes().startswith(b"\x89PNG")
    home = section_after(output, "── Home of @alice ──")
    assert "*APL-C1* Add Apple Pay to the checkout" in home
    assert "*APL-8* Go-live runbook" in home
    # Done on the Home tab: the tab comes back without the task.
    refreshed = section_after(output, "click Done")
    assert "── Home of @alice ──" in refreshed
    assert "APL-8" not in refreshed and "No open tasks" in refreshed
    assert "*APL-5* Invoice screens" in section_after(output, "/pmo tasks overdue")
    # Wei reads Slack in Chinese: the same project's status, to him, is in Chinese.
    as_wei = output[output.index("You are now @wei") : output.index("You are now @alice")]
    assert "*阶段* 执行" in as_wei and "*预算* 已花费 35,500.00 美元，总预算 120,000.00 美元" in as_wei
    assert_the_console_commands(output)
    assert_the_demo_plan_charter_and_team(output, start)
    assert_monday_morning_in_three_time_zones(output, monday)
    # Carol's click by number pressed Done in her own DM, as her: the app tells her the task is done.
    clicked = section_after(output, f"carol@#apollo {monday:%a %Y-%m-%d} 09:45> click ")
    assert "(clicking as" not in clicked
    assert "── DM to @carol ──\n  *APL-5* Invoice screens · done · 100%" in clicked
    with_demo = Database(database_url)
    with with_demo.system_session(write=False) as db:
        tasks = {task.number: task for task in db.scalars(select(Task))}
        assert len(tasks) == 8 and tasks[8].status is TaskStatus.DONE
        assert tasks[5].status is TaskStatus.DONE and tasks[6].status is TaskStatus.TODO
        assert db.scalars(select(ChangeRequest)).one().status is ChangeStatus.PENDING
    with_demo.dispose()


def test_a_second_demo_in_the_same_database_keeps_the_first(database_url: str, tmp_path: Path) -> None:
    run_script(database_url, tmp_path, ":quit\n", demo=True)
    output = run_script(database_url, tmp_path, ":quit\n", demo=True)
    assert "The demo project APL is already in this database" in output
    database = Database(database_url)
    with database.system_session(write=False) as db:
        assert len(db.scalars(select(Project)).all()) == 1
    database.dispose()


@SQLITE_ONLY
def test_wrong_lines_get_a_clear_answer_and_change_nothing(database_url: str, tmp_path: Path) -> None:
    script = (
        "hello\n:as @nobody\n:in #Bad Name\n:time whenever\nclick 7\nclick\n/deploy now\n"
        "/pmo task add Orphan\n/pmo new\n:cancel\n:quit\n"
    )
    output = run_script(database_url, tmp_path, script)
    assert "`hello` is not something I know" in output
    assert "Who to be? @alice (Alice Chen, Asia/Shanghai, English)" in output
    assert "@wei (李伟, Asia/Shanghai, 简体中文)" in output
    assert "`#Bad Name` is not a channel name" in output
    assert "`whenever` is not a time I can read" in output
    assert "No button `7` on screen" in output
    assert "Click what?" in output
    assert "/deploy is not a command here" in output
    assert "New project charter: closed without sending." in output
    database = Database(database_url)
    with database.system_session(write=False) as db:
        assert db.scalars(select(Project)).all() == []
        assert db.scalars(select(Task)).all() == []
    database.dispose()


@SQLITE_ONLY
def test_at_a_terminal_the_minute_tick_runs_the_passes_on_the_consoles_clock(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    database = Database(database_url)
    out = io.StringIO()
    terminal = Terminal(io.StringIO(), out, interactive=False)
    try:
        with console_session(settings, database, terminal, tmp_path) as session:
            CLOCK.travel_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
            session.command("/pmo new", answers={"name": "Apollo", "key": "APL", "start_date": "2026-12-01"})
            CLOCK.travel_to(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # Monday 09:00 in Shanghai
            assert "📰" not in out.getvalue()
            with ConsoleTicker(session) as ticker:
                assert ticker.scheduler.running
                ticker.tick()
            assert not ticker.scheduler.running
    finally:
        database.dispose()
    assert not CLOCK.travelled
    assert "📰 APL · Apollo — week 2026-W50: nothing to report" in out.getvalue()


@SQLITE_ONLY
def test_a_demo_step_the_app_refuses_says_so_and_leaves_the_console_usable(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = [demo.Step(0, "alice", "/pmo new", {"name": "Apollo", "key": "A"})]  # a key too short
    monkeypatch.setattr(demo, "demo_steps", lambda start: broken)
    output = run_script(database_url, tmp_path, "/pmo projects\n:quit\n", demo=True)
    assert "⚠ The demo could not be loaded: New project charter: {'key':" in output
    assert "alice@#apollo> /pmo projects" in output
