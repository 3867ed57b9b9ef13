"""CSV exports neutralise text a spreadsheet would run as a formula (OWASP "CSV Injection"),
and keep numbers numbers: end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from models.projects.exports import cell
from tests.support.charter import create
from tests.support.exports import read_csv
from tests.support.flows import field_errors, local_today, open_modal, say, submit
from tests.support.served import RunningBot

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+2", "-2+3", "@SUM(A1:A9)", "\tTab", "\rCR"]


def test_formula_text_is_quoted_and_numbers_stay_numbers(bot: RunningBot) -> None:
    create(bot)
    for title in FORMULAS[:4]:
        assert "APL-" in say(bot, f"task add {title}")
    say(bot, "budget set =cmd 1000")
    assert "250.00" in say(bot, "cost 250 =cmd refund")
    view = open_modal(bot, "change")
    saving = {"title": "-Drop the payroll scope", "schedule_days": "0", "cost_impact": "-2500"}
    assert field_errors(submit(bot, view, saving)) == {}
    day = local_today().isoformat()
    assert "1 CSV file" in say(bot, "export tasks")
    bot.fake.wait_for("files.completeUploadExternal", timeout=30)
    tasks = read_csv(bot.fake.uploaded_bytes(f"APL-tasks-{day}.csv"))
    assert [task["title"] for task in tasks] == ["'" + title for title in FORMULAS[:4]]
    assert "1 CSV file" in say(bot, "export costs")
    bot.fake.wait_for("files.completeUploadExternal", 2, timeout=30)
    [cost] = read_csv(bot.fake.uploaded_bytes(f"APL-costs-{day}.csv"))
    assert (cost["amount"], cost["category"]) == ("250.00", "'=cmd")
    assert "1 CSV file" in say(bot, "export changes")
    bot.fake.wait_for("files.completeUploadExternal", 3, timeout=30)
    [change] = read_csv(bot.fake.uploaded_bytes(f"APL-changes-{day}.csv"))
    assert (change["title"], change["cost_impact"]) == ("'-Drop the payroll scope", "-2500.00")


def test_every_dangerous_first_character_is_quoted_and_nothing_else() -> None:
    assert [cell(text) for text in FORMULAS] == ["'" + text for text in FORMULAS]
    assert [cell(value) for value in (-3, -2.5, "a-b", "plain", "", None)] == [
        "-3",
        "-2.5",
        "a-b",
        "plain",
        "",
        "",
    ]
