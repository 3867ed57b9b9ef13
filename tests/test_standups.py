"""Standups from the `standups` pass at chosen times: prompts each member's morning, answers, summary."""

from __future__ import annotations

import threading

from sqlalchemy import select

from models import Issue, Project, StandupReport
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.standups import answer, prompts, standups, team
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL, TEAM, WEI

DAVE, ERIN = "U0005", "U0006"


def test_each_member_is_prompted_at_their_own_0930_within_the_morning_once(bot: RunningBot) -> None:
    team(bot)
    standups(bot, "2026-12-07T01:35+00:00")  # 09:35 in Shanghai, 02:35 in Madrid
    assert len(prompts(bot, ALICE)) == 1 and prompts(bot, CAROL) == [] and prompts(bot, BOB) == []
    standups(bot, "2026-12-07T08:40+00:00")  # 09:40 in Madrid; Shanghai is past its window
    standups(bot, "2026-12-07T08:45+00:00")
    assert len(prompts(bot, CAROL)) == 1 and len(prompts(bot, ALICE)) == 1
    standups(bot, "2026-12-07T19:00+00:00")  # 14:00 in New York: too late for Bob's morning
    assert prompts(bot, BOB) == []
    standups(bot, "2026-12-08T14:31+00:00")  # Tuesday 09:31 in New York
    assert len(prompts(bot, BOB)) == 1
    standups(bot, "2026-12-12T01:35+00:00")  # Saturday in Shanghai: no standup
    assert len(prompts(bot, ALICE)) == 1


def test_answers_build_one_summary_post_edited_as_they_arrive_with_blockers_as_issues(
    bot: RunningBot,
) -> None:
    team(bot)
    bot.slack.command("task add Build <@U0003|carol> due 2026-12-20")
    standups(bot, "2026-12-07T08:40+00:00")  # Carol's morning (and nobody else's)
    answer(bot, CAROL, {"yesterday": "Schema", "today_tasks": "APL-1", "blockers": "No staging database"})
    post = [c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL][-1]
    text = str(post["blocks"])
    assert "Standup · APL Apollo · Mon 2026-12-07" in post["text"]
    assert "Yesterday: Schema" in text and "Today: APL-1" in text and "Blocked: No staging database" in text
    assert "Not answered yet: <@U0001>, <@U0002>" in text
    with bot.database.system_session(write=False) as db:
        issue = db.scalars(select(Issue)).one()
        report = db.scalars(select(StandupReport)).one()
    assert (issue.title, issue.owner_id, report.blocker_issue_id) == ("No staging database", CAROL, issue.id)

    # Alice answers later the same day from the command: the same post is edited, not a new one.
    posts_before = len([c for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL])
    view = open_modal(bot, "standup")
    view["private_metadata"] = (
        view["private_metadata"].replace('"day":"', '"day":"2026-12-07"#').split("#")[0] + "}"
    )
    assert field_errors(submit(bot, view, {"today": "Reviews"})) == {}
    updates = bot.fake.wait_for("chat.update")
    assert "Today: Reviews" in str(updates[-1].args["blocks"])
    assert (
        len([c for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL])
        == posts_before
    )

    # The next day the unresolved blocker is still listed.
    standups(bot, "2026-12-08T08:40+00:00")
    answer(bot, CAROL, {"today": "Still waiting"})
    next_day = [c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL][-1]
    assert "Still blocked:* *APL-I1* No staging database" in str(next_day["blocks"])


def summaries(bot: RunningBot) -> list[dict]:
    """Every standup summary as posted or last edited, by its ts, in order of posting."""
    latest: dict[str, dict] = {}
    for call in bot.fake.calls:
        posted = call.method in ("chat.postMessage", "chat.update") and call.ok
        if posted and call.args["text"].startswith("☀️ Standup ·"):
            latest[call.response["ts"]] = call.args
    return list(latest.values())


