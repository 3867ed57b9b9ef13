"""End to end over real HTTP: signed requests in, answers and Web API calls out."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.markup import unescape
from bot.pretend_slack.blockkit import check_message_payload
from handlers.slack.command import SHARE_ACTION, SLASH_COMMAND
from models import InboundEvent, Member, Project, Workspace
from models.core.database import Database
from models.core.enums import Phase, Role
from tests.support.databases import SQLITE_ONLY
from tests.support.served import SETTLE_S, RunningBot
from tests.support.workspace import ALICE, BOB, OTHER_TEAM, TEAM


def seed_project(
    database: Database,
    team_id: str,
    key: str,
    channel: str,
    *,
    members: tuple[str, ...] = (),
    phase: Phase = Phase.EXECUTION,
    manager: str | None = None,
) -> None:
    database.ensure_workspace(team_id)
    with database.session(team_id) as db:
        project = Project(
            key=key,
            name=f"{key} project",
            channel_id=channel,
            created_by=ALICE,
            phase=phase,
            manager_id=manager,
        )
        project.members = [Member(user_id=user, role=Role.MEMBER) for user in members]
        db.add(project)


def count(database: Database, model: type) -> int:
    with database.system_session(write=False) as db:
        return db.scalar(select(func.count()).select_from(model))


@SQLITE_ONLY
def test_help_is_answered_with_every_verb(bot: RunningBot) -> None:
    reply = bot.slack.command("help")
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert check_message_payload(answer) == []
    verbs = bot.app.router.verbs
    assert {verb.name for verb in verbs} >= {"help", "projects"}
    shown = unescape(answer["text"])  # usage hints' <KEY> is sent escaped, as Slack needs
    for verb in verbs:
        assert f"`{SLASH_COMMAND} {verb.usage}` — " in shown
        assert f"`{SLASH_COMMAND} {verb.example}`" in shown
    assert "_e.g._" in answer["text"]


@SQLITE_ONLY
def test_empty_command_shows_help(bot: RunningBot) -> None:
    assert "PMO bot: what you can ask" in bot.slack.command("").json()["text"]


@SQLITE_ONLY
def test_unknown_verb_suggests_the_closest(bot: RunningBot) -> None:
    answer = bot.slack.command("projcts mine").json()
    assert answer["response_type"] == "ephemeral"
    assert "Did you mean `/pmo projects`?" in answer["text"]
    assert "`/pmo help`" in answer["text"]


@SQLITE_ONLY
def test_unknown_verb_with_nothing_close_points_to_help(bot: RunningBot) -> None:
    answer = bot.slack.command("xyzzy").json()
    assert "Did you mean" not in answer["text"]
    assert "`/pmo help` lists every verb" in answer["text"]


@SQLITE_ONLY
def test_unsigned_forged_and_stale_requests_get_401_and_change_nothing(bot: RunningBot) -> None:
    assert bot.slack.command("projects", sign=False).status == 401
    assert bot.slack.command("projects", signature="v0=" + "0" * 64).status == 401
    six_minutes_ago = int(time.time()) - 6 * 60
    assert bot.slack.command("projects", timestamp=six_minutes_ago).status == 401
    assert count(bot.database, Workspace) == 0
    assert bot.fake.calls == []


def test_projects_lists_only_this_workspace(bot: RunningBot) -> None:
    seed_project(bot.database, TEAM, "APL", "C100", manager=ALICE)
    seed_project(bot.database, OTHER_TEAM, "SEC", "C100")
    answer = bot.slack.command("projects").json()
    assert "*APL* APL project · <#C100> · execution · managed by <@U0001>" in answer["text"]
    assert "SEC" not in answer["text"]
    assert check_message_payload(answer) == []


def test_projects_mine_and_closed(bot: RunningBot) -> None:
    seed_project(bot.database, TEAM, "APL", "C100", members=(ALICE,))
    seed_project(bot.database, TEAM, "BOX", "C200", members=(BOB,))
    seed_project(bot.database, TEAM, "OLD", "C300", members=(ALICE,), phase=Phase.CLOSED)
    mine = bot.slack.command("projects mine", user=ALICE).json()["text"]
    assert "APL" in mine and "BOX" not in mine and "OLD" not in mine
    closed = bot.slack.command("projects closed").json()["text"]
    assert "OLD" in closed and "APL" not in closed


@SQLITE_ONLY
def test_projects_with_a_bad_filter_shows_the_right_form(bot: RunningBot) -> None:
    answer = bot.slack.command("projects banana").json()
    assert "`banana` is not a list of projects I know" in answer["text"]
    assert "`/pmo projects [open|mine|closed|all]`" in answer["text"]


def test_no_projects_says_so(bot: RunningBot) -> None:
    assert bot.slack.command("projects").json()["text"] == "There are no open projects in this workspace yet."


def test_home_tab_shows_the_users_projects(bot: RunningBot) -> None:
    seed_project(bot.database, TEAM, "APL", "C100", members=(ALICE,))
    seed_project(bot.database, TEAM, "BOX", "C200", members=(BOB,))
    reply = bot.slack.event({"type": "app_home_opened", "user": ALICE, "channel": "D0001", "tab": "home"})
    assert reply.status == 200
    [publish] = bot.fake.wait_for("views.publish")
    assert publish.args["user_id"] == ALICE
    text = str(publish.args["view"])
    assert "APL" in text and "BOX" not in text


def test_a_retried_event_is_handled_once(bot: RunningBot) -> None:
    event = {"type": "app_home_opened", "user": ALICE, "channel": "D0001", "tab": "home"}
    assert bot.slack.event(event, event_id="Ev0001").status == 200
    assert bot.slack.event(event, event_id="Ev0001", retry_num=1).status == 200
    assert bot.slack.event(event, event_id="Ev0001", retry_num=2).status == 200
    # Every piece of work the three deliveries queued after their answers is done: one publish.
    assert bot.app.runtime.settle(SETTLE_S)
    assert len(bot.fake.calls_to("views.publish")) == 1
    assert count(bot.database, InboundEvent) == 1


def test_health_check_answers_when_the_database_does(bot: RunningBot) -> None:
    reply = bot.slack.get("/healthz")
    assert reply.status == 200
    assert reply.json() == {"status": "ok", "database": True}


@SQLITE_ONLY
def test_unknown_path_is_404(bot: RunningBot) -> None:
    assert bot.slack.get("/nope").status == 404


@SQLITE_ONLY
def test_an_answer_can_be_shared_in_the_channel(bot: RunningBot) -> None:
    seed_project(bot.database, TEAM, "APL", "C100")
    answer = bot.slack.command("projects").json()
    assert answer["response_type"] == "ephemeral"
    [share] = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert share["action_id"] == SHARE_ACTION
    assert share["value"] == "projects"
    assert bot.slack.block_action(SHARE_ACTION, value=share["value"], channel="C100").status == 200
    [posted] = bot.fake.wait_for("response_url")
    assert posted.args["response_type"] == "in_channel"
    assert "*APL*" in posted.args["text"]
    assert SHARE_ACTION not in str(posted.args["blocks"])


@SQLITE_ONLY
def test_a_verb_that_takes_nothing_says_so_with_its_form(bot: RunningBot) -> None:
    answer = bot.slack.command("decisions everything").json()["text"]
    assert "`/pmo decisions` takes nothing after it." in answer
    assert "Write it like this: `/pmo decisions`" in answer
