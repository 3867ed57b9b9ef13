"""Answer first, then tell people: a save is answered within Slack's 3 s however slow or broken
the Web API is, and what tells other people goes out after the answer.

Each kind of request that saves and notifies (a form, a decision form, a button, a slash
command) is tried with the fake Slack holding every post, edit and Home publish for longer than
Slack waits, and with those calls failing: the user is told their save worked, it is stored
once, and the message people depend on is sent again from the delivery log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.runtime import ANSWERING, WORKERS, Runtime
from models import ChangeRequest, Delivery, Risk
from models.changes.tables import ChangeDecision
from models.core.base import utcnow
from models.core.enums import ChangeStatus, DeliveryState, RiskStatus
from models.projects.tables import CostEntry
from tests.support.budget import budgeted
from tests.support.changes import click, request_posts
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.flows import CHANNEL, count_rows, field_errors, submit
from tests.support.passes import run_passes_now
from tests.support.risks import reviewing
from tests.support.served import SETTLE_S, RunningBot
from tests.support.slackdriver import Reply
from tests.support.workspace import ALICE, CAROL

POST, UPDATE, PUBLISH = "chat.postMessage", "chat.update", "views.publish"
# Longer than Slack waits for an answer (3 s), so an answer that waited for Slack fails.
STALL_S = 6
SLACK_WAITS_S = 3
APOLOGY = "nothing was changed"
CHANGE_COPY = "⏳ Change request *APL-C1*"
WARNING = "⚠️ APL: *cloud hosting* has spent more than 90% of its budget."
CLOSED_POST = "✅ *APL-R1* is closed."


@contextmanager
def slack_stalling(bot: RunningBot) -> Iterator[None]:
    """Hold the first posts, edits and Home publishes STALL_S seconds; the driver doesn't wait for them.

    Two of each fill both of the runtime's deferred workers, so every notification after them
    waits too. Released at the end, the held calls go through, and what was queued settles.
    """
    stalls = [bot.fake.stall_next(method, timeout=STALL_S) for method in (POST, UPDATE, PUBLISH) * 2]
    settle, bot.slack.settle = bot.slack.settle, None
    try:
        yield
    finally:
        for stall in stalls:
            stall.release()
        bot.slack.settle = settle
    assert bot.app.runtime.settle(SETTLE_S)
    assert any(stall.arrived.is_set() for stall in stalls), "nothing reached the stalled Slack"


def notices(bot: RunningBot) -> None:
    """Two minutes on, the `notices` pass, as the tick (or an operator) runs it."""
    at = (utcnow() + timedelta(minutes=2)).isoformat()
    done = run_passes_now(bot, at, "notices")
    assert done.ok, done.stdout


def deliveries(bot: RunningBot, kind: str) -> dict[str, DeliveryState]:
    """The delivery log's notices of `kind`, by the channel they are for (the last part of the key)."""
    with bot.database.system_session(write=False) as db:
        rows = db.execute(select(Delivery.key, Delivery.state).where(Delivery.kind == kind))
        return {key.rsplit(":", 1)[-1]: state for key, state in rows}


def posted(bot: RunningBot, channel: str, start: str) -> int:
    """How many posts Slack accepted in `channel` whose text starts with `start`."""
    return sum(
        1
        for call in bot.fake.calls_to(POST, ok=True)
        if call.args["channel"] == channel and call.args["text"].startswith(start)
    )


def no_apology(bot: RunningBot, reply: Reply) -> None:
    """Nothing the user was shown, in the answer or on a response URL, says the save was lost."""
    assert reply.status == 200, reply.text
    assert APOLOGY not in reply.text
    assert not [call for call in bot.fake.calls_to("response_url") if APOLOGY in str(call.args)]
    assert not [call for call in bot.fake.calls_to(POST) if APOLOGY in str(call.args.get("text"))]


def change_count(bot: RunningBot) -> int:
    return count_rows(bot.database, ChangeRequest)


# -- the kinds of request, each: setup, the request, and what it saved and told


def change_form(bot: RunningBot) -> Callable[[], Reply]:
    """Carol's change request form, ready to submit: it posts a copy to the channel and DMs deciders."""
    create(bot, {"change_threshold_days": "30", "change_threshold_amount": "50000"})
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("milestone add Beta due 2027-01-15")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    values = {"targets": "APL-M1", "title": "Add refunds", "schedule_days": "3", "cost_impact": "100"}
    return lambda: submit(bot, view, values, user=CAROL)


