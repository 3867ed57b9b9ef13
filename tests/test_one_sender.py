"""Every message a scheduled pass sends goes through the one sender, bot.outbox.

The sender claims each message in the delivery log, paces it and records where it landed
(bot/outbox.py); a pass that called Slack itself would send twice after a restart and leave
no copy to keep in step. So every Web API call that posts, made while the passes run, is
traced back to the code that made it: each must have come through bot/outbox.py.
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.base_client import BaseClient

from tests.support.passes import run_passes_now
from tests.support.reviews import REVIEWS_DUE, with_reviews
from tests.support.served import SETTLE_S, RunningBot
from tests.support.workspace import CAROL, TEAM

OUTBOX = Path("bot") / "outbox.py"
# What leaves a message where people read it; reads (users.list, conversations.info) and the
# Home tab (views.publish, a view rebuilt whole each time) are not sends.
SENDING = ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage", "chat.update", "files.")
# The passes that message people, and a moment each has something to say in Apollo's time
# zone (Asia/Shanghai): the agenda before Wednesday's meeting, Friday's stakeholder report,
# Monday's reviews, reminders, standup and digest.
MOMENTS = {
    "reports": ("2026-12-02T10:05+08:00", "2026-12-04T16:05+08:00"),
    "reviews": (REVIEWS_DUE,),
    "reminders": (REVIEWS_DUE,),
    "standups": ("2026-12-07T09:45+08:00",),
    "digests": ("2026-12-07T09:45+08:00",),
}


def sends(method: str) -> bool:
    return any(method == name or (name.endswith(".") and method.startswith(name)) for name in SENDING)


@dataclass
class Senders:
    """Each sending call made while recording, by pass, and whether it came through the outbox."""

    passing: str = ""
    through_outbox: Counter[str] = field(default_factory=Counter)
    around_it: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, stack: traceback.StackSummary) -> None:
        outbox = any(Path(frame.filename).parts[-2:] == OUTBOX.parts for frame in stack)
        with self.lock:
            if outbox:
                self.through_outbox[self.passing] += 1
            else:
                self.around_it.append(f"{self.passing}: {method} from {caller(stack)}")


def caller(stack: traceback.StackSummary) -> str:
    """The innermost frame outside slack-sdk and this recording: who made the call."""
    frame = [frame for frame in stack[:-1] if "slack_sdk" not in Path(frame.filename).parts][-1]
    return f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"


@contextmanager
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[Senders]:
    """Every Web API call, from any thread, told to `Senders` with the stack that made it."""
    senders = Senders()
    original = BaseClient.api_call

    def traced(client: BaseClient, api_method: str, *args: Any, **kwargs: Any) -> Any:
        if sends(api_method):
            senders.record(api_method, traceback.extract_stack())
        return original(client, api_method, *args, **kwargs)

    monkeypatch.setattr(BaseClient, "api_call", traced)
    yield senders


def run_every_pass(bot: RunningBot, senders: Senders) -> None:
    for name, moments in MOMENTS.items():
        senders.passing = name
        for moment in moments:
            done = run_passes_now(bot, moment, name)
            assert done.ok, done.stdout


def test_every_message_a_pass_sends_goes_through_the_outbox(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_reviews(bot)  # Apollo: a risk and a quality review due Monday, Carol's task
    bot.slack.command("team add <@U0009> stakeholder")  # Friday's report has an audience
    bot.slack.command("task add Docs <@U0003|carol> start 2026-12-01 due 2026-12-03")  # overdue Monday
    bot.slack.command("issue Staging is down")  # the agenda has an issue to discuss
    assert bot.app.runtime.settle(SETTLE_S)  # the commands' own notices are not the passes'
    with recording(monkeypatch) as senders:
        run_every_pass(bot, senders)
    assert senders.around_it == []
    # Each pass did send, so the check above looked at something.
    assert set(senders.through_outbox) == set(MOMENTS), senders.through_outbox


def test_a_send_made_around_the_outbox_is_caught(bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: a post made straight from a pass's own code is reported, with its caller."""
    with recording(monkeypatch) as senders:
        senders.passing = "reminders"
        bot.app.runtime.client_for(TEAM).chat_postMessage(channel=CAROL, text="around the outbox")
    assert len(senders.around_it) == 1
    assert senders.around_it[0].startswith("reminders: chat.postMessage from test_one_sender.py")
    assert senders.through_outbox == Counter()
