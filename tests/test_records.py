"""The document register (`/pmo doc add`, `/pmo docs`) and CSV exports (`/pmo export`), end to end."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from models import Document
from tests.closing_flows import apollo, say
from tests.conftest import BOB, CAROL, RunningBot
from tests.flows import CHANNEL, count_rows, local_today
from tests.test_charter import create


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
    assert "Write `doc add <link> <title> [kind]`" in say(bot, "doc https://x.example.com Title")
    assert "Only people on the project" in say(bot, "doc add https://x.example.com Notes", user=CAROL)
    assert count_rows(bot.database, Document) == 0
    assert "nothing yet" in say(bot, "docs")


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_export_uploads_every_record_as_csv(bot: RunningBot) -> None:
    apollo(bot)
    assert "6 CSV file(s)" in say(bot, "export")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=30)[-1]
    assert complete.args["channel_id"] == CHANNEL and len(complete.args["files"]) == 6
    day = local_today().isoformat()
    tasks = read_csv(bot.fake.uploaded_bytes(f"APL-tasks-{day}.csv"))
    assert [(t["key"], t["title"], t["owner"], t["status"]) for t in tasks[:3]] == [
        ("APL-1", "Build API", CAROL, "done"),
        ("APL-2", "Write docs", CAROL, "done"),
        ("APL-3", "Load test", CAROL, "todo"),
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
    audit = read_csv(bot.fake.uploaded_bytes(f"APL-audit-{day}.csv"))
    assert {"project.create", "task.add", "document.add"} <= {row["action"] for row in audit}


def test_export_of_one_kind_and_of_an_unknown_one(bot: RunningBot) -> None:
    apollo(bot)
    assert "`budgets` is not something I export" in say(bot, "export budgets")
    assert "2 CSV file(s)" in say(bot, "export costs risks")
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=30)[-1]
    assert [item["title"] for item in complete.args["files"]] == ["APL costs", "APL risks"]