def change_form_told(bot: RunningBot, reply: Reply) -> None:
    assert field_errors(reply) == {}
    assert change_count(bot) == 1
    assert set(request_posts(bot)) >= {CHANNEL, ALICE}


def decision_form(bot: RunningBot) -> Callable[[], Reply]:
    """Alice's approval of Carol's request, ready to submit: it edits every copy and tells Carol."""
    change_form(bot)()
    view = click(bot, "change_approve", ALICE)
    assert view is not None
    return lambda: submit(bot, view, {"note": "Go"}, user=ALICE)


def decision_told(bot: RunningBot, reply: Reply) -> None:
    assert field_errors(reply) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(ChangeRequest.status)) is ChangeStatus.APPROVED
        assert db.scalar(select(func.count()).select_from(ChangeDecision)) == 1
    assert posted(bot, CAROL, "✅ Your change request *APL-C1*") == 1


def risk_button(bot: RunningBot) -> Callable[[], Reply]:
    """Carol's click on Closed in a risk review: the answer to her, then a post to the channel."""
    reviewing(bot)
    return lambda: bot.slack.block_action("risk_closed", value="APL-R1", user=CAROL)


def risk_button_told(bot: RunningBot, reply: Reply) -> None:
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Risk.status)) is RiskStatus.CLOSED
    assert bot.fake.wait_for("response_url")[-1].args["text"] == CLOSED_POST
    assert posted(bot, CHANNEL, CLOSED_POST) == 1


def cost_command(bot: RunningBot) -> Callable[[], Reply]:
    """A cost that takes a category past 90%: the answer, then a warning posted to the channel."""
    budgeted(bot)
    bot.slack.command("cost 8000 cloud hosting reserved instances")
    return lambda: bot.slack.command("cost 1500 cloud hosting egress")


def cost_command_told(bot: RunningBot, reply: Reply) -> None:
    assert "95% used" in reply.json()["text"]
    assert count_rows(bot.database, CostEntry) == 2
    assert posted(bot, CHANNEL, WARNING) == 1


@dataclass(frozen=True)
class Kind:
    ready: Callable[[RunningBot], Callable[[], Reply]]
    told: Callable[[RunningBot, Reply], None]


KINDS = {
    "form": Kind(change_form, change_form_told),
    "decision form": Kind(decision_form, decision_told),
    "button": Kind(risk_button, risk_button_told),
    "slash command": Kind(cost_command, cost_command_told),
}


@pytest.mark.parametrize("kind", KINDS)
@SQLITE_ONLY
def test_with_slack_stalling_every_kind_answers_within_three_seconds_then_tells_people(
    bot: RunningBot, kind: str
) -> None:
    send = KINDS[kind].ready(bot)
    with slack_stalling(bot):
        reply = send()
        assert reply.elapsed < SLACK_WAITS_S, f"answered after {reply.elapsed:.1f}s"
    no_apology(bot, reply)
    KINDS[kind].told(bot, reply)


