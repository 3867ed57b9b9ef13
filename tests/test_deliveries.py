"""Scheduled sends made exactly once by real `pmo-bot` processes: rate limits, failures, a kill, replicas.

The fake Slack counts what arrives; the delivery log and `pmo-bot jobs status` say what
happened to each send.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from models import Delivery
from models.core.base import utcnow
from models.core.clock import CLOCK
from models.core.enums import DeliveryState
from tests.support.passes import run_passes_now
from tests.support.processes import jobs_env, killed_while_held, pmo_bot, run_here
from tests.support.reminders import overdue, reminder_dms
from tests.support.reviews import REVIEWS_DUE, jobs, with_reviews
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, BOB, CAROL, TEAM


def jobs_status(bot: RunningBot, tmp_path: Path) -> str:
    done = run_here(["jobs", "status"], jobs_env(bot), tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def states(bot: RunningBot) -> dict[str, DeliveryState]:
    """Scheduled sends by kind (the notices listeners queued, such as the charter post, store a payload)."""
    with bot.database.system_session(write=False) as db:
        scheduled = select(Delivery.kind, Delivery.state).where(Delivery.payload.is_(None))
        return {kind: state for kind, state in db.execute(scheduled)}


def later(moment: str, **delta: float) -> str:
    return (datetime.fromisoformat(moment) + timedelta(**delta)).isoformat()


def test_a_rate_limited_post_waits_for_retry_after_and_posts_to_one_channel_are_spread(
    bot: RunningBot,
) -> None:
    with_reviews(bot)
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=2)
    jobs(bot, REVIEWS_DUE)
    limited, first, second = [c for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CAROL]
    assert (limited.status, limited.response["error"]) == (429, "ratelimited")
    assert first.ok and second.ok
    assert first.at - limited.at >= 2.0, "Retry-After was not honoured"
    assert second.at - first.at >= 1.0, "two posts to one channel less than a second apart"
    assert states(bot) == {"risk_review": DeliveryState.SENT, "quality_review": DeliveryState.SENT}


def test_a_failed_send_is_retried_with_back_off_and_an_uncertain_one_only_when_an_operator_says(
    bot: RunningBot, tmp_path: Path
) -> None:
    with_reviews(bot)
    # The risk prompt meets an outage (the first try and slack-sdk's two retries); the quality
    # prompt reaches Slack but the connection drops before the answer.
    bot.fake.fail_next("chat.postMessage", status=503, times=3)
    bot.fake.drop_next("chat.postMessage")
    out = jobs(bot, REVIEWS_DUE, failing=True)
    assert out.count("  failed for APL (#C0001): ") == 2, out
    assert states(bot) == {"risk_review": DeliveryState.FAILED, "quality_review": DeliveryState.UNCERTAIN}
    status = jobs_status(bot, tmp_path)
    attention = status.split("Most recent sends")[0]
    assert "Failed or uncertain in the past 7 days (2):" in attention
    assert "failed    risk_review:1:2026-12-07 (attempts 1, next try 2026-12-07 01:06 UTC)" in attention
    assert "· internal_error" in attention or "· service_unavailable" in attention
    assert "uncertain quality_review:1 (attempts 1) · Remote end closed connection" in attention

    jobs(bot, later(REVIEWS_DUE, seconds=30))  # within the back-off: nothing
    assert [c.ok for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CAROL] == [
        False,
        False,
        False,
        True,
    ]
    jobs(bot, later(REVIEWS_DUE, minutes=2))
    texts = [
        c.args["text"] for c in bot.fake.calls_to("chat.postMessage", ok=True) if c.args["channel"] == CAROL
    ]
    assert sorted(texts) == [
        "🔎 Risk *APL-R1* Vendor late is due for review.",
        "🔎 The quality review of *APL-1* is due: record pass or fail against each criterion.",
    ]
    assert states(bot) == {"risk_review": DeliveryState.SENT, "quality_review": DeliveryState.UNCERTAIN}
    attention = jobs_status(bot, tmp_path).split("Most recent sends")[0]
    assert (
        "(1):" in attention and "uncertain quality_review:1" in attention and "risk_review" not in attention
    )

    # The operator looks in Slack, finds the prompt missing, and has it sent again, between the
    # passes: on the clock they run on, not on today's (past that Monday, the release would come
    # after the next pass's moment and it would rightly wait).
    CLOCK.travel_to(datetime.fromisoformat(later(REVIEWS_DUE, minutes=2, seconds=30)))
    try:
        sent_already = run_here(["jobs", "resend", "risk_review:1:2026-12-07"], jobs_env(bot), tmp_path)
        resent = run_here(["jobs", "resend", "quality_review:1"], jobs_env(bot), tmp_path)
    finally:
        CLOCK.reset()
    assert sent_already.returncode == 2
    assert resent.stdout == "quality_review:1 will be sent by the next pass that finds it due\n"
    jobs(bot, later(REVIEWS_DUE, minutes=3))
    assert states(bot) == {"risk_review": DeliveryState.SENT, "quality_review": DeliveryState.SENT}
    quality = [c for c in bot.fake.calls_to("chat.postMessage") if "quality review" in c.args["text"]]
    assert [c.ok for c in quality] == [True, True]


def test_killed_mid_pass_the_bot_sends_what_was_left_on_restart_and_nothing_twice(
    bot: RunningBot, tmp_path: Path
) -> None:
    overdue(bot)  # Bob (New York) and Carol (Madrid) own overdue work
    bot.slack.command(f"team add <@{ADMIN}> member")
    bot.slack.command(f"task add Slides <@{ADMIN}|pat> start 2026-12-01 due 2026-12-03")
    at = "2026-12-07T15:00+00:00"  # 10:00 in New York, 16:00 in Madrid, 15:00 in London
    held = bot.fake.stall_next("chat.postMessage", where=lambda args: args.get("channel") == CAROL)
    killed_while_held(bot, tmp_path, ["jobs", "run", "reminders", "--at", at], held)
    people = (BOB, CAROL, ADMIN)
    keys = {user: f"reminder:{user}:2026-12-07" for user in people}
    assert all(len(reminder_dms(bot, user)) <= 1 for user in people)

    done = run_passes_now(bot, later(at, minutes=1), "reminders")
    assert done.ok, done.stdout
    # DMs to different people go out side by side (bot.outbox.send_all), so when the process
    # died Bob's and Pat's may have been sent, unclaimed (then the restart sent them) or claimed
    # on their way out. Nobody has two; nobody is dropped silently: a claim with no outcome shows.
    status = jobs_status(bot, tmp_path)
    sent = {user: len(reminder_dms(bot, user)) for user in people}
    assert sent[CAROL] == 1 and f"claimed   {keys[CAROL]}" in status
    assert all(sent[user] == 1 or f"claimed   {keys[user]}" in status for user in people), status

    # Ten minutes on, a claim with no outcome is a send that died: uncertain, shown, not re-sent.
    with bot.database.system_session() as db:
        db.execute(
            update(Delivery)
            .where(Delivery.key == keys[CAROL])
            .values(claimed_at=utcnow() - timedelta(minutes=11))
        )
    attention = jobs_status(bot, tmp_path).split("Most recent sends")[0]
    assert f"uncertain {keys[CAROL]} (attempts 1) · claimed, then no outcome recorded" in attention
    run_passes_now(bot, later(at, minutes=2), "reminders")
    assert {user: len(reminder_dms(bot, user)) for user in people} == sent


MADRID_TEAM = [f"U01{n:02d}" for n in range(6)]


def test_two_processes_running_the_same_passes_at_the_same_minute_send_everything_once(
    bot: RunningBot, tmp_path: Path
) -> None:
    """Two replicas tick at Monday 09:45 in Madrid: standups, reminders, the digest, the summary."""
    overdue(bot)
    for user in MADRID_TEAM:
        bot.fake.add_user(TEAM, user, name=user.lower(), tz="Europe/Madrid")
        bot.slack.command(f"team add <@{user}> member")
        bot.slack.command(f"task add Work of {user} <@{user}|{user.lower()}> start 2026-12-01 due 2026-12-02")
    at = "2026-12-07T08:45+00:00"  # 09:45 in Madrid, 16:45 in Shanghai (the project's), 03:45 in New York
    command = [*pmo_bot(), "jobs", "run", "standups", "reminders", "digests", "reviews", "--at", at]
    replicas = [
        subprocess.Popen(command, env=jobs_env(bot), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for replica in replicas:
        _, errors = replica.communicate(timeout=120)
        assert replica.returncode == 0, errors

    posts = [c for c in bot.fake.calls_to("chat.postMessage") if c.ok]
    sent = sorted((c.args["channel"], c.args["text"].split(" ")[0]) for c in posts)
    madrid = [CAROL, *MADRID_TEAM]
    expected = sorted(
        [(user, "☀️") for user in madrid]  # standups: Madrid's morning only
        + [(user, "⏰") for user in madrid]  # reminders: Madrid's working day
        + [("U0001", "📋"), ("C0001", "📰")]  # Alice's overdue summary, Apollo's digest
    )
    assert [item for item in sent if item[1] in ("☀️", "⏰", "📋", "📰")] == expected
    with bot.database.system_session(write=False) as db:
        states = list(db.scalars(select(Delivery.state).where(Delivery.payload.is_(None))))
    assert len(states) == len(expected) and set(states) == {DeliveryState.SENT}
    assert BOB not in {channel for channel, _ in sent}, "03:45 in New York: nothing for Bob yet"


def test_a_send_that_keeps_failing_is_tried_after_1_5_30_and_120_minutes_then_given_up_visibly(
    bot: RunningBot, tmp_path: Path
) -> None:
    with_reviews(bot)

    def attempt(at: str) -> None:
        bot.fake.fail_next("chat.postMessage", status=503, times=3)  # the try and slack-sdk's 2 retries
        jobs(bot, at, failing=True)

    def tries() -> int:
        risk = [c for c in bot.fake.calls_to("chat.postMessage") if c.args["text"].startswith("🔎 Risk")]
        assert not any(c.ok for c in risk)
        return len(risk) // 3

    moment = REVIEWS_DUE
    attempt(moment)  # the 1st try
    for wait in (1, 5, 30, 120):  # minutes before the 2nd, 3rd, 4th and 5th
        jobs(bot, later(moment, minutes=wait - 0.5))  # still inside the back-off
        before = tries()
        moment = later(moment, minutes=wait + 0.5)
        attempt(moment)
        assert tries() == before + 1, f"no new try {wait} minutes after the last"
    assert tries() == 5
    jobs(bot, later(REVIEWS_DUE, hours=7))  # given up: never tried again
    assert tries() == 5
    attention = jobs_status(bot, tmp_path).split("Most recent sends")[0]
    assert "failed    risk_review:1:2026-12-07 (attempts 5, no more tries)" in attention