def test_standup_config_sets_the_days_the_time_and_on_or_off(bot: RunningBot) -> None:
    team(bot)
    refused = bot.slack.command("standup config", user=CAROL).json()["text"]
    assert "manager" in refused.lower()
    view = open_modal(bot, "standup config")
    assert field_errors(submit(bot, view, {"days": "tue,thu", "local_time": "nine"}))["local_time"]
    assert field_errors(submit(bot, view, {"days": "tue,thu", "local_time": "10:15"})) == {}
    standups(bot, "2026-12-07T09:20+00:00")  # Monday 10:20 in Madrid: not a standup day
    standups(bot, "2026-12-08T09:00+00:00")  # Tuesday 10:00: not yet
    assert prompts(bot, CAROL) == []
    standups(bot, "2026-12-08T09:20+00:00")
    assert prompts(bot, CAROL) == [
        "☀️ Standup for *APL* Apollo, Tue 2026-12-08: what did you do, what will you do, what blocks you?"
    ]
    view = open_modal(bot, "standup config")
    assert field_errors(submit(bot, view, {"enabled": None})) == {}
    standups(bot, "2026-12-10T09:20+00:00")  # Thursday, but switched off
    assert len(prompts(bot, CAROL)) == 1


def test_late_answers_edit_their_own_day_and_a_blocker_is_listed_until_resolved(bot: RunningBot) -> None:
    team(bot)
    standups(bot, "2026-12-07T08:40+00:00")  # Monday morning in Madrid
    answer(bot, CAROL, {"today": "Schema", "blockers": "No staging database"})
    standups(bot, "2026-12-08T08:40+00:00")  # Tuesday
    answer(bot, CAROL, {"today": "Migrations"})
    monday, tuesday = summaries(bot)
    assert "Mon 2026-12-07" in monday["text"] and "Tue 2026-12-08" in tuesday["text"]
    assert "Still blocked:* *APL-I1* No staging database" in str(tuesday["blocks"])

    # Bob answers Monday's prompt only on Tuesday: Monday's post takes his answer.
    bot.slack.block_action("standup_answer", value=f"{project_id(bot)}:2026-12-07", user=BOB)
    view = bot.fake.wait_for("views.open")[-1].args["view"]
    assert field_errors(submit(bot, view, {"yesterday": "Late but here"}, user=BOB)) == {}
    monday, tuesday = summaries(bot)
    assert "Late but here" in str(monday["blocks"]) and "Late but here" not in str(tuesday["blocks"])
    assert "Not answered yet: <@U0001>" in str(monday["blocks"])

    bot.slack.block_action("standup_answer", value="7:yesterday", user=BOB)
    assert bot.fake.wait_for("response_url")[-1].args["text"] == "That standup button is no longer valid."

    # Resolved, the blocker drops out of the following days' summaries.
    bot.slack.block_action("issue_resolve", value="APL-I1", user=CAROL)
    view = bot.fake.wait_for("views.open")[-1].args["view"]
    assert field_errors(submit(bot, view, {"resolution": "Staging is up"}, user=CAROL)) == {}
    standups(bot, "2026-12-09T08:40+00:00")  # Wednesday
    answer(bot, CAROL, {"today": "Tests"})
    wednesday = summaries(bot)[-1]
    assert "Wed 2026-12-09" in wednesday["text"] and "Still blocked" not in str(wednesday["blocks"])


def test_answers_arriving_together_all_reach_the_one_summary(bot: RunningBot) -> None:
    team(bot)
    value = f"{project_id(bot)}:2026-12-07"
    views = {}
    for user in (ALICE, BOB, CAROL):
        before = len(bot.fake.calls_to("views.open"))
        bot.slack.block_action("standup_answer", value=value, user=user)
        views[user] = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    answers = [
        threading.Thread(
            target=submit, args=(bot, views[user], {"today": f"Work of {user}"}), kwargs={"user": user}
        )
        for user in views
    ]
    for thread in answers:
        thread.start()
    for thread in answers:
        thread.join(30)
    [post] = summaries(bot)
    assert all(f"Work of {user}" in str(post["blocks"]) for user in views)
    assert "Not answered yet" not in str(post["blocks"])


def project_id(bot: RunningBot) -> int:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project.id)).one()


def channel_posts(bot: RunningBot) -> list[dict]:
    return [
        c.args
        for c in bot.fake.calls_to("chat.postMessage")
        if c.args["channel"] == CHANNEL and c.args["text"].startswith("☀️ Standup for")
    ]


