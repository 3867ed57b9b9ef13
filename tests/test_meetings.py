"""`/pmo meeting` and `/pmo decisions`: records, decision log and action items as tasks, end to end."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Decision, Meeting, Task
from tests.support.charter import create
from tests.support.flows import CHANNEL, count_rows, field_errors, local_today, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL

NEXT_WEEK = (local_today() + timedelta(days=7)).isoformat()


def meeting_with_carol(bot: RunningBot) -> dict:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    return open_modal(bot, "meeting")


def test_a_meeting_logs_decisions_turns_action_items_into_tasks_and_posts_a_summary(bot: RunningBot) -> None:
    view = meeting_with_carol(bot)
    values = {
        "kind": "review",
        "attendees": f"{ALICE},{CAROL}",
        "notes": "Went through the beta feedback",
        "decisions": "Ship the beta on the 15th\nDrop the CSV export",
        "actions": f"Send the vendor the specs @carol due {NEXT_WEEK}\nBook the launch room",
    }
    assert field_errors(submit(bot, view, values)) == {}
    with bot.database.system_session(write=False) as db:
        meeting = db.scalars(select(Meeting)).one()
        tasks = db.scalars(select(Task).order_by(Task.number)).all()
        decisions = db.scalars(select(Decision).order_by(Decision.id)).all()
    assert (meeting.kind, meeting.attendees, meeting.notes) == (
        "review",
        [ALICE, CAROL],
        "Went through the beta feedback",
    )
    assert [(t.title, t.owner_id, t.due_date) for t in tasks] == [
        ("Send the vendor the specs", CAROL, date.fromisoformat(NEXT_WEEK)),
        ("Book the launch room", None, None),
    ]
    assert [d.text for d in decisions] == ["Ship the beta on the 15th", "Drop the CSV export"]
    post = bot.fake.wait_for("chat.postMessage", 2)[-1].args
    assert post["channel"] == CHANNEL
    assert post["text"].splitlines()[0].startswith("📝 <@U0001> recorded the review of ")
    assert "• *Action* *APL-1* Send the vendor the specs · <@U0003> · due" in post["text"]

    log = bot.slack.command("decisions").json()["text"].splitlines()
    assert log[0] == "APL · Apollo — decision log"
    assert [line.split(" · ")[1] for line in log[1:]] == ["Drop the CSV export", "Ship the beta on the 15th"]


def test_an_unknown_owner_or_date_keeps_the_form_open_and_records_nothing(bot: RunningBot) -> None:
    view = meeting_with_carol(bot)
    values = {"decisions": "Go", "actions": "Call the bank @dave friday\nFix CI @carol someday-ish"}
    errors = field_errors(submit(bot, view, values))
    assert (
        '`@dave` in "Call the bank @dave friday" is not someone on this project\'s team' in errors["actions"]
    )
    assert "can't read" in errors["actions"]
    assert (
        count_rows(bot.database, Meeting),
        count_rows(bot.database, Task),
        count_rows(bot.database, Decision),
    ) == (
        0,
        0,
        0,
    )


def test_only_the_team_records_meetings(bot: RunningBot) -> None:
    create(bot)
    answer = bot.slack.command("meeting", user=BOB).json()["text"]
    assert "Only the project's team (manager, member)" in answer
    assert "no decisions recorded yet" in bot.slack.command("decisions").json()["text"]


def test_an_action_without_an_owner_keeps_its_date_and_a_bare_due_or_at_is_refused(bot: RunningBot) -> None:
    view = meeting_with_carol(bot)
    for actions, wanted in (
        ("Book the room @carol due", '"Book the room @carol due" says `due` but not when'),
        ("Book the room due", '"Book the room due" says `due` but not when'),
        ("Book the room @ friday", '`@` in "Book the room @ friday" is not someone on this project\'s team'),
        ("Book the room @nobody", '`@nobody` in "Book the room @nobody" is not someone'),
    ):
        errors = field_errors(submit(bot, view, {"actions": actions}))
        assert wanted in errors["actions"], actions
    assert count_rows(bot.database, Task) == 0
    assert field_errors(submit(bot, view, {"actions": f"Book the launch room due {NEXT_WEEK}"})) == {}
    with bot.database.system_session(write=False) as db:
        task = db.scalars(select(Task)).one()
    assert (task.title, task.owner_id, task.due_date) == (
        "Book the launch room",
        None,
        date.fromisoformat(NEXT_WEEK),
    )


def test_more_than_ten_action_lines_are_asked_about_with_everything_typed_kept(bot: RunningBot) -> None:
    view = meeting_with_carol(bot)
    twelve = "\n".join(f"Follow-up {n} @carol friday" for n in range(12))
    values = {"kind": "review", "attendees": f"{ALICE},{CAROL}", "decisions": "Go", "actions": twelve}
    asked = submit(bot, view, values).json()
    assert asked["response_action"] == "update"
    confirm = asked["view"]
    assert confirm["blocks"][0]["text"]["text"].startswith(
        "⚠️ These 12 action items will each become a task in the plan."
    )
    # Nothing typed is lost: the form comes back filled in, and nothing is saved yet.
    elements = {block.get("block_id"): block.get("element", {}) for block in confirm["blocks"]}
    assert elements["actions"]["initial_value"] == twelve
    assert elements["attendees"]["initial_users"] == [ALICE, CAROL]
    assert elements["kind"]["initial_option"]["value"] == "review"
    assert (count_rows(bot.database, Meeting), count_rows(bot.database, Task)) == (0, 0)
    # One more line is a different list: asked again for the new count.
    thirteen = twelve + "\nOne more @carol friday"
    again = submit(bot, confirm, values | {"actions": thirteen}).json()
    assert again["view"]["blocks"][0]["text"]["text"].startswith("⚠️ These 13 action items")
    assert count_rows(bot.database, Task) == 0
    assert field_errors(submit(bot, again["view"], values | {"actions": thirteen})) == {}
    assert (count_rows(bot.database, Meeting), count_rows(bot.database, Task)) == (1, 13)


def test_five_hundred_action_lines_are_refused_beside_the_field_and_nothing_is_created(
    bot: RunningBot,
) -> None:
    view = meeting_with_carol(bot)
    pasted = "\n".join(f"Follow-up {n} @carol friday" for n in range(500))
    errors = field_errors(submit(bot, view, {"decisions": "Go", "actions": pasted}))
    assert errors["actions"].startswith(
        "That is 500 action items, and each becomes a task: one meeting makes at most 100."
    )
    assert (count_rows(bot.database, Meeting), count_rows(bot.database, Task)) == (0, 0)
    # Ten lines are a busy meeting, not a mistake: they become tasks without a question.
    ten = "\n".join(f"Follow-up {n} @carol friday" for n in range(10))
    assert field_errors(submit(bot, view, {"decisions": "Go", "actions": ten})) == {}
    assert count_rows(bot.database, Task) == 10
