"""Documents (`/pmo doc add`, `/pmo docs`), CSV exports (`/pmo export`) and the lessons search, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.markup import unescape
from models import Document, Member
from models.charter.charters import Charter, create_project
from models.closing.lessons import LessonForm, record_lesson
from models.core.access import Actor
from models.core.database import Database
from models.core.enums import Phase, Role
from models.schedule import mspdi
from tests.support.charter import create
from tests.support.closing_flows import apollo
from tests.support.exports import read_csv
from tests.support.flows import CHANNEL, count_rows, local_today, say
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL, OTHER_TEAM, TEAM


def test_documents_are_registered_from_the_start_and_listed(bot: RunningBot) -> None:
    create(bot)
    added = say(bot, "doc add https://docs.example.com/spec API spec v2 spec", user=BOB)
    assert added.startswith(
        "Added to the APL document register: 📄 <https://docs.example.com/spec|API spec v2>"
    )
    assert "· spec · added by <@U0002>" in added
    say(bot, "doc add <https://minutes.example.com/kickoff|kickoff> Kickoff notes")
    say(bot, "doc add https://x.example.com/signoff Sign-off from finance sign-off")
    lines = say(bot, "docs").splitlines()
    assert lines[0] == "APL · Apollo — document register"
    assert lines[2].startswith(
        "📄 <https://minutes.example.com/kickoff|Kickoff notes> · no kind · added by <@U0001>"
    )
    assert "|Sign-off from finance> · sign-off" in lines[3]
    with bot.database.system_session(write=False) as db:
        kinds = list(db.scalars(select(Document.kind).order_by(Document.id)))
    assert kinds == ["spec", None, "sign-off"]


def test_bad_documents_are_refused_with_how_to_write_them(bot: RunningBot) -> None:
    create(bot)
    assert "`ftp://old` is not a web link" in say(bot, "doc add ftp://old Old files")
    assert "Give a link and a title." in say(bot, "doc add https://x.example.com")
    assert "Write `doc add <link> <title> [kind]`" in unescape(say(bot, "doc https://x.example.com Title"))
    assert "Only people on the project" in say(bot, "doc add https://x.example.com Notes", user=CAROL)
    assert count_rows(bot.database, Document) == 0
    assert "nothing yet" in say(bot, "docs")


DEC_1 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_export_uploads_every_record_as_csv(bot: RunningBot) -> None:
    apollo(bot)
    assert "6 CSV files and the plan as Microsoft Project XML" in say(bot, "export")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=30)[-1]
    assert complete.args["channel_id"] == CHANNEL and len(complete.args["files"]) == 7
    day = local_today().isoformat()
    plan = mspdi.read(bot.fake.uploaded_bytes(f"APL-plan-{day}.xml"))
    assert {person.name for person in plan.resources} == {"Alice Chen", "Carol Díaz"}
    tasks = read_csv(bot.fake.uploaded_bytes(f"APL-tasks-{day}.csv"))
    # People by id, which never changes, and by the name a reader recognises.
    assert [(t["key"], t["title"], t["owner"], t["owner_name"], t["status"]) for t in tasks[:3]] == [
        ("APL-1", "Build API", CAROL, "Carol Díaz", "done"),
        ("APL-2", "Write docs", CAROL, "Carol Díaz", "done"),
        ("APL-3", "Load test", CAROL, "Carol Díaz", "todo"),
    ]
    assert (tasks[0]["deliverable"], tasks[0]["acceptance"], tasks[2]["acceptance"]) == ("yes", "pending", "")
    risks = read_csv(bot.fake.uploaded_bytes(f"APL-risks-{day}.csv"))
    assert [(r["key"], r["score"], r["status"]) for r in risks] == [
        ("APL-R1", "20", "occurred"),
        ("APL-R2", "9", "open"),
    ]
    issues = read_csv(bot.fake.uploaded_bytes(f"APL-issues-{day}.csv"))
    assert [i["key"] for i in issues] == ["APL-I1", "APL-I2"]
    changes = read_csv(bot.fake.uploaded_bytes(f"APL-changes-{day}.csv"))
    assert [(c["key"], c["schedule_days"], c["cost_impact"], c["status"]) for c in changes] == [
        ("APL-C1", "10", "2500.00", "pending")
    ]
    costs = read_csv(bot.fake.uploaded_bytes(f"APL-costs-{day}.csv"))
    assert [(c["amount"], c["currency"], c["category"]) for c in costs] == [("1200.00", "EUR", "people")]
    assert {(c["logged_by"], c["logged_by_name"]) for c in costs} == {(ALICE, "Alice Chen")}
    audit = read_csv(bot.fake.uploaded_bytes(f"APL-audit-{day}.csv"))
    assert (ALICE, "Alice Chen") in {(row["actor"], row["actor_name"]) for row in audit}
    assert {"project.create", "task.add", "document.add"} <= {row["action"] for row in audit}


def test_export_of_one_kind_and_of_an_unknown_one(bot: RunningBot) -> None:
    apollo(bot)
    assert "`budgets` is not something I export" in say(bot, "export budgets")
    assert "2 CSV files" in say(bot, "export costs risks")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=30)[-1]
    assert [item["title"] for item in complete.args["files"]] == ["APL costs", "APL risks"]


def closed_with_lessons(
    database: Database, team: str, key: str, lessons: dict[str, str], *, closed: datetime | None
) -> None:
    """Project `key` of workspace `team` whose people wrote `lessons` (user → went badly) at closing.

    Closed at `closed`, or still closing when that is None.
    """
    database.ensure_workspace(team)
    with database.session(team) as db:
        charter = Charter(name=f"Project {key}", key=key, timezone="UTC", manager_id=ALICE)
        project = create_project(db=db, actor=Actor(ALICE), channel_id=f"C{key}", charter=charter)
        for user in lessons:
            if user != ALICE:
                db.add(Member(team_id=team, project_id=project.id, user_id=user, role=Role.MEMBER))
        db.flush()
        project.phase = Phase.CLOSING
        for user, text in lessons.items():
            form = LessonForm(went_badly=text, rating=3)
            record_lesson(db=db, actor=Actor(user), project=project, form=form)
        if closed is not None:
            project.phase, project.closed_at = Phase.CLOSED, closed


def test_lessons_are_searched_across_the_workspaces_closed_projects(bot: RunningBot) -> None:
    database = bot.database
    closed_with_lessons(
        database, TEAM, "APL", {ALICE: "The vendor was late", CAROL: "Tests were slow"}, closed=DEC_1
    )
    closed_with_lessons(
        database, TEAM, "ZEUS", {CAROL: "Vendor contract unclear"}, closed=DEC_1 + timedelta(1)
    )
    closed_with_lessons(database, TEAM, "HERA", {ALICE: "Vendor still closing"}, closed=None)
    closed_with_lessons(database, OTHER_TEAM, "SEC", {ALICE: "Globex vendor secret"}, closed=DEC_1)
    found = say(bot, "lessons VENDOR", user=BOB).splitlines()  # any case, from anyone in the workspace
    assert found == [
        "Lessons learned from closed projects that mention “VENDOR”",
        "*ZEUS* Project ZEUS",  # the newest closed first
        "*<@U0003>* · rated 3 of 5",
        "👎 _Didn't go well:_ Vendor contract unclear",
        "*APL* Project APL",
        "*<@U0001>* · rated 3 of 5",
        "👎 _Didn't go well:_ The vendor was late",
    ]
    everything = say(bot, "lessons")
    assert "Tests were slow" in everything and "*APL*" in everything and "*ZEUS*" in everything
    for hidden in ("HERA", "Vendor still closing", "SEC", "Globex"):
        assert hidden not in everything and hidden not in " ".join(found)
    # The other workspace sees its own closed project's lessons, and only them.
    theirs = bot.slack.command("lessons vendor", team=OTHER_TEAM).json()["text"]
    assert "*SEC* Project SEC" in theirs and "Globex vendor secret" in theirs
    assert "APL" not in theirs and "ZEUS" not in theirs and "late" not in theirs
