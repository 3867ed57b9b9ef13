"""One visibility rule: a private project's records only for its people, and only in its own
channel, direct messages and Home, whichever verb, button or share asks for them.

The walk enumerates the command registry, so a verb added later is walked too: it is refused
unless it declares that it reads nothing of a project's records.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from handlers.slack.command import SHARE_ACTION, Reads, Verb
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

PRIVATE = "G0001"  # a private channel, as Slack names them
ELSEWHERE = "C0042"  # a public channel with no project
# Every record of the private project carries this word, so a leak of any of them is seen.
MARK = "Zephyr"
NOT_THEIRS = "SEC belongs to a private channel: only its team, its sponsor and PMO administrators can see"
NOT_HERE = "SEC belongs to a private channel: its records are shown only there, in direct messages and on"


def private_project(bot: RunningBot) -> None:
    """SEC in a private channel: Alice manages it, Bob sponsors it, Carol is not on it."""
    create(
        bot,
        {"key": "SEC", "name": f"{MARK} vault", "goal": f"{MARK} goal", "risk1_title": f"{MARK} risk"},
        channel=PRIVATE,
    )
    for typed in (
        f"task add {MARK} task <@{ALICE}> due 2027-01-15",
        f"milestone add {MARK} beta due 2027-01-10",
        f"issue {MARK} issue",
        "budget set travel 5000",
        f"cost 100 travel {MARK} trip",
        f"doc add https://example.com/z {MARK} doc",
    ):
        answer = bot.slack.command(typed, channel=PRIVATE).json()["text"]
        assert "Write it like this" not in answer and "Only" not in answer, (typed, answer)


def texts(verb: Verb) -> list[str]:
    """The verb bare and as its own example, pointed at SEC (APL-12 becomes SEC-1)."""
    example = re.sub(r"\bAPL-([A-Z]?)\d+", r"SEC-\g<1>1", verb.example)
    return list(dict.fromkeys([verb.name, re.sub(r"\bAPL\b", "SEC", example)]))


def names_sec(text: str) -> bool:
    return re.search(r"\bSEC\b|\bSEC-", text) is not None


def walk(bot: RunningBot, user: str, channel: str) -> dict[str, str]:
    """Every registered verb's answers to `user` in `channel`, by command text."""
    answers = {}
    for verb in bot.app.router.verbs:
        for typed in texts(verb):
            reply = bot.slack.command(typed, user=user, channel=channel)
            assert reply.status == 200, (typed, reply.text)
            answers[typed] = reply.json().get("text", "")
            assert MARK not in reply.text, (typed, reply.text)
    return answers


def leaked(bot: RunningBot, since: int) -> list[str]:
    """Whatever reached Slack after `since` calls that shows a record of the private project
    to someone else or somewhere else (its people's own DMs, Home tabs and channel may)."""
    own = {PRIVATE, ALICE, BOB, ADMIN, *("D" + person for person in (ALICE, BOB, ADMIN))}
    shown = (
        json.dumps(call.args, ensure_ascii=False)
        for call in bot.fake.calls[since:]
        if {call.args.get(to) for to in ("channel", "channel_id", "user_id")}.isdisjoint(own)
    )
    return [text for text in shown if MARK in text]


def verbs_by(bot: RunningBot, reads: Reads) -> list[Verb]:
    return [verb for verb in bot.app.router.verbs if verb.reads is reads]


@SQLITE_ONLY
def test_an_outsider_in_the_private_channel_is_refused_every_verb_that_reads_it(bot: RunningBot) -> None:
    private_project(bot)
    since = len(bot.fake.calls)
    answers = walk(bot, CAROL, PRIVATE)
    guarded = [verb for verb in bot.app.router.verbs if verb.reads is not Reads.NOTHING]
    assert len(guarded) > 30
    for verb in guarded:
        for typed in texts(verb):
            assert answers[typed].startswith(NOT_THEIRS), (typed, answers[typed])
    assert leaked(bot, since) == []
    assert {verb.name for verb in verbs_by(bot, Reads.NOTHING)} <= {
        "help",
        "projects",
        "lessons",
        "away",
        "people",
    }


@SQLITE_ONLY
def test_an_outsider_elsewhere_is_refused_what_names_the_private_project(bot: RunningBot) -> None:
    private_project(bot)
    since = len(bot.fake.calls)
    answers = walk(bot, CAROL, ELSEWHERE)
    keyed = [typed for verb in verbs_by(bot, Reads.KEYED) for typed in texts(verb) if names_sec(typed)]
    assert {"status SEC", "history SEC-1", "assign SEC-1 @bob", "risk review SEC-R1"} <= set(keyed)
    for typed in keyed:
        assert answers[typed].startswith(NOT_THEIRS), (typed, answers[typed])
    assert leaked(bot, since) == []


