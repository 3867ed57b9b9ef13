"""Typed text is text: markup in what people type never pings, mentions or links (issue 17, point 5).

Slack reads `<!channel>`, `<@U…>` and `<https://…|label>` in mrkdwn as a ping, a mention and a
link. Every sentence comes from the catalogs through the translator, which escapes each
parameter that is not markup the bot built itself; plain_text shows text as sent, so it carries
what was typed, unescaped; files show it as typed. The property tests feed markup through every
catalog sentence and the Block Kit builders; the end-to-end tests raise a risk, a task, a change
request, a standup answer and a lesson with markup in them, over HTTP on both databases, and read
every message, DM, Home tab and modal the fake Slack received.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.blocks import button, clip, header, modal, option, plain, section, text_input
from bot.formats import fmt_list, mention
from bot.i18n import Translator, available_languages, catalog
from bot.markup import Markup, as_text, escape, unescape
from models import ChangeRequest, Issue, Risk, Task
from models.core.errors import People
from tests.support.charter import create
from tests.support.closing_flows import give_lessons, start, wait_until
from tests.support.databases import SQLITE_ONLY
from tests.support.digests import digests
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.flows import say as closing_say
from tests.support.served import RunningBot
from tests.support.standups import answer, standups, team
from tests.support.workspace import ALICE, BOB, CAROL

# What an attacker types: pings, a mention of someone the bot never meant, a hidden link.
NASTY = "<!channel> <https://x.example|click> & <@U0004> <!here|here> <!everyone> a<b>c"
NASTY_SHOWN = escape(NASTY)
# A live token that only typed text could have put there.
LIVE_FROM_TYPED = re.compile(r"<(?:!|@U0004|https?://x\.example)")
OUTSIDER_MENTION = "<@U0004>"

CORPUS = [
    NASTY,
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0004|mallory>",
    "<#C0001|general>",
    "<https://evil.example|a harmless label>",
    "<mailto:a@b.example|mail>",
    "&lt;!channel&gt;",  # typed as such: shown as such, not turned into a ping
    "a & b < c > d",
    "<<!channel>>",
    "<",
    ">",
    "&",
]
typed_text = st.one_of(
    st.sampled_from(CORPUS), st.text(alphabet=st.sampled_from("<>&!@|:/ hx#U0"), max_size=40)
)


# -- what the fake Slack received, as a person reads it


def texts(obj: Any, kind: str) -> Iterator[str]:
    """Every text object of `kind` ("mrkdwn" or "plain_text") anywhere in a payload."""
    if isinstance(obj, dict):
        if obj.get("type") == kind and isinstance(obj.get("text"), str):
            yield obj["text"]
        for value in obj.values():
            yield from texts(value, kind)
    elif isinstance(obj, list):
        for item in obj:
            yield from texts(item, kind)


def mrkdwn_of(args: dict[str, Any]) -> list[str]:
    """A call's mrkdwn: a message's text (read as mrkdwn), a file's comment, every mrkdwn block."""
    top = [args[name] for name in ("text", "initial_comment") if isinstance(args.get(name), str)]
    return top + list(texts(args, "mrkdwn"))


def everything_sent(bot: RunningBot) -> list[tuple[str, dict[str, Any]]]:
    return [(call.method, call.args) for call in bot.fake.calls]


def assert_nothing_live(sent: list[tuple[str, dict[str, Any]]]) -> None:
    """No mrkdwn carries a ping, mention or link from typed text; plain_text is never escaped."""
    for method, args in sent:
        for text in mrkdwn_of(args):
            assert not LIVE_FROM_TYPED.search(text), f"{method} sent live markup: {text!r}"
        for text in texts(args, "plain_text"):
            assert "&lt;" not in text and "&amp;" not in text, f"{method} escaped plain_text: {text!r}"


def shown_anywhere(bot: RunningBot, method: str, channel: str | None = None) -> str:
    """All mrkdwn of `method`'s calls (to `channel`, when given), joined."""
    found = [
        text
        for call in bot.fake.calls_to(method)
        if channel is None or call.args.get("channel") == channel or call.args.get("user_id") == channel
        for text in mrkdwn_of(call.args)
    ]
    return "\n".join(found)


# -- the one escaping function


