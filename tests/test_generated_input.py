"""Generated command text and form values against the parsers: a value or a clear refusal, never a crash.

The readers are tried directly with many inputs, then the real app over HTTP with fewer: every
answer is a 200 with words in it, never the apology for an unexpected error; nothing is changed
where nothing could be; and a form either saves what it says or shows errors beside its fields.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from bot.pretend_slack.blockkit import check_message_payload
from handlers.meetings.records import read_action
from handlers.phases.gates import parse_phase_args
from handlers.slack.command import UsageError
from handlers.slack.forms import (
    DateContext,
    read_amount,
    read_date,
    read_number,
    read_user,
    read_whole,
    split_keywords,
)
from handlers.tasks.breakdown import ADD_KEYWORDS, parse_one_line
from handlers.team.members import parse_allocation
from models.core.errors import DomainError
from models.core.keys import parse_item_key
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.flows import CHANNEL, fill, open_modal
from tests.support.integrity import contents
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL

UNEXPECTED = "Sorry, something went wrong on my side"
DATES = DateContext(tz="Asia/Shanghai", now=datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
# Words the parsers look for, so generated text reaches their branches, not only their refusals.
WORDS = [
    *ADD_KEYWORDS, "from", "to", "capacity", "override", "add", "move", "edit", "withdraw", "all", "mine",
    "tomorrow", "next friday", "in 2 weeks", "下周五", "两天后", "8月3日", "2026-12-15", "dec 15",
    "<@U0003>", "<@U0003|carol>", "@carol", "APL-1", "APL-R1", "APL-C1", "APL-M1", "SEC-9", "40%", "8h",
    "1,200.50", "-3", "0", "nan", "inf", "1e400", "member", "manager", "planning", "execution",
]  # fmt: skip
word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12).filter(lambda w: not w.isspace()))
phrase = st.lists(word, max_size=8).map(" ".join)
anything = st.one_of(phrase, st.text(max_size=60))
REFUSED = (DomainError, UsageError)
READERS = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def reads_or_refuses(read: Any, *args: Any) -> Any:
    """Run a reader: what it read, or None when it refused in words (anything else is a bug)."""
    try:
        return read(*args)
    except REFUSED:
        return None


@READERS
@given(anything)
def test_dates_amounts_numbers_and_people_read_or_refuse(text: str) -> None:
    assert reads_or_refuses(read_date, text, DATES) is None or isinstance(read_date(text, DATES), date)
    assert isinstance(reads_or_refuses(read_amount, text) or Decimal(0), Decimal)
    number = reads_or_refuses(read_number, text)
    assert number is None or number - number == 0, "a number of hours is finite"
    assert isinstance(reads_or_refuses(read_whole, text) or 0, int)
    assert isinstance(reads_or_refuses(read_user, text) or "U", str)
    key = parse_item_key(text)
    assert key is None or str(key).startswith(key.project)


@READERS
@given(st.lists(word, max_size=12))
def test_one_line_commands_read_or_refuse(words: list[str]) -> None:
    reads_or_refuses(lambda: split_keywords(words, ADD_KEYWORDS, first="title"))
    form = reads_or_refuses(parse_one_line, words, DATES)
    assert form is None or form.title
    reads_or_refuses(parse_allocation, words, DATES)
    reads_or_refuses(parse_phase_args, words)
    reads_or_refuses(read_action, " ".join(words), {"carol": "U0003"}, DATES)


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
VERBS = [
    "task add", "task move", "milestone add", "cost", "budget set", "team add", "issue", "status",
    "done", "update", "assign", "history", "phase", "change withdraw", "charter", "comms edit",
    "risks", "projects", "resolve", "quality criterion", "standup", "tasks",
]  # fmt: skip
WRITES = [verb for verb in VERBS if verb not in ("status", "risks", "projects", "tasks", "history")]


def has_project(bot: RunningBot) -> bool:
    return bool(contents(bot.database)["projects"])


def answer_text(bot: RunningBot, text: str, channel: str = "C0001") -> str:
    reply = bot.slack.command(text, user=ALICE, channel=channel)
    assert reply.status == 200, (text, reply.status, reply.text[:200])
    if reply.text in ("", "null"):
        return ""  # a form opened
    answer = reply.json()
    assert check_message_payload(answer) == [], text
    return answer["text"]


@SETTINGS
@given(verb=st.sampled_from(VERBS), rest=phrase)
@SQLITE_ONLY
def test_generated_commands_get_answers_never_crashes(bot: RunningBot, verb: str, rest: str) -> None:
    if not has_project(bot):
        create(bot)
    text = answer_text(bot, f"{verb} {rest}")
    assert UNEXPECTED not in text, (verb, rest, text)


@SETTINGS
@given(verb=st.sampled_from(WRITES), rest=phrase)
@SQLITE_ONLY
def test_generated_commands_where_there_is_no_project_change_nothing(
    bot: RunningBot, verb: str, rest: str
) -> None:
    before = contents(bot.database)
    text = answer_text(bot, f"{verb} {rest}", channel="C0NONE")
    assert UNEXPECTED not in text
    assert contents(bot.database) == before, (verb, rest, text)


FIELD_VALUES = st.one_of(st.none(), anything, st.sampled_from(WORDS))


@SETTINGS
@given(values=st.fixed_dictionaries({}, optional={f: FIELD_VALUES for f in (
    "title", "description", "due_date", "start_date", "estimate_hours", "parent", "depends_on",
)}))  # fmt: skip
@SQLITE_ONLY
def test_generated_task_forms_save_or_show_errors_beside_their_fields(bot: RunningBot, values: dict) -> None:
    if not has_project(bot):
        create(bot)
    view = open_modal(bot, "task")
    inputs = {block["block_id"] for block in view["blocks"] if block["type"] == "input"}
    assume(set(values) <= inputs)
    before = contents(bot.database)["tasks"]
    reply = bot.slack.view_submission(view, fill(view, values))
    assert reply.status == 200
    errors = reply.json().get("errors", {}) if reply.text not in ("", "null") else {}
    assert set(errors) <= inputs and not any(UNEXPECTED in message for message in errors.values())
    after = contents(bot.database)["tasks"]
    assert len(after) == len(before) + (0 if errors else 1), (values, errors)


DATES_PICKED = st.one_of(st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat), anything)
PEOPLE = st.sampled_from([ALICE, BOB, CAROL, "U0NOBODY", "W0NOBODY", "not a user", ""])


def element_values(block: dict[str, Any]) -> st.SearchStrategy[str | None]:
    """What Slack could send for one input: its own choices mostly, and now and then a forged value."""
    element = block["element"]
    kind = element["type"]
    if kind == "static_select":
        choices = [option["value"] for option in element.get("options", [])]
        return st.one_of(st.none(), st.sampled_from(choices), st.sampled_from(WORDS))
    if kind == "users_select":
        return st.one_of(st.none(), PEOPLE)
    if kind == "multi_users_select":
        return st.lists(PEOPLE, max_size=3).map(",".join)
    if kind == "datepicker":
        return st.one_of(st.none(), DATES_PICKED)
    return FIELD_VALUES


# A form, the command that opens it, and the table a saved form adds one row to.
FORMS = [("new", "projects"), ("risk", "risks"), ("change", "change_requests")]
CHANNELS = count()


@pytest.mark.parametrize(("command", "table"), FORMS, ids=[form for form, _ in FORMS])
@SETTINGS
@given(data=st.data())
@SQLITE_ONLY
def test_generated_charter_risk_and_change_forms_save_or_show_errors_beside_their_fields(
    bot: RunningBot, command: str, table: str, data: st.DataObject
) -> None:
    if not has_project(bot):
        create(bot)
    # A channel holds one project, so each generated charter is opened in a channel of its own.
    view = open_modal(bot, command, channel=f"C1{next(CHANNELS):05d}" if command == "new" else CHANNEL)
    inputs = {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}
    values = data.draw(st.fixed_dictionaries({}, optional={f: element_values(b) for f, b in inputs.items()}))
    before = contents(bot.database)
    reply = bot.slack.view_submission(view, fill(view, values))
    assert reply.status == 200
    errors = reply.json().get("errors", {}) if reply.text not in ("", "null") else {}
    assert set(errors) <= set(inputs) and not any(UNEXPECTED in message for message in errors.values())
    after = contents(bot.database)
    event("refused" if errors else "saved")
    if errors:
        assert after == before, (values, errors)
    else:
        assert len(after[table]) == len(before[table]) + 1, (values, reply.text[:200])
