"""What closing refuses, and says why: the wrong person, an undecided change, stale buttons and forms."""

from __future__ import annotations

from sqlalchemy import select, update

from models import AuditEntry, Project, Risk, Task
from models.core.enums import Acceptance, Disposition, Phase, RiskStatus, TaskStatus
from tests.support.closing_flows import (
    apollo,
    buttons,
    checklist_posts,
    click,
    clicked_open,
    has_dm_button,
    project,
    say,
    task,
    wait_until,
)
from tests.support.exports import read_csv
from tests.support.flows import field_errors, local_today, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL


def closing(bot: RunningBot) -> None:
    apollo(bot)
    say(bot, "close")
    wait_until(lambda: bool(checklist_posts(bot)))


def test_only_the_manager_or_an_administrator_closes(bot: RunningBot) -> None:
    apollo(bot)
    for user in (CAROL, BOB):
        answer = say(bot, "close", user=user)
        assert answer == (
            "Only the project's manager (<@U0001>) or a PMO administrator can close the project: "
            "nothing was changed."
        )
    assert project(bot).phase is Phase.INITIATION
    assert "started closing APL" in say(bot, "close", user=ADMIN)
    wait_until(lambda: bool(checklist_posts(bot)))
    assert project(bot).phase is Phase.CLOSING
    # Again: the one checklist post, pointed to, not another public copy of it.
    versions = checklist_posts(bot)
    posted = next(c for c in bot.fake.calls_to("chat.postMessage") if c.args in versions)
    answer = say(bot, "close")
    link = bot.fake.calls_to("chat.getPermalink")[-1]
    assert link.args["message_ts"] == posted.response["ts"]
    assert answer == (
        f"APL is closing already: its checklist is <{link.response['permalink']}|this post>,"
        " kept up to date as items are settled."
    )
    assert checklist_posts(bot) == versions
    assert "Only the project's manager" in click(bot, "closing_carry", "APL-3", user=CAROL)
    assert task(bot, 3).disposition is None


def test_only_the_sponsor_or_an_administrator_accepts(bot: RunningBot) -> None:
    closing(bot)
    for user in (ALICE, CAROL):
        assert clicked_open(bot, "deliverable_accept", "APL-1", user) is None
        refusal = bot.fake.calls_to("response_url")[-1].args["text"]
        assert refusal.startswith("Only the project's sponsor (<@U0002>) or a PMO administrator can accept")
    assert task(bot, 1).acceptance is Acceptance.PENDING
    view = clicked_open(bot, "deliverable_waive", "APL-1", ADMIN)
    assert view is not None
    assert "note" in field_errors(submit(bot, view, {"note": None}, user=ADMIN))  # a waiver says why
    assert field_errors(submit(bot, view, {"note": "Replaced by the vendor's API"}, user=ADMIN)) == {}
    assert (task(bot, 1).acceptance, task(bot, 1).accepted_by) == (Acceptance.WAIVED, ADMIN)
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "deliverable.waive")).one()
    assert entry.after == {"acceptance": "waived", "as_admin": True}


def test_the_project_cannot_close_while_a_change_is_undecided(bot: RunningBot) -> None:
    closing(bot)
    for key in ("APL-3", "APL-4", "APL-5", "APL-I1", "APL-I2"):
        click(bot, "closing_carry", key)
    assert "cancelled" in click(bot, "closing_cancel", "APL-R2")
    with bot.database.system_session(write=False) as db:
        risk = db.scalars(select(Risk).where(Risk.number == 2)).one()
    assert (risk.status, risk.disposition) == (RiskStatus.CLOSED, Disposition.CANCELLED)
    assert risk.closed_at is not None
    view = clicked_open(bot, "deliverable_accept", "APL-1", BOB)
    assert view is not None and field_errors(submit(bot, view, {"note": None}, user=BOB)) == {}
    # The sponsor, not only an administrator, may waive a deliverable, saying why.
    view = clicked_open(bot, "deliverable_waive", "APL-2", BOB)
    assert (
        view is not None
        and field_errors(submit(bot, view, {"note": "Docs live in the wiki"}, user=BOB)) == {}
    )
    assert (task(bot, 2).acceptance, task(bot, 2).accepted_by) == (Acceptance.WAIVED, BOB)
    assert task(bot, 2).acceptance_note == "Docs live in the wiki"
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "deliverable.waive")).one()
    assert entry.after == {"acceptance": "waived", "as_admin": False}
    blocks = str(bot.slack.command("phase closed").json()["blocks"])
    assert "a decision on every change request (1 waiting)" in blocks
    assert "accepted or waived" not in blocks and "still open" not in blocks
    assert project(bot).phase is Phase.CLOSING
    view = clicked_open(bot, "change_reject", "APL-C1", ALICE)
    assert view is not None and field_errors(submit(bot, view, {"note": "Not now"})) == {}
    wait_until(lambda: "Nothing is left open" in checklist_posts(bot)[-1]["text"])
    assert "moved APL to closed" in say(bot, "phase closed")
    assert project(bot).phase is Phase.CLOSED
    bot.fake.wait_for("files.completeUploadExternal", timeout=60)
    check_export_of_a_closed_project(bot)