@SQLITE_ONLY
def test_a_task_done_from_the_home_tab_answers_first_while_views_publish_stalls(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("task add Slides <@U0003|carol> due 2027-01-10")
    published = len(bot.fake.calls_to(PUBLISH))
    with slack_stalling(bot):
        reply = bot.slack.block_action("task_done", value="APL-1", user=CAROL, channel=None)
        assert reply.elapsed < SLACK_WAITS_S, f"answered after {reply.elapsed:.1f}s"
    no_apology(bot, reply)
    homes = [call.args["user_id"] for call in bot.fake.calls_to(PUBLISH)[published:]]
    assert CAROL in homes, "the Home tab was not refreshed once Slack answered"
    assert "APL-1" in bot.slack.command("tasks done").json()["text"]


def test_a_change_request_whose_channel_copy_fails_is_saved_once_and_the_copy_is_sent_again(
    bot: RunningBot,
) -> None:
    send = change_form(bot)
    # The channel copy meets an outage (the first try and the client's two retries), the Home
    # publishes fail too; the DMs to the deciders go through.
    bot.fake.fail_next(POST, status=500, times=3)
    bot.fake.fail_next(PUBLISH, status=500, times=6)
    reply = send()
    no_apology(bot, reply)
    assert field_errors(reply) == {} and change_count(bot) == 1
    assert posted(bot, CHANNEL, CHANGE_COPY) == 0 and posted(bot, ALICE, CHANGE_COPY) == 1
    assert deliveries(bot, "change_request")[CHANNEL] is DeliveryState.FAILED

    notices(bot)
    assert posted(bot, CHANNEL, CHANGE_COPY) == 1 and posted(bot, ALICE, CHANGE_COPY) == 1
    assert set(deliveries(bot, "change_request").values()) == {DeliveryState.SENT}
    notices(bot)  # sent is sent: a second pass posts nothing
    assert posted(bot, CHANNEL, CHANGE_COPY) == 1

    # The copy sent late is kept in step like the others.
    updates = len(bot.fake.calls_to(UPDATE))
    view = click(bot, "change_approve", ALICE)
    assert view is not None and field_errors(submit(bot, view, {"note": "Go"}, user=ALICE)) == {}
    edited = {call.args["channel"] for call in bot.fake.calls_to(UPDATE, ok=True)[updates:]}
    assert CHANNEL in edited


def test_a_decision_whose_edits_and_outcome_dm_fail_is_recorded_once_and_the_requester_told_later(
    bot: RunningBot,
) -> None:
    send = decision_form(bot)
    bot.fake.fail_next(UPDATE, status=200, error="internal_error", times=4)

    # The DM telling Carol, which goes out beside the channel's notice.
    def to_carol(args: dict[str, object]) -> bool:
        return args.get("channel") == CAROL

    bot.fake.fail_next(POST, status=200, error="internal_error", where=to_carol)
    reply = send()
    no_apology(bot, reply)
    assert field_errors(reply) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(ChangeRequest.status)) is ChangeStatus.APPROVED
        assert db.scalar(select(func.count()).select_from(ChangeDecision)) == 1
    assert posted(bot, CAROL, "✅ Your change request *APL-C1*") == 0
    assert deliveries(bot, "change_outcome") == {CAROL: DeliveryState.FAILED}

    notices(bot)
    assert posted(bot, CAROL, "✅ Your change request *APL-C1*") == 1
    assert deliveries(bot, "change_outcome") == {CAROL: DeliveryState.SENT}


def test_a_risk_closed_while_slack_fails_says_closed_and_the_channel_hears_on_retry(bot: RunningBot) -> None:
    send = risk_button(bot)
    bot.fake.fail_next(POST, status=503, times=3)
    reply = send()
    no_apology(bot, reply)
    assert bot.fake.wait_for("response_url")[-1].args["text"] == CLOSED_POST
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(Risk.status)) is RiskStatus.CLOSED
    assert posted(bot, CHANNEL, CLOSED_POST) == 0

    notices(bot)
    assert posted(bot, CHANNEL, CLOSED_POST) == 1


def test_a_cost_logged_while_slack_refuses_the_warning_is_stored_once_and_warned_on_retry(
    bot: RunningBot,
) -> None:
    send = cost_command(bot)
    bot.fake.fail_next(POST, status=200, error="internal_error")
    reply = send()
    no_apology(bot, reply)
    assert "95% used" in reply.json()["text"]
    assert count_rows(bot.database, CostEntry) == 2
    assert posted(bot, CHANNEL, WARNING) == 0

    notices(bot)
    assert posted(bot, CHANNEL, WARNING) == 1
    assert list(deliveries(bot, "budget_warning").values()) == [DeliveryState.SENT]


def test_work_queued_in_a_request_waits_for_its_release_and_a_failure_there_is_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = Runtime(settings=None, database=None)  # type: ignore[arg-type]  # no settings or database used
    done: list[str] = []

    def fail() -> None:
        raise RuntimeError("Slack said no")

    answering = runtime.answering()
    token = ANSWERING.set(answering)
    try:
        runtime.after_answer(done.append, "told")
        runtime.after_answer(fail)
    finally:
        ANSWERING.reset(token)
    answering.answered()
    assert not runtime.settle(0.05), "settled before the answer was released"
    assert done == []  # nothing starts while the answer is being written
    answering.release()
    assert runtime.settle(SETTLE_S)
    assert done == ["told"]
    assert "deferred work failed" in caplog.text and "Slack said no" in caplog.text
    runtime.after_answer(done.append, "outside a request")  # a scheduled pass: at once
    assert runtime.settle(SETTLE_S) and done == ["told", "outside a request"]


