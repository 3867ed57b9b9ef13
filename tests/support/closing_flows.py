"""A project with open work, ready to close, and the clicks closing takes: shared by the closing tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from models import Project, Task
from tests.support.charter import create
from tests.support.flows import CHANNEL, field_errors, say, submit
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL

CHECKLIST_TITLE = "APL · Apollo — closing checklist"


def apollo(bot: RunningBot) -> None:
    """Apollo (Alice manages, Bob sponsors, Carol builds at 50%) in execution with work still open.

    APL-1 and APL-2 are finished deliverables; APL-3 to APL-5 are open; APL-M1 is not reached;
    APL-I1 is open; APL-R1 occurred (now APL-I2) and APL-R2 is open; Carol's change request
    APL-C1 waits for a decision; there is a cost, a quality review and a document.
    """
    risks = {"risk1_title": "Vendor late", "risk1_probability": "4", "risk1_impact": "5"}
    create(bot, {**risks, "risk2_title": "Key person leaves"})
    say(bot, "team add <@U0003> member 50% backend and API")
    say(bot, "budget set people 100000")
    assert "1,200.00" in say(bot, "cost 1200 people contractor")
    say(bot, "task add Build API <@U0003|carol> start 2026-12-01 due 2026-12-10 est 40")
    say(bot, "task add Write docs <@U0003|carol> start 2026-12-05 due 2026-12-20 est 8")
    say(bot, "task add Load test <@U0003|carol> start 2026-12-11 due 2026-12-15 est 16")
    say(bot, "task add Polish UI <@U0001|alice> start 2026-12-10 due 2026-12-18 est 8")
    say(bot, "task add Old idea")
    with bot.database.system_session() as db:
        db.execute(update(Task).where(Task.number.in_([1, 2])).values(is_deliverable=True))
    say(bot, "milestone add Go-live due 2027-01-15")
    say(bot, "issue Flaky CI")
    assert "APL-1" in say(bot, "done APL-1") and "APL-2" in say(bot, "done APL-2")
    bot.slack.block_action("risk_occurred", value="APL-R1", user=ALICE)
    bot.fake.wait_for("response_url")
    view = open_view(bot, lambda: bot.slack.command("change", user=CAROL))
    values = {"title": "Add refunds", "schedule_days": "10", "cost_impact": "2500"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    say(bot, "quality criterion APL-1 Every endpoint documented")
    say(bot, "quality review APL-1 <@U0003|carol> 2026-12-18")
    assert "Added to the APL document register" in say(
        bot, "doc add <https://docs.example.com/apollo/charter> Apollo charter charter"
    )


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait for work the app does after answering (posts, DMs, uploads) to show at the fake."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the app did not get there in time"
        time.sleep(0.05)


def has_dm_button(bot: RunningBot, user: str, action: str) -> bool:
    try:
        dm_button(bot, user, action)
    except AssertionError:
        return False
    return True


def open_view(bot: RunningBot, act: Any) -> dict[str, Any]:
    """Do `act` (a click or a command) and return the modal it opened."""
    before = len(bot.fake.calls_to("views.open"))
    act()
    return bot.fake.wait_for("views.open", before + 1)[-1].args["view"]


def click(bot: RunningBot, action: str, key: str, user: str = ALICE) -> str:
    """Click a button; what the app answered the clicker (through the response URL)."""
    before = len(bot.fake.calls_to("response_url"))
    bot.slack.block_action(action, value=key, user=user)
    return bot.fake.wait_for("response_url", before + 1, timeout=10)[-1].args["text"]


def clicked_open(bot: RunningBot, action: str, key: str, user: str) -> dict[str, Any] | None:
    """Click a button that opens a form: the form, or None when the click was refused.

    The app answers a click once its listener has run, so the form is open (or the refusal
    sent) when the click returns.
    """
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action(action, value=key, user=user)
    opened = bot.fake.calls_to("views.open")
    return opened[-1].args["view"] if len(opened) > before else None


def resolve_at_closing(bot: RunningBot, key: str, resolution: str, user: str = ALICE) -> None:
    """The checklist's Resolve on an issue: it asks how the issue was resolved, in the issue's form."""
    form = clicked_open(bot, "closing_finish", key, user)
    assert form is not None, bot.fake.calls_to("response_url")[-1].args["text"]
    assert field_errors(submit(bot, form, {"resolution": resolution}, user=user)) == {}


def checklist_posts(bot: RunningBot, title: str = CHECKLIST_TITLE) -> list[dict[str, Any]]:
    """Every version of the checklist the channel saw: posted, then edited, in order."""
    return [
        call.args
        for call in bot.fake.calls
        if call.method in ("chat.postMessage", "chat.update")
        and call.args.get("channel") == CHANNEL
        and str(call.args.get("text", "")).startswith(title)
    ]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element.get("value", ""))
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def project(bot: RunningBot) -> Project:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project)).one()


def task(bot: RunningBot, number: int) -> Task:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Task).where(Task.number == number)).one()


def dm_button(bot: RunningBot, user: str, action: str) -> dict[str, Any]:
    """The button `action` of the latest DM to `user` that has one."""
    for call in reversed(bot.fake.calls_to("chat.postMessage")):
        if call.args["channel"] == user:
            for element in [
                e for b in call.args.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
            ]:
                if element["action_id"] == action:
                    return element
    raise AssertionError(f"no DM to {user} with a {action} button")


def lessons_form(bot: RunningBot, user: str) -> dict[str, Any]:
    """The lessons-learned form that the button of `user`'s DM opens."""
    button = dm_button(bot, user, "lessons_answer")
    return open_view(bot, lambda: bot.slack.block_action("lessons_answer", value=button["value"], user=user))


def give_lessons(bot: RunningBot, user: str, values: dict[str, str | None]) -> dict[str, str]:
    """Fill in and send `user`'s lessons form; the errors it shows beside its fields."""
    return field_errors(submit(bot, lessons_form(bot, user), values, user=user))


def channel_texts(bot: RunningBot) -> list[str]:
    """What was posted to the project's channel, in order."""
    return [c.args["text"] for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]


def start(bot: RunningBot) -> dict:
    """Apollo, closing started by Alice; the first checklist post."""
    apollo(bot)
    answer = bot.slack.command("close").json()
    assert answer["response_type"] == "in_channel" and "started closing APL" in answer["text"]
    wait_until(lambda: bool(checklist_posts(bot)))
    wait_until(lambda: all(has_dm_button(bot, user, "lessons_answer") for user in (ALICE, BOB, CAROL)))
    return checklist_posts(bot)[0]