@pytest.mark.parametrize("person", [ALICE, BOB, ADMIN], ids=["manager", "sponsor", "administrator"])
@SQLITE_ONLY
def test_its_own_people_see_it_only_in_its_channel_dms_and_home(bot: RunningBot, person: str) -> None:
    private_project(bot)
    since = len(bot.fake.calls)
    answers = walk(bot, person, ELSEWHERE)
    keyed = [typed for verb in verbs_by(bot, Reads.KEYED) for typed in texts(verb) if names_sec(typed)]
    for typed in keyed:
        assert answers[typed].startswith(NOT_HERE), (typed, answers[typed])
    assert leaked(bot, since) == []
    # The same person, in the project's channel or a DM with the bot, sees it.
    for place in (PRIVATE, "D" + person):
        shown = bot.slack.command("status SEC", user=person, channel=place).json()["text"]
        assert f" SEC · {MARK} vault — " in shown.splitlines()[0], (place, shown)
    assert f"{MARK} task" in bot.slack.command("tasks", user=person, channel=PRIVATE).json()["text"]


@SQLITE_ONLY
def test_a_shared_answer_cannot_carry_the_private_project_to_another_channel(bot: RunningBot) -> None:
    private_project(bot)
    reply = bot.slack.command("charter SEC", channel=PRIVATE).json()
    share = next(block for block in reply["blocks"] if block["type"] == "actions")["elements"][0]
    assert share["action_id"] == SHARE_ACTION and MARK in reply["text"]
    since = len(bot.fake.calls)
    for person in (ALICE, CAROL):
        bot.slack.block_action(SHARE_ACTION, value=share["value"], user=person, channel=ELSEWHERE)
    answers = [call.args["text"] for call in bot.fake.wait_for("response_url", 2)[-2:]]
    assert answers[0].startswith(NOT_HERE) and answers[1].startswith(NOT_THEIRS)
    assert leaked(bot, since) == []
    bot.slack.block_action(SHARE_ACTION, value=share["value"], user=ALICE, channel=PRIVATE)
    shared = bot.fake.wait_for("response_url", 3)[-1].args
    assert shared["response_type"] == "in_channel" and MARK in shared["text"]


def test_project_lists_leave_out_what_the_reader_may_not_see_there(bot: RunningBot) -> None:
    create(bot)  # Apollo, public, in C0001
    private_project(bot)
    for person, place, sees in (
        (CAROL, PRIVATE, False),
        (CAROL, ELSEWHERE, False),
        (ALICE, ELSEWHERE, False),  # hers, but this channel is not where it is shown
        (ALICE, PRIVATE, True),
        (ALICE, "D" + ALICE, True),
        (ADMIN, "D" + ADMIN, True),
    ):
        listed = bot.slack.command("projects all", user=person, channel=place).json()["text"]
        assert "*APL* Apollo" in listed, (person, place, listed)
        assert (f"*SEC* {MARK} vault" in listed) is sees, (person, place, listed)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        element
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]


def shown_buttons(bot: RunningBot) -> list[tuple[str, str]]:
    """Every button the private project's people are shown, in its channel and in DMs."""
    found: list[dict[str, Any]] = []
    for verb in bot.app.router.verbs:
        for typed in texts(verb):
            found += buttons(bot.slack.command(typed, channel=PRIVATE).json().get("blocks") or [])
    for call in bot.fake.calls:
        found += buttons(call.args.get("blocks") or [])
    return list(dict.fromkeys((button["action_id"], button.get("value", "")) for button in found))


@SQLITE_ONLY
def test_every_button_of_the_private_project_is_refused_where_it_may_not_be_seen(bot: RunningBot) -> None:
    private_project(bot)
    shown = shown_buttons(bot)
    assert {SHARE_ACTION, "task_done", "risk_update", "deliverable_accept"} <= {action for action, _ in shown}
    since, opened = len(bot.fake.calls), len(bot.fake.calls_to("views.open"))
    for person, place, refused in ((CAROL, PRIVATE, NOT_THEIRS), (ALICE, ELSEWHERE, NOT_HERE)):
        for action_id, value in shown:
            if place == ELSEWHERE and not names_sec(value):
                continue  # a share of `/pmo tasks` in a channel without a project shows nothing of SEC
            answered = len(bot.fake.calls_to("response_url"))
            bot.slack.block_action(action_id, value=value, user=person, channel=place)
            answer = bot.fake.wait_for("response_url", answered + 1)[-1].args["text"]
            assert answer.startswith(refused), (person, place, action_id, answer)
    bot.slack.message_shortcut("log_risk", message_text="a risk", user=CAROL, channel=PRIVATE)
    assert bot.fake.wait_for("response_url")[-1].args["text"].startswith(NOT_THEIRS)
    assert leaked(bot, since) == []
    assert len(bot.fake.calls_to("views.open")) == opened  # no form of it opened either
