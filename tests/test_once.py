"""Once, however often it is sent: a form, a click or a command sent twice saves once.

A double click on Save, Slack sending a view_submission again, two presses of one button: each
reaches the app as a second request. The second changes nothing and is answered as the first
was; a submission refused by validation is no save, so the corrected one still goes through.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from bot import slack_payloads as payloads
from handlers.slack.once import KEEP_KEYS, prune_keys
from models import (
    AuditEntry,
    ChangeDecision,
    ChangeRequest,
    CostEntry,
    Issue,
    Lesson,
    Meeting,
    Project,
    Risk,
    StandupReport,
    Task,
)
from models.core.base import utcnow
from models.core.claims import claim
from models.core.records import HandledSubmission
from tests.support.changes import click, requested
from tests.support.charter import CHARTER, create
from tests.support.closing_flows import clicked_open, has_dm_button, lessons_form, wait_until
from tests.support.databases import SQLITE_ONLY
from tests.support.flows import CHANNEL, count_rows, field_errors, fill, open_modal
from tests.support.served import RunningBot
from tests.support.slackdriver import Reply, SlackDriver
from tests.support.workspace import ALICE, BOB, CAROL, SIGNING_SECRET, TEAM

JsonDict = dict[str, Any]


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def rows(bot: RunningBot, model: type, *where: Any) -> int:
    with bot.database.system_session(write=False) as db:
        return db.scalar(select(func.count()).select_from(model).where(*where))


def texts_to(bot: RunningBot, channel: str, method: str = "chat.postMessage") -> list[str]:
    return [call.args["text"] for call in bot.fake.calls_to(method) if call.args.get("channel") == channel]


# -- the forms


@dataclass(frozen=True)
class Form:
    """A modal as a person fills it: how it is opened, what is typed, and what its save stores."""

    name: str
    opened: Callable[[RunningBot], JsonDict]
    values: dict[str, str | None]
    saved: Callable[[RunningBot], int]
    user: str = ALICE
    # Whom the save tells by DM, and so must be told once.
    told: str | None = None

    def __str__(self) -> str:
        return self.name


def created_then(command: str, user: str = ALICE) -> Callable[[RunningBot], JsonDict]:
    def opened(bot: RunningBot) -> JsonDict:
        create(bot)
        say(bot, "team add <@U0003> member")
        return open_modal(bot, command, user=user)

    return opened


def decision_form(bot: RunningBot) -> JsonDict:
    requested(bot, {"title": "Add refunds", "schedule_days": "3"})
    view = click(bot, "change_approve", ALICE)
    assert view is not None
    return view


def acceptance_form(bot: RunningBot) -> JsonDict:
    """Bob, the sponsor, accepts the finished deliverable APL-1 with a note."""
    create(bot)
    say(bot, "task add Build")
    with bot.database.system_session() as db:
        db.execute(update(Task).values(is_deliverable=True))
    say(bot, "done APL-1")
    view = clicked_open(bot, "deliverable_accept", "APL-1", BOB)
    assert view is not None
    return view


def task_update_form(bot: RunningBot) -> JsonDict:
    create(bot)
    say(bot, "task add Build")
    view = clicked_open(bot, "task_update", "APL-1", ALICE)
    assert view is not None
    return view


def lessons_form_at_closing(bot: RunningBot) -> JsonDict:
    create(bot)
    assert "started closing APL" in say(bot, "close")
    wait_until(lambda: has_dm_button(bot, ALICE, "lessons_answer"))
    return lessons_form(bot, ALICE)


FORMS = [
    Form("charter", lambda bot: open_modal(bot, "new"), CHARTER, lambda bot: rows(bot, Project)),
    Form(
        "charter-edit",
        created_then("charter edit"),
        {"goal": "Bill every customer monthly"},
        lambda bot: rows(bot, AuditEntry, AuditEntry.action == "charter.edit"),
    ),
    Form("task", created_then("task"), {"title": "Write the docs"}, lambda bot: rows(bot, Task)),
    Form(
        "risk",
        created_then("risk"),
        {"title": "Vendor late", "probability": "3", "impact": "4"},
        lambda bot: rows(bot, Risk),
    ),
    Form("issue", created_then("issue"), {"title": "CI is flaky"}, lambda bot: rows(bot, Issue)),
    Form(
        "change",
        created_then("change", user=CAROL),
        {"title": "Add refunds", "schedule_days": "3"},
        lambda bot: rows(bot, ChangeRequest),
        user=CAROL,
    ),
    Form(
        "change-decision",
        decision_form,
        {"note": "Worth it"},
        lambda bot: rows(bot, ChangeDecision),
        told=CAROL,
    ),
    Form(
        "meeting",
        created_then("meeting"),
        {"decisions": "Ship the beta", "actions": "Book the launch room"},
        lambda bot: rows(bot, Meeting),
    ),
    Form("standup", created_then("standup"), {"today": "Reviews"}, lambda bot: rows(bot, StandupReport)),
    Form(
        "task-update",
        task_update_form,
        {"percent_complete": "40", "note": "Schema done"},
        lambda bot: rows(bot, AuditEntry, AuditEntry.action == "task.update"),
    ),
    Form(
        "acceptance",
        acceptance_form,
        {"note": "Meets every criterion"},
        lambda bot: rows(bot, AuditEntry, AuditEntry.action == "deliverable.accept"),
        user=BOB,
    ),
    Form(
        "lessons",
        lessons_form_at_closing,
        {"went_well": "Pairing on the API", "rating": "4"},
        lambda bot: rows(bot, Lesson),
    ),
]


def as_slack_keeps_it(view: JsonDict) -> JsonDict:
    """The view with the id Slack gave it when it opened: every submission of it carries that id."""
    return payloads.complete_view(view, TEAM)


def interaction_body(payload: JsonDict) -> str:
    return urlencode({"payload": json.dumps(payload)})


def resend(bot: RunningBot, body: str, times: int = 2) -> list[Reply]:
    """The same request sent again, as Slack does: signed anew, seconds apart (so no replay)."""
    now = int(time.time())
    return [bot.slack.post_raw(body, timestamp=now - sent) for sent in range(times)]


# The second copy finds the first's claim by the query the double click below also meets, on
# both databases, where the two saves race for it.
@SQLITE_ONLY
@pytest.mark.parametrize("form", FORMS, ids=str)
def test_a_form_sent_again_saves_once_and_is_answered_alike(bot: RunningBot, form: Form) -> None:
    view = as_slack_keeps_it(form.opened(bot))
    before = form.saved(bot)
    dms_before = len(texts_to(bot, form.told)) if form.told else 0
    payload = payloads.view_submission(view, fill(view, form.values), user=form.user, team=TEAM)

    first, second = resend(bot, interaction_body(payload))

    assert (first.status, second.status) == (200, 200)
    assert field_errors(first) == {}
    assert second.text == first.text
    assert form.saved(bot) == before + 1
    if form.told:
        told_to = form.told
        wait_for_more(lambda: len(texts_to(bot, told_to)), dms_before)
        assert len(texts_to(bot, told_to)) == dms_before + 1


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_a_double_click_on_save_saves_once_even_when_both_arrive_together(
    bot: RunningBot, form: Form
) -> None:
    view = as_slack_keeps_it(form.opened(bot))
    before = form.saved(bot)
    state = fill(view, form.values)
    # One driver (one HTTP connection) per click, as two clicks are two requests.
    drivers = [SlackDriver(bot.url, SIGNING_SECRET, fake=bot.fake, team_id=TEAM) for _ in range(2)]
    together = threading.Barrier(2)
    answers: list[Reply] = []

    def save(driver: SlackDriver) -> None:
        together.wait()
        answers.append(driver.view_submission(view, state, user=form.user))

    threads = [threading.Thread(target=save, args=(driver,)) for driver in drivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [answer.status for answer in answers] == [200, 200]
    assert answers[0].text == answers[1].text
    assert field_errors(answers[0]) == {}
    assert form.saved(bot) == before + 1


def test_a_refused_submission_claims_nothing_and_the_corrected_one_is_saved(bot: RunningBot) -> None:
    view = as_slack_keeps_it(created_then("risk")(bot))
    refused = payloads.view_submission(
        view, fill(view, {"title": "Vendor late", "review_date": "someday-ish"}), user=ALICE, team=TEAM
    )

    # Sent twice, the refusal is given twice: a refused save is no save, and claims nothing.
    first, second = resend(bot, interaction_body(refused))
    assert set(field_errors(first)) == {"review_date"}
    assert field_errors(second) == field_errors(first)
    assert rows(bot, Risk) == 0

    corrected = payloads.view_submission(
        view, fill(view, {"title": "Vendor late", "review_date": "2026-12-15"}), user=ALICE, team=TEAM
    )
    assert [field_errors(reply) for reply in resend(bot, interaction_body(corrected))] == [{}, {}]
    assert rows(bot, Risk) == 1


def test_a_refusal_by_the_domain_releases_the_claim_so_the_same_form_saves_later(bot: RunningBot) -> None:
    """The project key is taken; once the other project gives it up, the very same form goes through."""
    create(bot)
    view = as_slack_keeps_it(open_modal(bot, "new", channel="C0002"))
    payload = payloads.view_submission(view, fill(view, CHARTER), user=ALICE, team=TEAM)

    # A second earlier than the first send, however long the first took: never the same signature.
    first_sent = int(time.time())
    refused = bot.slack.post_raw(interaction_body(payload), timestamp=first_sent)
    assert "key" in field_errors(refused)
    with bot.database.system_session() as db:
        db.execute(update(Project).values(key="OLD"))

    saved = bot.slack.post_raw(interaction_body(payload), timestamp=first_sent - 1)
    assert field_errors(saved) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.channel_id).where(Project.key == "APL")).all() == ["C0002"]


# -- the buttons


@dataclass(frozen=True)
class Press:
    """A button that changes something: how its project gets there, and the value it carries."""

    action: str
    ready: Callable[[RunningBot], str]
    # Rows the press adds beside its audit entry, which must be added once.
    adds: tuple[type, ...] = field(default=())

    def __str__(self) -> str:
        return self.action


def with_task(bot: RunningBot) -> str:
    create(bot)
    say(bot, "task add Build due 2026-12-03")
    return "APL-1"


def with_risk(bot: RunningBot) -> str:
    create(bot, {"risk1_title": "Vendor late", "risk1_probability": "4", "risk1_impact": "5"})
    return "APL-R1"


def closing(bot: RunningBot) -> str:
    key = with_task(bot)
    answer = bot.slack.command("close").json()
    assert "started closing APL" in answer["text"], answer
    return key


PRESSES = [
    Press("task_done", with_task),
    Press("reminder_snooze", lambda bot: f"{with_task(bot)}:2026-12-04"),
    Press("risk_still_open", with_risk),
    Press("risk_occurred", with_risk, adds=(Issue,)),
    Press("risk_closed", with_risk),
    Press("closing_finish", closing),
    Press("closing_cancel", closing),
    Press("closing_carry", closing),
]


def told(bot: RunningBot) -> int:
    """What the app said back to a click, through its response URL."""
    return len(bot.fake.calls_to("response_url"))


@pytest.mark.parametrize("press", PRESSES, ids=str)
def test_a_button_pressed_twice_acts_once(bot: RunningBot, press: Press) -> None:
    value = press.ready(bot)
    audited, answered = rows(bot, AuditEntry), told(bot)
    # Both clicks land on the one message as it was shown: only the click's own time differs.
    button = {"type": "button", "action_id": press.action, "value": value}
    message = {"ts": bot.slack.new_ts(), "text": "", "blocks": [{"type": "actions", "elements": [button]}]}

    first = bot.slack.block_action(press.action, value=value, message=message)
    after_one = rows(bot, AuditEntry), [rows(bot, m) for m in press.adds]
    second = bot.slack.block_action(press.action, value=value, message=message)

    assert (first.status, second.status) == (200, 200)
    assert second.text == first.text
    assert after_one[0] > audited
    assert (rows(bot, AuditEntry), [rows(bot, m) for m in press.adds]) == after_one
    assert after_one[1] == [1] * len(press.adds)
    wait_for_more(lambda: told(bot), answered)
    assert told(bot) == answered + 1


def test_a_button_on_the_home_tab_pressed_twice_acts_once(bot: RunningBot) -> None:
    """A click in a view is named by the view and its hash (which a refreshed Home tab changes)."""
    value = with_task(bot)
    home = as_slack_keeps_it({"type": "home", "blocks": []}) | {"hash": "1.home"}
    audited = rows(bot, AuditEntry, AuditEntry.action == "task.update")

    for _ in range(2):
        assert bot.slack.block_action("task_done", value=value, channel=None, view=home).status == 200
    assert rows(bot, AuditEntry, AuditEntry.action == "task.update") == audited + 1


def wait_for_more(count: Callable[[], int], than: int, timeout: float = 10.0) -> None:
    """Wait until what the app does after answering (a reply, a DM) has shown at the fake."""
    deadline = time.monotonic() + timeout
    while count() <= than:
        assert time.monotonic() < deadline, "the app said nothing back"
        time.sleep(0.05)


def test_a_press_on_the_message_as_changed_since_is_a_new_press(bot: RunningBot) -> None:
    """Keys name what the person saw: once the message reads otherwise, a press is a new one."""
    value = f"{with_task(bot)}:2026-12-04"
    ts = bot.slack.new_ts()

    def press(shown: str) -> None:
        button = {"type": "button", "action_id": "reminder_snooze", "value": value}
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": shown}}]
        message = {"ts": ts, "text": shown, "blocks": [*blocks, {"type": "actions", "elements": [button]}]}
        assert bot.slack.block_action("reminder_snooze", value=value, message=message).status == 200

    answered = told(bot)
    press("APL-1 is overdue")
    press("APL-1 is overdue")
    wait_for_more(lambda: told(bot), answered)
    press("APL-1 is overdue (edited)")
    wait_for_more(lambda: told(bot), answered + 1)
    assert rows(bot, AuditEntry, AuditEntry.action == "reminder.snooze") == 2


# -- commands


def test_a_command_sent_again_records_one_cost_and_answers_alike(bot: RunningBot) -> None:
    create(bot)
    say(bot, "budget set people 100000")
    form = payloads.command_form(
        "cost 1200 people contractor",
        user=ALICE,
        channel=CHANNEL,
        team=TEAM,
        response_url=bot.slack.response_url(TEAM),
    )

    first, second = resend(bot, urlencode(form))

    assert "1,200.00" in first.json()["text"]
    assert second.json() == first.json()
    assert count_rows(bot.database, CostEntry) == 1


def test_a_command_that_only_reads_runs_again(bot: RunningBot) -> None:
    create(bot)
    form = payloads.command_form(
        "status", user=ALICE, channel=CHANNEL, team=TEAM, response_url=bot.slack.response_url(TEAM)
    )
    first, second = resend(bot, urlencode(form))
    assert "Apollo" in first.json()["text"]
    assert second.json()["text"] == first.json()["text"]


# -- housekeeping


def test_the_tick_forgets_keys_after_a_day(bot: RunningBot) -> None:
    create(bot)
    with bot.database.session(TEAM) as db:
        claim(db, HandledSubmission, {"team_id": TEAM, "key": "old"}, conflict=["team_id", "key"])
    later = utcnow() + KEEP_KEYS + timedelta(minutes=1)

    prune_keys(bot.app.runtime, utcnow())
    assert rows(bot, HandledSubmission, HandledSubmission.key == "old") == 1
    prune_keys(bot.app.runtime, later)
    assert rows(bot, HandledSubmission, HandledSubmission.key == "old") == 0
    assert "prune_handled_submissions" in bot.app.runtime.jobs
