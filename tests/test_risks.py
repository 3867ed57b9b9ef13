"""The risk register and response plans: `/pmo risk`, `/pmo risk edit`, `/pmo risks`, end to end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.heatmap import Heatmap, render_heatmap
from bot.markup import unescape
from models import AuditEntry, Issue, Risk, RiskAssessment
from models.core.enums import RiskStatus, RiskStrategy
from tests.support.charter import create
from tests.support.flows import CHANNEL, count_rows, field_errors, local_today, open_modal, submit
from tests.support.png import PNG_SIGNATURE
from tests.support.risks import raised, reviewing
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

OUTSIDER = "U0004"


def risk(bot: RunningBot, number: int) -> Risk:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Risk).where(Risk.number == number)).one()


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def channel_posts(bot: RunningBot) -> list[str]:
    return [
        call.args["text"] for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == CHANNEL
    ]


def test_the_risk_modal_has_every_field_of_a_response_plan(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "risk")
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    assert list(inputs) == [
        "title",
        "description",
        "category",
        "probability",
        "impact",
        "owner_id",
        "strategy",
        "response_actions",
        "trigger",
        "contingency",
        "review_date",
    ]
    assert [o["value"] for o in inputs["probability"]["options"]] == ["1", "2", "3", "4", "5"]
    assert [o["value"] for o in inputs["strategy"]["options"]] == ["avoid", "mitigate", "transfer", "accept"]


def test_raising_a_risk_keeps_its_plan_scores_it_and_keys_it(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    errors = raised(
        bot,
        {
            "title": "Payment provider API changes",
            "description": "The provider announced v3",
            "category": "vendor",
            "probability": "3",
            "impact": "4",
            "owner_id": CAROL,
            "strategy": "mitigate",
            "response_actions": "Pin the SDK; test against the sandbox weekly",
            "trigger": "Deprecation notice",
            "contingency": "Fall back to the old gateway",
            "review_date": "2026-12-15",
        },
    )
    assert errors == {}
    made = risk(bot, 1)
    assert (made.score, made.owner_id, made.strategy, made.review_date, made.category) == (
        12,
        CAROL,
        RiskStrategy.MITIGATE,
        date(2026, 12, 15),
        "vendor",
    )
    assert made.contingency == "Fall back to the old gateway"
    confirmation = bot.fake.wait_for("chat.postEphemeral")[-1].args
    assert confirmation["text"] == (
        "Raised *APL-R1* Payment provider API changes · score 12. Next review Tue 2026-12-15."
    )
    # Scored under 15: the channel is not bothered with it.
    assert not any("APL-R1" in text for text in channel_posts(bot))
    assert count_rows(bot.database, RiskAssessment) == 1


def test_a_risk_scored_15_or_more_is_posted_to_the_channel(bot: RunningBot) -> None:
    create(bot)
    assert raised(bot, {"title": "Vendor late", "probability": "3", "impact": "5"}, user=BOB) == {}
    post = bot.fake.wait_for("chat.postMessage", 2)[-1].args
    assert post["channel"] == CHANNEL
    assert post["text"] == "⚠️ <@U0002> raised *APL-R1*, scored 15: it needs the team's attention."
    assert "3×5 = *15*" in str(post["blocks"])


def test_the_register_is_sorted_by_score_and_shows_the_trend(bot: RunningBot) -> None:
    create(bot)
    raised(bot, {"title": "Low", "probability": "1", "impact": "2"})
    raised(bot, {"title": "High", "probability": "4", "impact": "5", "strategy": "avoid"})
    raised(bot, {"title": "Middle", "probability": "3", "impact": "3"})
    view = open_modal(bot, "risk edit APL-R1")
    assert field_errors(submit(bot, view, {"probability": "2", "impact": "4"})) == {}
    view = open_modal(bot, "risk edit APL-R3")
    assert field_errors(submit(bot, view, {"probability": "2"})) == {}  # 9 → 6
    view = open_modal(bot, "risk edit APL-R3")
    assert field_errors(submit(bot, view, {"title": "Middle risk"})) == {}  # not rescored: no new score
    view = open_modal(bot, "risk edit APL-R3")
    assert field_errors(submit(bot, view, {"probability": "3", "impact": "4"})) == {}  # 6 → 12

    lines = say(bot, "risks").splitlines()
    assert lines[0] == "APL · Apollo — open risks by score"
    assert [line.split("*")[1] for line in lines[1:]] == ["APL-R2", "APL-R3", "APL-R1"]
    assert lines[1].startswith("🔴 *APL-R2* High · 4×5 = *20* · nobody · avoid")
    assert lines[2].startswith("🟠 *APL-R3* Middle risk · 3×4 = *12* ↑ 9→6→12 · nobody · no response yet")
    assert lines[3].startswith("🟠 *APL-R1* Low · 2×4 = *8* ↑ 2→8 · nobody")
    with bot.database.system_session(write=False) as db:
        score = RiskAssessment.probability * RiskAssessment.impact
        kept = db.scalars(select(score).order_by(RiskAssessment.id))
        assert list(kept) == [2, 20, 9, 8, 6, 12]  # every scoring, in order


def test_editing_a_risk_prefills_audits_the_change_and_rescoring_high_is_announced(bot: RunningBot) -> None:
    create(bot)
    raised(bot, {"title": "Scope creep", "probability": "2", "impact": "3", "review_date": "2026-12-20"})
    view = open_modal(bot, "risk edit apl-r1")
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    assert inputs["title"]["initial_value"] == "Scope creep"
    assert inputs["impact"]["initial_option"]["value"] == "3"
    assert inputs["review_date"]["initial_value"] == "2026-12-20"

    assert field_errors(submit(bot, view, {"probability": "5", "strategy": "accept"})) == {}
    changed = risk(bot, 1)
    assert (changed.probability, changed.impact, changed.strategy, changed.title) == (
        5,
        3,
        RiskStrategy.ACCEPT,
        "Scope creep",
    )
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "risk.edit")).one()
    assert (entry.subject, entry.before, entry.after) == (
        "APL-R1",
        {"probability": 2, "strategy": None},
        {"probability": 5, "strategy": "accept"},
    )
    assert "rescored *APL-R1* to 15" in channel_posts(bot)[-1]
    assert bot.fake.wait_for("chat.postEphemeral", 2)[-1].args["text"] == (
        "*APL-R1* updated: Probability (1–5), Response strategy."
    )
    assert count_rows(bot.database, RiskAssessment) == 2


def test_bad_risks_show_each_error_beside_its_field_and_change_nothing(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "risk")
    reply = submit(
        bot,
        view,
        {"title": "Vendor", "probability": "7", "owner_id": OUTSIDER, "review_date": "someday-ish"},
    )
    errors = field_errors(reply)
    assert set(errors) == {"probability", "owner_id", "review_date"}
    assert "from 1 to 5, not 7" in errors["probability"]
    assert "not on this project's team" in errors["owner_id"]
    assert "can't read" in errors["review_date"]
    assert count_rows(bot.database, Risk) == 0


def test_an_impact_outside_one_to_five_is_refused_beside_its_field(bot: RunningBot) -> None:
    create(bot)
    for impact in ("0", "6"):
        errors = raised(bot, {"title": "Vendor", "probability": "3", "impact": impact})
        assert set(errors) == {"impact"}, errors
        assert f"from 1 to 5, not {impact}" in errors["impact"]
    assert count_rows(bot.database, Risk) == 0


def test_unknown_keys_and_bad_words_are_refused_with_the_form(bot: RunningBot) -> None:
    create(bot)
    opened = len(bot.fake.calls_to("views.open"))
    assert "There is no risk `APL-R9` in this project." in say(bot, "risk edit APL-R9")
    assert "There is no risk `APL-9`" in say(bot, "risk edit APL-9")
    answer = say(bot, "risk delete APL-R1")
    assert "`delete APL-R1` is not something I do with a risk" in answer
    assert "/pmo risk [edit <KEY> | review <KEY>]" in unescape(answer)
    assert "`closed` is not a register I know" in say(bot, "risks closed")
    assert len(bot.fake.calls_to("views.open")) == opened


def test_only_the_team_edits_risks_but_anyone_on_the_project_raises_them(bot: RunningBot) -> None:
    create(bot)
    raised(bot, {"title": "Vendor late", "probability": "2", "impact": "2"})
    # Bob is the sponsor: he may raise a risk, not rework the team's response plan.
    assert "Only the project's team (manager, member)" in say(bot, "risk edit APL-R1", user=BOB)
    assert "Only people on the project" in say(bot, "risk", user=OUTSIDER)
    assert raised(bot, {"title": "Budget cut", "probability": "2", "impact": "2"}, user=BOB) == {}
    view = open_modal(bot, "risk edit APL-R1", user=ADMIN)
    assert field_errors(submit(bot, view, {"title": "Vendor very late"}, user=ADMIN)) == {}
    assert risk(bot, 1).title == "Vendor very late"


def test_the_heatmap_is_uploaded_to_the_channel_after_answering(bot: RunningBot) -> None:
    create(bot)
    raised(bot, {"title": "Vendor late", "probability": "4", "impact": "5"})
    raised(bot, {"title": "Scope creep", "probability": "2", "impact": "2"})
    assert "Drawing the risk heatmap of APL" in say(bot, "risks heatmap")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=20)[-1]
    assert complete.args["channel_id"] == CHANNEL
    assert "2 open risks" in complete.args["initial_comment"]
    png = bot.fake.uploaded(complete.args["files"][0]["id"]).content
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000


def test_a_review_prompt_offers_still_open_occurred_closed_and_update(bot: RunningBot) -> None:
    buttons = reviewing(bot)
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("risk_still_open", "APL-R1"),
        ("risk_occurred", "APL-R1"),
        ("risk_closed", "APL-R1"),
        ("risk_update", "APL-R1"),
    ]
    bot.slack.block_action("risk_still_open", value="APL-R1", user=CAROL)
    answer = bot.fake.wait_for("response_url")[-1].args
    assert answer["text"].startswith("*APL-R1* is still open; next review ")
    assert risk(bot, 1).review_date is not None

    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("risk_update", value="APL-R1", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert view["callback_id"] == "risk_edit"


def test_a_risk_that_occurs_becomes_a_linked_issue_and_leaves_the_register(bot: RunningBot) -> None:
    reviewing(bot)
    bot.slack.block_action("risk_occurred", value="APL-R1", user=CAROL)
    assert "has occurred: it is now issue *APL-I1*" in bot.fake.wait_for("response_url")[-1].args["text"]
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue)).one()
    assert (issue.title, issue.risk_id, issue.owner_id, issue.severity.value) == (
        "Vendor late",
        risk(bot, 1).id,
        CAROL,
        "critical",
    )
    assert issue.description == "Switch to the backup vendor"
    assert risk(bot, 1).status is RiskStatus.OCCURRED
    assert "APL-R1" not in say(bot, "risks")
    bot.slack.block_action("risk_closed", value="APL-R1", user=CAROL)
    assert "APL-R1 is occurred already" in bot.fake.wait_for("response_url", 2)[-1].args["text"]


def test_closing_needs_the_team_and_an_existing_risk(bot: RunningBot) -> None:
    reviewing(bot)
    bot.slack.block_action("risk_closed", value="APL-R1", user=BOB)
    assert "Only the project's team (manager, member)" in bot.fake.wait_for("response_url")[-1].args["text"]
    bot.slack.block_action("risk_closed", value="APL-R7", user=CAROL)
    assert "There is no risk `APL-R7`" in bot.fake.wait_for("response_url", 2)[-1].args["text"]
    assert risk(bot, 1).status is RiskStatus.OPEN
    bot.slack.block_action("risk_closed", value="APL-R1", user=CAROL)
    assert bot.fake.wait_for("response_url", 3)[-1].args["text"] == "✅ *APL-R1* is closed."
    assert risk(bot, 1).status is RiskStatus.CLOSED


def test_the_heatmap_puts_each_open_risk_in_its_probability_and_impact_cell(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Heatmap] = []

    def recording(heatmap: Heatmap) -> bytes:
        drawn.append(heatmap)
        return render_heatmap(heatmap)

    monkeypatch.setattr("handlers.risks.register.render_heatmap", recording)
    create(bot)
    raised(bot, {"title": "Vendor late", "probability": "4", "impact": "5"})
    raised(bot, {"title": "Key person leaves", "probability": "5", "impact": "4"})  # the mirror cell
    raised(bot, {"title": "Scope creep", "probability": "2", "impact": "3"})
    raised(bot, {"title": "Test rig late", "probability": "2", "impact": "3"})
    raised(bot, {"title": "Old worry", "probability": "1", "impact": "1"})
    with bot.database.system_session() as db:
        db.execute(update(Risk).where(Risk.number == 5).values(status=RiskStatus.CLOSED))
    say(bot, "risks heatmap")
    bot.fake.wait_for("files.completeUploadExternal", timeout=20)
    assert len(drawn) == 1
    assert {cell: sorted(keys) for cell, keys in drawn[0].cells.items()} == {
        (4, 5): ["APL-R1"],
        (5, 4): ["APL-R2"],
        (2, 3): ["APL-R3", "APL-R4"],
    }


def test_still_open_pressed_before_the_review_date_keeps_that_date(bot: RunningBot) -> None:
    create(bot)
    later = local_today() + timedelta(days=30)
    raised(bot, {"title": "Vendor late", "probability": "4", "impact": "5", "review_date": later.isoformat()})
    bot.slack.block_action("risk_still_open", value="APL-R1", user=ALICE)
    assert "is still open; next review" in bot.fake.wait_for("response_url")[-1].args["text"]
    assert risk(bot, 1).review_date == later