def check_export_of_a_closed_project(bot: RunningBot) -> None:
    """A closed project still exports its records, as they were when it closed."""
    uploads = len(bot.fake.calls_to("files.completeUploadExternal"))
    assert "2 CSV files" in say(bot, "export tasks risks")
    complete = bot.fake.wait_for("files.completeUploadExternal", uploads + 1, timeout=30)[-1]
    assert [item["title"] for item in complete.args["files"]] == ["APL tasks", "APL risks"]
    day = local_today().isoformat()
    tasks = read_csv(bot.fake.uploaded_bytes(f"APL-tasks-{day}.csv"))
    assert [(t["key"], t["acceptance"]) for t in tasks[:2]] == [("APL-1", "accepted"), ("APL-2", "waived")]
    risks = read_csv(bot.fake.uploaded_bytes(f"APL-risks-{day}.csv"))
    assert [(r["key"], r["status"]) for r in risks] == [("APL-R1", "occurred"), ("APL-R2", "closed")]


def test_stale_buttons_and_forms_change_nothing(bot: RunningBot) -> None:
    closing(bot)
    assert "There is no task APL-99 in this project." in click(bot, "closing_finish", "APL-99")
    assert "`garbage` is not an item of a project's checklist." in click(bot, "closing_finish", "garbage")
    assert "There is no project `ZZZ`" in click(bot, "closing_carry", "ZZZ-1")
    # The sponsor opens Accept twice (a double click); the second form finds it decided already.
    first = clicked_open(bot, "deliverable_accept", "APL-1", BOB)
    second = clicked_open(bot, "deliverable_accept", "APL-1", BOB)
    assert first is not None and second is not None
    assert field_errors(submit(bot, first, {"note": "Good"}, user=BOB)) == {}
    assert field_errors(submit(bot, second, {"note": "Twice"}, user=BOB)) == {
        "note": "APL-1 was already accepted by <@U0002>: nothing was changed."
    }
    assert task(bot, 1).acceptance_note == "Good"
    assert clicked_open(bot, "deliverable_send_back", "APL-1", BOB) is None
    # A settled item's buttons, clicked from an old copy of the checklist, are refused.
    click(bot, "closing_cancel", "APL-5")
    assert click(bot, "closing_finish", "APL-5") == "APL-5 is already settled: nothing was changed."
    assert (task(bot, 5).status, task(bot, 5).disposition) == (TaskStatus.CANCELLED, Disposition.CANCELLED)
    # The lessons button of a project that no longer exists.
    bot.slack.block_action("lessons_answer", value="424242", user=CAROL)
    assert "That project no longer exists" in bot.fake.calls_to("response_url")[-1].args["text"]
    bot.slack.block_action("lessons_answer", value="not-a-number", user=CAROL)
    assert "That button no longer works" in bot.fake.calls_to("response_url")[-1].args["text"]


def test_checklist_buttons_wait_for_the_closing_phase(bot: RunningBot) -> None:
    apollo(bot)
    assert "APL is not closing: `/pmo close` starts closing it first." in click(bot, "closing_carry", "APL-3")
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Task).where(Task.number == 3)).one().disposition is None
    # Outsiders may not give lessons (the form is refused before it opens).
    bot.slack.block_action("lessons_answer", value=str(project(bot).id), user=ADMIN.replace("9", "8"))
    assert "Only people on the project" in bot.fake.calls_to("response_url")[-1].args["text"]


def test_moving_to_closing_by_phase_starts_the_same_flow(bot: RunningBot) -> None:
    apollo(bot)
    with bot.database.system_session() as db:
        db.execute(update(Project).values(phase=Phase.EXECUTION))
    answer = say(bot, "phase closing")
    assert "moved APL to closing" in answer and "The closing checklist follows" in answer
    wait_until(lambda: bool(checklist_posts(bot)))
    wait_until(lambda: has_dm_button(bot, CAROL, "lessons_answer"))
    assert ("closing_carry", "APL-3") in buttons(checklist_posts(bot)[0])
