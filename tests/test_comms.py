"""The communication plan: `/pmo comms` as a table and each line edited in a modal, end to end."""

from __future__ import annotations

from sqlalchemy import select

from bot.markup import unescape
from models import AuditEntry, CommPlanLine
from models.core.enums import Channel, CommKind
from tests.support.charter import create
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, CAROL


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def line(bot: RunningBot, kind: CommKind) -> CommPlanLine:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(CommPlanLine).where(CommPlanLine.kind == kind)).one()


def test_a_new_project_shows_its_default_plan_as_a_table_with_an_edit_button_per_line(
    bot: RunningBot,
) -> None:
    create(bot)
    reply = bot.slack.command("comms").json()
    assert reply["text"].splitlines() == [
        "APL · Apollo — communication plan",
        "✅ *Daily standup* · to team · DM · Mon–Fri at 09:30 (each person's time zone)",
        "✅ *Weekly digest* · to channel · channel post · Mon at 09:00 (the project's time zone)",
        "✅ *Overdue reminders* · to owners · DM · Mon–Fri at 09:00 (each person's time zone)",
        "✅ *Stakeholder report* · to sponsor, stakeholders · DM · Fri at 16:00 (the project's time zone)",
        "✅ *Status meeting agenda* · to team · channel post · Wed at 10:00 (the project's time zone)",
    ]
    buttons = [block["accessory"] for block in reply["blocks"] if "accessory" in block]
    assert [(b["action_id"], b["value"]) for b in buttons][:2] == [
        ("comms_edit", "APL:standup"),
        ("comms_edit", "APL:digest"),
    ]


def test_the_edit_button_opens_the_line_prefilled_and_saving_changes_what_the_bot_will_send(
    bot: RunningBot,
) -> None:
    create(bot)
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action("comms_edit", value="APL:standup", user=ALICE)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    assert [o["value"] for o in inputs["days"]["initial_options"]] == ["mon", "tue", "wed", "thu", "fri"]
    assert inputs["local_time"]["initial_value"] == "09:30"

    values = {"days": "wed,mon,fri", "local_time": "9:15", "channel": "channel", "notes": "Async on Fridays"}
    assert field_errors(submit(bot, view, values)) == {}
    standup = line(bot, CommKind.STANDUP)
    assert (standup.days, standup.local_time, standup.channel, standup.notes, standup.enabled) == (
        "mon,wed,fri",
        "09:15",
        Channel.CHANNEL,
        "Async on Fridays",
        True,
    )
    post = bot.fake.wait_for("chat.postMessage", 2)[-1].args
    assert post["channel"] == CHANNEL
    assert post["text"].splitlines()[:2] == [
        "<@U0001> changed the communication plan:",
        "✅ *Daily standup* · to team · channel post · Mon, Wed, Fri at 09:15 (each person's time zone)",
    ]
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "comms.edit")).one()
    assert entry.after == {
        "channel": "channel",
        "days": "mon,wed,fri",
        "local_time": "09:15",
        "notes": "Async on Fridays",
    }


def test_a_line_switched_off_reads_so_and_the_command_opens_the_same_modal(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "comms edit digest")
    assert field_errors(submit(bot, view, {"enabled": None})) == {}
    assert line(bot, CommKind.DIGEST).enabled is False
    digest = "⏸️ *Weekly digest* · to channel · channel post · Mon at 09:00 (the project's time zone)"
    assert f"{digest} · switched off" in say(bot, "comms")


def test_bad_lines_show_errors_beside_their_fields_and_change_nothing(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "comms edit standup")
    errors = field_errors(submit(bot, view, {"days": None, "local_time": "25:00", "audience": ""}))
    assert set(errors) == {"days", "local_time", "audience"}
    assert "`25:00` is not a time of day" in errors["local_time"]
    standup = line(bot, CommKind.STANDUP)
    assert (standup.days, standup.local_time) == ("mon,tue,wed,thu,fri", "09:30")


def test_refusals_name_the_lines_the_roles_and_the_form(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    opened = len(bot.fake.calls_to("views.open"))
    assert "`newsletter` is not a line of the plan: the lines are standup, digest" in say(
        bot, "comms edit newsletter"
    )
    assert "/pmo comms [edit <line>]" in unescape(say(bot, "comms delete standup"))
    assert "Only the project's manager (<@U0001>)" in say(bot, "comms edit standup", user=CAROL)
    bot.slack.block_action("comms_edit", value="APL:standup", user=CAROL)
    refusal = bot.fake.wait_for("response_url")[-1].args
    assert "Only the project's manager" in refusal["text"]
    assert len(bot.fake.calls_to("views.open")) == opened
    assert open_modal(bot, "comms edit standup", user=ADMIN)["callback_id"] == "comms_line"


def test_overdue_reminders_cannot_be_made_a_channel_post(bot: RunningBot) -> None:
    create(bot)
    view = open_modal(bot, "comms edit reminders")
    errors = field_errors(submit(bot, view, {"channel": "channel"}))
    assert errors == {
        "channel": "Overdue reminders go to each owner as a DM, with buttons for their own work: "
        "they cannot be a channel post."
    }
    assert line(bot, CommKind.REMINDERS).channel is Channel.DM
