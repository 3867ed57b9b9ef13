"""The standup's own questions over real HTTP: from a template or `/pmo standup config`, asked in
each reader's language, required ones enforced beside the field, the blocker question's answer
raised as an issue, and the day's summary showing each answer under its question."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import AuditEntry, Issue, Project
from tests.support.charter import CHARTER
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.passes import dms_to
from tests.support.served import RunningBot
from tests.support.standups import answer_form, prompts, standups, team
from tests.support.workspace import CAROL, WEI


def labels(view: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {
        block["block_id"]: (block["label"]["text"], block["optional"])
        for block in view["blocks"]
        if block["type"] == "input"
    }


def channel_posts(bot: RunningBot) -> list[dict[str, Any]]:
    return [
        c.args
        for c in bot.fake.calls
        if c.method in ("chat.postMessage", "chat.update") and c.ok and c.args["channel"] == CHANNEL
    ]


def test_a_templates_questions_are_asked_enforced_and_summarised(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    assert field_errors(submit(bot, view, {**CHARTER, "template": "builtin:en:software-release"})) == {}
    bot.slack.command("team add <@U0003> member")
    bot.slack.command(f"team add <@{WEI}> member")

    standups(bot, "2026-12-07T01:35+00:00")  # 09:35 in Shanghai, where Wei reads Chinese
    assert "站会：昨天完成了什么？ 今天要完成什么？" in dms_to(bot, WEI)[-1]
    assert labels(answer_form(bot, WEI))["a1"] == ("昨天完成了什么？", False)

    standups(bot, "2026-12-07T08:40+00:00")  # Carol's morning in Madrid
    assert prompts(bot, CAROL) == [
        "☀️ Standup for *APL* Apollo, Mon 2026-12-07: What did you finish yesterday?"
        " What will you finish today? Anything blocking you or the release?"
        " A defect or risk the team should know about?"
    ]
    form = answer_form(bot, CAROL)
    assert labels(form) == {
        "a1": ("What did you finish yesterday?", False),
        "a2": ("What will you finish today?", False),
        "a3": ("Anything blocking you or the release?", True),
        "a4": ("A defect or risk the team should know about?", True),
    }
    typed = {"a1": "Schema", "a3": "No staging database"}
    assert field_errors(submit(bot, form, typed, user=CAROL)) == {"a2": "This question needs an answer."}
    assert field_errors(submit(bot, form, {**typed, "a2": "Migrations"}, user=CAROL)) == {}

    summary = str(channel_posts(bot)[-1]["blocks"])
    assert "• What did you finish yesterday? Schema" in summary
    assert "• What will you finish today? Migrations" in summary
    assert "• Anything blocking you or the release? No staging database" in summary
    assert "A defect or risk" not in summary  # not answered, so not shown
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue)).one()
    assert (issue.title, issue.owner_id) == ("No staging database", CAROL)


def test_standup_config_edits_the_questions_in_both_languages(bot: RunningBot) -> None:
    team(bot)
    view = open_modal(bot, "standup config")
    assert labels(view)["q1_zh-CN"] == ("Question 1 (简体中文)", True)
    values = {
        "q1_en": "What did you ship?",
        "q1_zh-CN": "你交付了什么？",
        "q1_flags": "required,blocker",
        "q2_en": "Who do you need?",
        "q2_flags": "blocker",
    }
    assert field_errors(submit(bot, view, values)) == {"q2_flags": "Only one question can ask for blockers."}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.standup_questions)).one() is None

    assert field_errors(submit(bot, view, {**values, "q2_flags": None})) == {}
    told = channel_posts(bot)[-1]["text"]
    assert told.endswith(
        "Standup questions:\n1. What did you ship? (required, asks for blockers (each answer is logged as an"
        " issue))\n2. Who do you need?"
    )
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.standup_questions)).one() == [
            {
                "text": {"en": "What did you ship?", "zh-CN": "你交付了什么？"},
                "required": True,
                "blocker": True,
            },
            {"text": {"en": "Who do you need?"}, "required": False, "blocker": False},
        ]
        audited = db.scalars(select(AuditEntry).where(AuditEntry.action == "standup.questions")).one()
    assert audited.before == {"questions": None}

    again = open_modal(bot, "standup config")
    initial = {
        b["block_id"]: b["element"].get("initial_value") for b in again["blocks"] if b["type"] == "input"
    }
    assert (initial["q1_zh-CN"], initial["q2_en"], initial["q3_en"]) == (
        "你交付了什么？",
        "Who do you need?",
        None,
    )
    cleared = {name: None for name in values}
    assert field_errors(submit(bot, again, cleared)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.standup_questions)).one() is None
