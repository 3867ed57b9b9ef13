"""Gates from a project's template over real HTTP: `/pmo phase` says which checks pass and which
don't, a move is refused on the template's checks, and an administrator's override is audited
with the checks it waived. A project without a template keeps the built-in gates."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEntry, Project
from models.core.enums import Phase
from tests.support.charter import CHARTER, create
from tests.support.closing_flows import buttons, checklist_posts, click, wait_until
from tests.support.flows import field_errors, open_modal, say, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, CAROL


def phase_of(bot: RunningBot, key: str) -> Phase:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project.phase).where(Project.key == key)).one()


def test_a_templates_gates_say_which_checks_pass_and_an_override_records_the_rest(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    assert field_errors(submit(bot, view, {**CHARTER, "template": "builtin:en:software-release"})) == {}
    assert say(bot, "phase").splitlines()[1:] == [
        "The gate to planning, as the template *software-release* sets it, checks:",
        "✅ Charter complete",
        "✅ A risk with a response",
        "Ready for planning: `/pmo phase planning` moves it.",
    ]
    assert "moved APL to planning" in say(bot, "phase planning")

    assert say(bot, "phase").splitlines()[1:] == [
        "The gate to execution, as the template *software-release* sets it, checks:",
        "✅ Work broken down",
        "❌ Every task owned",
        "      • an owner for each task (8 without one)",
        "✅ A milestone set",
        "✅ Every deliverable with acceptance criteria",
        "❌ The budget split into lines",
        "      • the budget split into categories (`/pmo budget set`)",
        "❌ A baseline saved",
        "      • a baseline saved (`/pmo baseline save &lt;reason&gt;`)",
    ]
    assert "can't move to execution yet" in say(bot, "phase execution")
    assert phase_of(bot, "APL") is Phase.PLANNING

    say(bot, "baseline save agreed with the sponsor")
    assert "❌ A baseline saved" not in say(bot, "phase")
    moved = say(bot, "phase execution override owners are named at kick-off", user=ADMIN)
    assert "overriding its gate: owners are named at kick-off" in moved
    assert phase_of(bot, "APL") is Phase.EXECUTION
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "phase.override")).one()
    assert (entry.actor_id, entry.reason) == (ADMIN, "owners are named at kick-off")
    assert entry.after == {"phase": "execution", "failed": ["owners_assigned", "budget_split"]}


def test_a_project_without_a_template_keeps_the_built_in_gates(bot: RunningBot) -> None:
    create(bot, {"goal": None})
    assert say(bot, "phase").splitlines()[1:] == [
        "The gate to planning checks:",
        "❌ Charter complete",
        "      • a goal in the charter",
        "❌ A risk identified",
        "      • at least one identified risk (`/pmo risk`)",
    ]


def test_a_templates_closing_items_are_ticked_by_the_manager_and_hold_the_last_gate(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    assert field_errors(submit(bot, view, {**CHARTER, "template": "builtin:en:marketing-campaign"})) == {}
    for phase in ("planning", "execution"):
        assert f"moved APL to {phase}" in say(bot, f"phase {phase} override agreed with the PMO", user=ADMIN)
    assert "started closing APL" in say(bot, "close")
    wait_until(lambda: bool(checklist_posts(bot)))
    checklist = checklist_posts(bot)[0]
    assert "*The PMO's closing items (2)*" in str(checklist["blocks"])
    assert ("closing_item_done", "APL:item:2") in buttons(checklist)

    refused = click(bot, "closing_item_done", "APL:item:1", user=CAROL)
    assert "Only the project's manager" in refused
    assert click(bot, "closing_item_done", "APL:item:1") == (
        "✅ <@U0001> ticked the closing item: Assets archived in the brand library."
    )
    assert "ticked already, by <@U0001>" in click(bot, "closing_item_done", "APL:item:1")
    wait_until(lambda: "The PMO's closing items (1)" in str(checklist_posts(bot)[-1]["blocks"]))
    assert "every PMO closing item ticked (1 still open)" in str(
        bot.slack.command("phase closed").json()["blocks"]
    )
    with bot.database.system_session(write=False) as db:
        items = db.scalars(select(Project.closing_items)).one()
    assert [(item["text"], item["done_by"]) for item in items] == [
        ("Assets archived in the brand library", ALICE),
        ("Agency invoices settled", None),
    ]