def refresh_under_way() -> tuple[Runtime, threading.Event, list[str]]:
    """A runtime whose refresh thread is busy with one refresh until `go` is set; `ran` says
    what ran, in order."""
    runtime = Runtime(settings=None, database=None)  # type: ignore[arg-type]  # no settings or database used
    started, go = threading.Event(), threading.Event()
    ran: list[str] = []

    def held() -> None:
        started.set()
        go.wait(SETTLE_S)
        ran.append("held")

    runtime.defer_once("home:held", held)
    assert started.wait(SETTLE_S)
    return runtime, go, ran


def test_refreshes_run_one_at_a_time_and_those_waiting_under_one_key_run_once() -> None:
    runtime, go, ran = refresh_under_way()
    for _ in range(3):  # three clicks of Alice's while the refresh thread is busy
        runtime.defer_once("home:alice", ran.append, "alice")
    runtime.defer_once("home:bob", ran.append, "bob")
    assert ran == []  # nothing else starts beside the refresh under way
    go.set()
    assert runtime.settle(SETTLE_S)
    assert ran == ["held", "alice", "bob"]


def test_changes_during_a_refresh_pause_show_in_one_run_and_settle_does_not_wait_it_out() -> None:
    runtime = Runtime(settings=None, database=None)  # type: ignore[arg-type]  # no settings or database used
    ran: list[str] = []
    for _ in range(3):  # three clicks of Alice's a moment apart
        runtime.defer_once("home:alice", ran.append, "alice", pause=60)
    assert ran == []  # pausing for more of her changes
    assert runtime.settle(SETTLE_S)  # whoever waits for the refresh gets it now, not in a minute
    assert ran == ["alice"]
    runtime.defer_once("home:alice", ran.append, "alice again", pause=60)  # a change after the run
    assert runtime.settle(SETTLE_S)
    assert ran == ["alice", "alice again"]


def test_a_paused_refresh_runs_by_itself_once_its_pause_is_over() -> None:
    runtime = Runtime(settings=None, database=None)  # type: ignore[arg-type]  # no settings or database used
    ran = threading.Event()
    runtime.defer_once("home:alice", ran.set, pause=0.05)
    assert ran.wait(SETTLE_S)
    assert runtime.settle(SETTLE_S)


def test_stopping_drops_the_refreshes_waiting_and_waits_for_the_notifications() -> None:
    """At SIGTERM a queue of Home refreshes once held the process past ten seconds."""
    runtime, go, ran = refresh_under_way()

    def notice() -> None:
        go.wait(SETTLE_S)
        ran.append("notice")

    runtime.defer_once("home:alice", ran.append, "alice")  # waiting behind the refresh under way
    runtime.defer_once("home:bob", ran.append, "bob", pause=60)  # pausing for more of Bob's clicks
    runtime.defer(notice)  # a listener's notification, promised after its answer
    threading.Timer(0.2, go.set).start()
    assert runtime.stop(SETTLE_S)
    assert sorted(ran) == ["held", "notice"]
    runtime.defer_once("home:carol", ran.append, "carol")  # a click still arriving as it stops
    runtime.defer(ran.append, "late notice")
    assert runtime.settle(SETTLE_S)
    assert sorted(ran) == ["held", "late notice", "notice"]


def test_stopping_drops_the_notifications_still_waiting_once_the_grace_is_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = Runtime(settings=None, database=None)  # type: ignore[arg-type]  # no settings or database used
    go = threading.Event()
    ran: list[str] = []
    for n in range(WORKERS["slow"]):  # every thread of the lane busy past the grace
        runtime.defer(lambda n=n: (go.wait(SETTLE_S), ran.append(f"busy {n}")))
    runtime.defer(ran.append, "waiting")
    assert not runtime.stop(0.1)
    runtime.defer(ran.append, "after the grace")  # dropped too, not refused with an error
    go.set()
    assert runtime.settle(SETTLE_S)
    assert sorted(ran) == [f"busy {n}" for n in range(WORKERS["slow"])]  # the one waiting never ran
    assert "1 notifications not sent after 0 s are dropped" in caplog.text