def test_a_standup_line_set_to_channel_post_posts_one_prompt_in_the_channel_and_no_dms(
    bot: RunningBot,
) -> None:
    team(bot)
    view = open_modal(bot, "standup config")
    assert field_errors(submit(bot, view, {"channel": "channel", "local_time": "10:00"})) == {}
    # 10:05 in Shanghai, the project's time zone; 03:05 in Madrid, 21:05 on Sunday in New York.
    standups(bot, "2026-12-07T02:05+00:00")
    standups(bot, "2026-12-07T02:20+00:00")
    standups(bot, "2026-12-07T09:05+00:00")  # Carol's 10:05: a channel has one clock
    [post] = channel_posts(bot)
    assert post["text"] == (
        "☀️ Standup for *APL* Apollo, Mon 2026-12-07: what did you do, what will you do, what blocks you?"
    )
    assert prompts(bot, ALICE) == [] and prompts(bot, CAROL) == [] and prompts(bot, BOB) == []

    # Anyone on the team answers from the channel's button, and the summary takes it.
    button = next(b for b in post["blocks"] if b["type"] == "actions")["elements"][0]
    bot.slack.block_action(button["action_id"], value=button["value"], user=CAROL)
    view = bot.fake.wait_for("views.open")[-1].args["view"]
    assert field_errors(submit(bot, view, {"today": "Schema"}, user=CAROL)) == {}
    [summary] = summaries(bot)
    assert "Mon 2026-12-07" in summary["text"] and "Today: Schema" in str(summary["blocks"])

    # Switched back to DMs, each member is asked at their own morning again.
    view = open_modal(bot, "standup config")
    assert field_errors(submit(bot, view, {"channel": "dm", "local_time": "09:30"})) == {}
    standups(bot, "2026-12-08T08:40+00:00")  # Tuesday 09:40 in Madrid
    assert len(prompts(bot, CAROL)) == 1 and len(channel_posts(bot)) == 1


def test_people_on_holiday_or_away_are_not_prompted_nor_listed_as_not_answered(bot: RunningBot) -> None:
    bot.fake.add_user(TEAM, DAVE, name="dave", tz="Europe/Madrid", status_text="On vacation")
    bot.fake.add_user(TEAM, ERIN, name="erin", tz="Europe/Madrid", status_text="休假")
    team(bot)
    for user in (DAVE, ERIN):
        bot.slack.command(f"team add <@{user}> member")
    assert bot.slack.command("away 2026-12-07 to 2026-12-07", user=BOB).json()["text"].startswith("Away")
    standups(bot, "2026-12-07T08:40+00:00")  # Monday 09:40 in Madrid
    standups(bot, "2026-12-07T14:40+00:00")  # Monday 09:40 in New York
    assert len(prompts(bot, CAROL)) == 1
    assert prompts(bot, DAVE) == [] and prompts(bot, ERIN) == [] and prompts(bot, BOB) == []
    answer(bot, CAROL, {"today": "Schema"})
    [monday] = summaries(bot)
    assert "Not answered yet: <@U0001>" in str(monday["blocks"])  # Alice only: not Bob, Dave or Erin

    # On a holiday nobody is asked, so nobody is waited for, even if someone answers anyway.
    bot.slack.command("holidays add 2026-12-08, Inmaculada", user=ADMIN)
    standups(bot, "2026-12-08T08:40+00:00")
    assert len(prompts(bot, CAROL)) == 1
    bot.slack.block_action("standup_answer", value=f"{project_id(bot)}:2026-12-08", user=CAROL)
    view = bot.fake.wait_for("views.open")[-1].args["view"]
    assert field_errors(submit(bot, view, {"today": "Catching up"}, user=CAROL)) == {}
    tuesday = summaries(bot)[-1]
    assert "Tue 2026-12-08" in tuesday["text"] and "Not answered yet" not in str(tuesday["blocks"])


def test_the_standup_form_does_not_open_for_someone_off_the_team(bot: RunningBot) -> None:
    team(bot)
    opened = len(bot.fake.calls_to("views.open"))
    # Wei is in the workspace, not on Apollo's team, and reads Slack in Chinese.
    answer = bot.slack.command("standup", user=WEI).json()["text"]
    assert answer == "只有项目团队（项目经理、成员）或 PMO 管理员可以填写本项目的站会。"
    assert len(bot.fake.calls_to("views.open")) == opened
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(StandupReport)).all() == []
