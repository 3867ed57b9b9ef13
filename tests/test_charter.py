"""`/pmo new` and `/pmo charter`: end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from models import AuditEntry, Member, Project, Risk, RiskAssessment
from models.core.enums import Phase, Role
from tests.support.charter import CHARTER, create, project
from tests.support.flows import CHANNEL, count_rows, field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL


def test_new_opens_the_charter_modal_with_the_submitters_defaults(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    assert {"name", "key", "goal", "sponsor_id", "manager_id", "start_date", "budget", "timezone"} <= set(
        inputs
    )
    assert inputs["manager_id"]["initial_user"] == ALICE
    assert inputs["timezone"]["initial_value"] == "Asia/Shanghai"  # Alice's Slack time zone
    assert {"risk1_title", "risk3_impact"} <= set(inputs)


def test_submitting_creates_the_project_binds_the_channel_and_posts_the_charter(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    values = {
        **CHARTER,
        "risk1_title": "Vendor late",
        "risk1_probability": "4",
        "risk1_impact": "5",
        "risk2_title": "Data migration errors",
    }
    assert field_errors(submit(bot, view, values)) == {}

    created = project(bot)
    assert (created.key, created.name, created.channel_id, created.phase) == (
        "APL",
        "Apollo",
        CHANNEL,
        Phase.INITIATION,
    )
    assert created.manager_id == ALICE and created.sponsor_id == BOB
    assert (created.start_date, created.target_end_date) == (date(2026, 12, 1), date(2027, 3, 31))
    assert created.budget == Decimal("120000.00") and created.currency == "EUR"
    assert created.baseline_budget == created.budget and created.baseline_end_date == created.target_end_date
    with bot.database.system_session(write=False) as db:
        roles = dict(db.execute(select(Member.user_id, Member.role)).all())
        risks = db.execute(
            select(Risk.number, Risk.title, Risk.probability, Risk.impact).order_by(Risk.number)
        ).all()
    assert roles == {ALICE: Role.MANAGER, BOB: Role.SPONSOR}
    assert [tuple(row) for row in risks] == [(1, "Vendor late", 4, 5), (2, "Data migration errors", 3, 3)]
    assert count_rows(bot.database, RiskAssessment) == 2

    post = bot.fake.wait_for("chat.postMessage")[-1]
    assert post.args["channel"] == CHANNEL
    shown = str(post.args["blocks"])
    assert (
        "APL · Apollo" in shown and "Put the new billing system live" in shown and "120,000.00 EUR" in shown
    )


def test_a_second_project_in_the_same_channel_is_refused_by_name(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("new").json()
    assert "already has the project APL (Apollo)" in answer["text"]
    assert len(bot.fake.calls_to("views.open")) == 1


def test_another_channel_may_start_its_own_project(bot: RunningBot) -> None:
    create(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    assert count_rows(bot.database, Project) == 2


def test_bad_charters_show_each_error_beside_its_field_and_create_nothing(bot: RunningBot) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"key": "apollo7"}, "key", "2 to 6 capital letters"),
        ({"key": "A"}, "key", "2 to 6 capital letters"),
        ({"target_end_date": "2026-11-01"}, "target_end_date", "before the start"),
        ({"budget": "-5"}, "budget", "can't be negative"),
        ({"budget": "lots"}, "budget", "is not an amount"),
        ({"currency": "XYZ"}, "currency", "not a currency code"),
        ({"sponsor_id": "U0999"}, "sponsor_id", "not an active person"),
        ({"start_date": "someday soon-ish"}, "start_date", "can't read"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a time zone"),
    ]
    for values, field, words in cases:
        view = open_modal(bot, "new")
        errors = field_errors(submit(bot, view, {**CHARTER, **values}))
        assert field in errors and words in errors[field], (values, errors)
    assert count_rows(bot.database, Project) == 0


def test_several_errors_come_back_together(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    errors = field_errors(submit(bot, view, {**CHARTER, "budget": "x", "start_date": "blorp"}))
    assert set(errors) == {"budget", "start_date"}


def test_a_taken_key_is_refused_with_the_project_that_has_it(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "new", channel="C0002")
    errors = field_errors(submit(bot, view, CHARTER))
    assert "taken by the project Apollo" in errors["key"]
    assert count_rows(bot.database, Project) == 1


def test_naming_another_manager_keeps_the_submitter_on_the_team(bot: RunningBot) -> None:
    create(bot, {"manager_id": CAROL})
    with bot.database.system_session(write=False) as db:
        roles = dict(db.execute(select(Member.user_id, Member.role)).all())
    assert roles == {CAROL: Role.MANAGER, BOB: Role.SPONSOR, ALICE: Role.MEMBER}


def test_charter_shows_it_again_with_a_share_button(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("charter").json()
    assert answer["response_type"] == "ephemeral"
    assert "Put the new billing system live" in str(answer["blocks"])
    assert any(block["type"] == "actions" for block in answer["blocks"])
    by_key = bot.slack.command("charter APL", channel="C0777").json()
    assert "Apollo" in by_key["text"]


def test_charter_without_a_project_says_how_to_start_one(bot: RunningBot) -> None:
    assert "/pmo new" in bot.slack.command("charter").json()["text"]
    assert "no project `NOPE`" in bot.slack.command("charter NOPE").json()["text"]


def test_the_manager_edits_the_charter_and_the_edit_is_audited(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "charter edit")
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    assert "key" not in inputs and inputs["goal"]["initial_value"] == CHARTER["goal"]
    assert inputs["start_date"]["initial_value"] == "2026-12-01"
    assert (
        field_errors(
            submit(
                bot, view, {"goal": "Bill every customer from one system", "target_end_date": "2027-04-30"}
            )
        )
        == {}
    )
    edited = project(bot)
    assert edited.goal == "Bill every customer from one system" and edited.target_end_date == date(
        2027, 4, 30
    )
    assert edited.baseline_end_date == date(2027, 3, 31)
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "charter.edit")).one()
    assert entry.actor_id == ALICE
    assert entry.before == {"goal": CHARTER["goal"], "target_end_date": "2027-03-31"}
    assert entry.after == {"goal": "Bill every customer from one system", "target_end_date": "2027-04-30"}
    post = bot.fake.wait_for("chat.postMessage", 2)[-1]
    # The channel reads what changed, not only which fields: old and new dates, the new goal.
    assert post.args["text"].splitlines() == [
        "<@U0001> changed the charter:",
        "• Goal, now: Bill every customer from one system",
        "• Target end date: Wed 2027-03-31 → Fri 2027-04-30",
    ]


def test_someone_not_managing_cannot_edit_the_charter(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("charter edit", user=CAROL).json()
    assert "Only the project's manager (<@U0001>) or a PMO administrator" in answer["text"]
    assert len(bot.fake.calls_to("views.open")) == 1

    # A modal opened by the manager but submitted by someone else changes nothing either.
    view = open_modal(bot, "charter edit")
    errors = field_errors(submit(bot, view, {"goal": "Hijacked"}, user=CAROL))
    assert "Only the project's manager" in next(iter(errors.values()))
    assert project(bot).goal == CHARTER["goal"]


def test_an_administrator_may_edit_any_charter(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "charter edit", user=ADMIN)
    assert field_errors(submit(bot, view, {"goal": "Admin's goal"}, user=ADMIN)) == {}
    assert project(bot).goal == "Admin's goal"
