"""`/pmo lessons give`: the lessons form from the project's channel, when the DM's button is gone."""

from __future__ import annotations

from sqlalchemy import select

from models import Lesson
from tests.support.charter import create
from tests.support.closing_flows import open_view
from tests.support.flows import field_errors, say, submit
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, CAROL

OUTSIDER = ADMIN.replace("9", "8")


def lessons(bot: RunningBot) -> list[tuple[str, str | None]]:
    with bot.database.system_session(write=False) as db:
        return [(lesson.user_id, lesson.went_well) for lesson in db.scalars(select(Lesson))]


def test_a_member_gives_lessons_from_the_channel_and_can_change_them(bot: RunningBot) -> None:
    create(bot)
    say(bot, "team add <@U0003> member 50% backend")

    view = open_view(bot, lambda: bot.slack.command("lessons give", user=CAROL))
    assert view["callback_id"] == "lessons_form"
    assert (
        field_errors(submit(bot, view, {"went_well": "Pairing on the API", "rating": "4"}, user=CAROL)) == {}
    )
    assert lessons(bot) == [(CAROL, "Pairing on the API")]

    # Asked again, the form shows her answer to change, and the change replaces it.
    again = open_view(bot, lambda: bot.slack.command("LESSONS give", user=CAROL))
    assert "Pairing on the API" in str(again["blocks"])
    assert field_errors(submit(bot, again, {"went_well": "Pairing, daily", "rating": "4"}, user=CAROL)) == {}
    assert lessons(bot) == [(CAROL, "Pairing, daily")]


def test_lessons_give_is_refused_off_the_team_and_outside_a_project_channel(bot: RunningBot) -> None:
    create(bot)
    forms_opened = len(bot.fake.calls_to("views.open"))
    outsider = bot.slack.command("lessons give", user=OUTSIDER).json()["text"]
    assert "Only people on the project or a PMO administrator can give its lessons learned." in outsider
    elsewhere = bot.slack.command("lessons give", channel="C0999").json()["text"]
    assert "no project" in elsewhere.lower()
    assert len(bot.fake.calls_to("views.open")) == forms_opened and lessons(bot) == []