@given(typed_text)
def test_escaping_is_undone_exactly_and_leaves_no_angle_brackets(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text
    assert escape(escaped) is escaped  # markup is never escaped twice


def test_markup_joins_escape_what_is_typed_and_keep_what_the_bot_built() -> None:
    t = Translator("en")
    joined = fmt_list([mention(ALICE, t), "<!channel>"], t)
    assert joined == "<@U0001>, &lt;!channel&gt;"
    assert isinstance(Markup("a") + Markup("b"), Markup) and not isinstance(Markup("a") + "<b>", Markup)


def placeholders(template: str) -> list[tuple[str, str]]:
    return [(name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name]


def catalog_keys() -> list[tuple[str, str]]:
    return [
        (language, key)
        for language in available_languages()
        for key, template in catalog(language).items()
        if placeholders(template)
    ]


TRANSLATORS = {language: Translator(language) for language in available_languages()}


def check_sentence(language: str, key: str, text: str) -> None:
    t = TRANSLATORS[language]
    template = catalog(language)[key]
    fields = placeholders(template)
    own = t(key, **{name: (7 if spec else "x") for name, spec in fields})
    params = {name: (7 if spec else text) for name, spec in fields}
    shown = t(key, **params)
    assert shown.count("<") == own.count("<") and shown.count(">") == own.count(">")
    assert text in as_text(shown)  # and the reader sees exactly what was typed
    assert text in t.literal()(key, **params)  # files show it as typed


def test_no_catalog_sentence_lets_typed_markup_through() -> None:
    """Every sentence the bot can write, every parameter typed: only the sentence's own markup is live."""
    for language, key in catalog_keys():
        for text in CORPUS:
            check_sentence(language, key, text)


@given(st.sampled_from(catalog_keys()), typed_text)
def test_any_sentence_with_any_typed_text_keeps_only_its_own_markup(
    sentence: tuple[str, str], text: str
) -> None:
    check_sentence(*sentence, text)


def test_every_catalog_sentence_writes_its_own_angle_brackets_as_markup() -> None:
    """A catalog's `<word>` would be read by Slack as a link: usage hints write &lt;word&gt;."""
    own_markup = re.compile(r"<(?:@\{\w+\}|#\{\w+\}|\{url\}\|\{\w+\})>")
    for language in available_languages():
        for key, template in catalog(language).items():
            rest = own_markup.sub("", template)
            assert "<" not in rest and ">" not in rest, f"{language} {key}: {template}"


# -- plain_text shows text as sent: never escaped, never double-escaped


@given(typed_text)
def test_plain_text_shows_typed_text_exactly(text: str) -> None:
    t = Translator("en")
    sentence = t("risks.heatmap_title", key="APL", name=text)
    expected = t.literal()("risks.heatmap_title", key="APL", name=text)
    view = modal(
        callback_id="x",
        title=text,
        submit=t("risks.save"),
        close=t("charter.cancel"),
        blocks=[
            header(sentence),
            text_input("title", sentence, initial=text, placeholder=sentence),
            section(sentence, accessory=button(sentence, action_id="b")),
        ],
    )
    assert view["blocks"][0]["text"]["text"] == clip(expected, 150)
    assert view["blocks"][1]["label"]["text"] == expected
    assert view["blocks"][1]["element"]["placeholder"]["text"] == clip(expected, 150)
    assert view["blocks"][1]["element"].get("initial_value") == (text or None)  # typed, as typed
    assert view["blocks"][2]["accessory"]["text"]["text"] == clip(expected, 75)
    assert view["blocks"][2]["text"]["text"] == sentence  # mrkdwn keeps the escapes
    assert view["title"]["text"] == clip(text, 24)
    assert option(text, "v")["text"]["text"] == clip(text, 75)
    assert plain(text)["text"] == text  # typed text handed straight to plain_text is left alone


def test_people_named_by_the_domain_are_mentions_rendered_from_their_ids() -> None:
    t = Translator("en")
    shown = t("changes.not_decider", key="APL-C1", deciders=People((ALICE, BOB)))
    assert shown.startswith("Only <@U0001>, <@U0002> or a PMO administrator")
    assert t("access.denied.edit_charter", roles="manager", manager=People((CAROL,))).count("<@U0003>") == 1


# -- end to end, over HTTP on both databases


def raise_risk(bot: RunningBot, values: dict[str, str | None], user: str = ALICE) -> None:
    view = open_modal(bot, "risk", user=user)
    assert field_errors(submit(bot, view, values, user=user)) == {}


@SQLITE_ONLY
def test_a_risk_titled_with_markup_is_posted_and_listed_as_text(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    title = "<!channel> <https://x.example|click>"
    raise_risk(
        bot,
        {
            "title": title,
            "description": NASTY,
            "category": NASTY[:100],
            "probability": "5",
            "impact": "5",
            "owner_id": CAROL,
            "response_actions": NASTY,
        },
    )
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Risk)).one().title == title  # stored as typed
    bot.fake.wait_for("chat.postMessage")
    post = shown_anywhere(bot, "chat.postMessage", CHANNEL)
    assert "&lt;!channel&gt; &lt;https://x.example|click&gt;" in post
    assert "<!channel>" not in post and NASTY_SHOWN in post
    register = bot.slack.command("risks").json()
    assert "&lt;!channel&gt;" in register["text"] and "<!channel>" not in str(register)
    edit = open_modal(bot, "risk edit APL-R1")
    inputs = {b["block_id"]: b["element"] for b in edit["blocks"] if b["type"] == "input"}
    assert inputs["title"]["initial_value"] == title  # the form shows what was typed, to edit it
    status = bot.slack.command("status").json()
    assert "<!channel>" not in str(status)
    assert_nothing_live([*everything_sent(bot), ("ack", register), ("ack", status)])


@SQLITE_ONLY
def test_a_task_title_with_markup_reaches_its_owner_and_the_home_tab_as_text(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    view = open_modal(bot, "task")
    values = {"title": NASTY[:300], "description": NASTY, "owner_id": CAROL, "due_date": "2026-12-20"}
    assert field_errors(submit(bot, view, values)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Task)).one().title == NASTY
    confirmation = bot.fake.wait_for("chat.postEphemeral")[-1].args["text"]
    assert NASTY_SHOWN in confirmation and "owner <@U0003>" in confirmation  # the owner the bot meant
    bot.slack.event({"type": "app_home_opened", "user": CAROL, "tab": "home"})
    home = bot.fake.wait_for("views.publish")[-1].args
    assert home["user_id"] == CAROL and NASTY_SHOWN in "\n".join(mrkdwn_of(home))
    tasks = bot.slack.command("tasks").json()
    assert NASTY_SHOWN in str(tasks)
    assert_nothing_live([*everything_sent(bot), ("ack", tasks)])


@SQLITE_ONLY
def test_a_command_is_read_as_typed_and_its_markup_shown_as_text(bot: RunningBot) -> None:
    """Slack escapes &, < and > typed in a command; "@channel" typed there arrives as <!channel>."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    answer_text = bot.slack.command("task add R&amp;D &lt;b&gt; <!channel> <@U0003|carol>").json()["text"]
    with bot.database.system_session(write=False) as db:
        stored = db.scalars(select(Task)).one()
    assert (stored.title, stored.owner_id) == ("R&D <b> <!channel>", CAROL)
    assert "R&amp;D &lt;b&gt; &lt;!channel&gt;" in answer_text and "<@U0003>" in answer_text
    assert_nothing_live([*everything_sent(bot), ("ack", {"text": answer_text})])


@SQLITE_ONLY
def test_a_change_request_reason_with_markup_is_shown_as_text_in_every_copy(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("milestone add Beta due 2027-01-15")
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    values = {"title": "Add refunds", "targets": "APL-M1", "schedule_days": "3", "reason": NASTY}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(ChangeRequest)).one().reason == NASTY

    def copies() -> list[dict[str, Any]]:
        return [
            call.args
            for call in bot.fake.calls_to("chat.postMessage")
            if call.args["text"].startswith("⏳ Change request *APL-C1*")
        ]

    wait_until(lambda: len(copies()) >= 3)
    assert {args["channel"] for args in copies()} >= {CHANNEL, ALICE, BOB}
    for args in copies():
        assert NASTY_SHOWN in "\n".join(mrkdwn_of(args))
    assert_nothing_live(everything_sent(bot))


@SQLITE_ONLY
def test_a_standup_answer_with_markup_is_summarised_as_text(bot: RunningBot) -> None:
    team(bot)
    standups(bot, "2026-12-07T08:40+00:00")  # Carol's morning
    answer(bot, CAROL, {"yesterday": NASTY, "blockers": "<!here> staging is down"})
    wait_until(lambda: NASTY_SHOWN in shown_anywhere(bot, "chat.postMessage", CHANNEL))
    shown = shown_anywhere(bot, "chat.postMessage", CHANNEL)
    assert NASTY_SHOWN in shown and "&lt;!here&gt; staging is down" in shown
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Issue)).one().title == "<!here> staging is down"  # the blocker's issue
    assert_nothing_live(everything_sent(bot))


@SQLITE_ONLY
def test_a_lesson_with_markup_is_text_in_slack_and_as_typed_in_the_report(bot: RunningBot) -> None:
    start(bot)
    assert give_lessons(bot, CAROL, {"went_well": NASTY, "rating": "4"}) == {}
    wait_until(lambda: NASTY_SHOWN in shown_anywhere(bot, "chat.postMessage", CHANNEL))  # the retrospective
    uploads_before = len(bot.fake.calls_to("files.completeUploadExternal"))
    closing_say(bot, "report")
    complete = bot.fake.wait_for("files.completeUploadExternal", uploads_before + 1, timeout=60)[-1]
    files = [bot.fake.uploaded(item["id"]) for item in complete.args["files"]]
    markdown = next(f.content.decode() for f in files if f is not None and f.filename.endswith(".md"))
    assert NASTY in markdown and "&lt;" not in markdown  # a file is not mrkdwn: as typed
    assert_nothing_live(everything_sent(bot))


@SQLITE_ONLY
def test_a_message_captured_by_a_shortcut_is_prefilled_as_typed_and_shown_as_text(bot: RunningBot) -> None:
    """A message's text arrives as mrkdwn: the form shows the characters, the answer escapes them."""
    create(bot)
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.message_shortcut("log_risk", message_text="Ship R&amp;D &lt;now&gt; <!channel>")
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")["element"]["initial_value"]
    assert title == "Ship R&D <now> <!channel>"
    assert field_errors(submit(bot, view, {"probability": "5", "impact": "5"})) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Risk)).one().title == title
    wait_until(lambda: "Ship R&amp;D &lt;now&gt; &lt;!channel&gt;" in shown_anywhere(bot, "chat.postMessage"))
    assert_nothing_live(everything_sent(bot))


# Typed in a command, as Slack sends it: "@channel" typed becomes <!channel>, "<" becomes &lt;.
SENT = "<!channel> <https://x.example|click> R&amp;D &lt;b&gt;"
SENT_SHOWN = "&lt;!channel&gt; &lt;https://x.example|click&gt; R&amp;D &lt;b&gt;"
READ_VERBS = (
    "status", "plan", "tasks", "risks", "issues", "budget", "team", "comms", "quality", "history APL-1",
    "changes", "docs", "projects all", "charter", "people", "decisions", "deliverables", "help",
)  # fmt: skip


@SQLITE_ONLY
def test_every_read_verb_and_the_digests_show_typed_markup_as_text(bot: RunningBot) -> None:
    """A project whose every typed field carries markup, read back through every verb and digest."""
    charter = {"name": "Apollo <!here> & Co", "goal": NASTY, "scope_in": NASTY, "stakeholders": NASTY}
    risk = {"risk1_title": "<!channel> vendor", "risk1_probability": "4", "risk1_impact": "5"}
    create(bot, charter | risk)
    for command in (
        f"team add <@U0003> member 50% {SENT}",
        "budget set people 100000",
        f"cost 1200 people {SENT}",
        f"task add {SENT} <@U0003|carol> start 2026-12-08 due 2026-12-09 est 40",
        f"milestone add {SENT} due 2027-01-15",
        f"issue {SENT}",
        f"quality criterion APL-1 {SENT}",
        f"doc add <https://docs.example.com/a> {SENT} charter",
    ):
        assert bot.slack.command(command).status == 200
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Task)).one().title == "<!channel> <https://x.example|click> R&D <b>"
    answers = [(verb, bot.slack.command(verb).json()) for verb in READ_VERBS]
    shown = {verb: str(reply) for verb, reply in answers}
    assert SENT_SHOWN in shown["tasks"] and SENT_SHOWN in shown["plan"] and SENT_SHOWN in shown["issues"]
    assert "Apollo &lt;!here&gt; &amp; Co" in shown["projects all"] and NASTY_SHOWN in shown["charter"]
    digests(bot, "2026-12-07T09:30+00:00")  # Monday: the weekly and the portfolio digest
    upload = bot.fake.wait_for("files.completeUploadExternal", timeout=20)[-1].args
    assert "Apollo &lt;!here&gt; &amp; Co" in upload["initial_comment"]
    assert SENT_SHOWN in shown_anywhere(bot, "chat.postMessage", CHANNEL)  # the digest's task lines
    assert_nothing_live([*everything_sent(bot), *answers])
