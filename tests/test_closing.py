"""Closing end to end over HTTP: checklist, acceptance, lessons, the final report, the archive."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot.formats import fmt_date
from bot.i18n import Translator
from bot.report_pdf import png_size
from handlers.closing import final_report
from models import Issue, Member, Milestone, Risk
from models.core.enums import Acceptance, Disposition, IssueStatus, Phase, RiskStatus, TaskStatus
from tests.support.closing_flows import (
    buttons,
    channel_texts,
    checklist_posts,
    click,
    clicked_open,
    dm_button,
    give_lessons,
    open_view,
    project,
    resolve_at_closing,
    say,
    start,
    task,
)
from tests.support.flows import CHANNEL, field_errors, local_today, open_modal, submit
from tests.support.integrity import contents
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL


def accept(bot: RunningBot, action: str, key: str, note: str | None) -> dict:
    view = clicked_open(bot, action, key, BOB)
    assert view is not None, f"Bob could not open the form of {key}"
    return field_errors(submit(bot, view, {"note": note}, user=BOB))


def section_of(markdown: str, title: str) -> str:
    """The text of the Markdown section whose heading ends with `title`, up to the next heading."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## ") and line.endswith(title))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end])


GATE_GAPS = (
    "a decision on every change request (1 waiting)",
    "every deliverable accepted or waived by the sponsor (2 not yet)",
    "every task finished, cancelled or carried over (3 still open)",
    "every issue resolved, cancelled or carried over (2 still open)",
    "every risk closed, cancelled or carried over (1 still open)",
)
CAROLS_LESSONS = {
    "went_well": "Pairing on the API",
    "went_badly": "Vendor delays hurt",
    "next_time": "Sign the vendor contract before kickoff",
    "rating": "4",
}
CHART_CAPTIONS = (
    "Gantt chart: each task's baseline (grey) against what happened (coloured); "
    "milestones planned (grey) and reached (black).",
    "Cost over time: money spent to date against planned value and the budget.",
)
IN_THE_PDF = (
    "The charter against what happened",
    "Earned value at close",
    "Carried-over items",
    "Lessons learned",
    "Document register",
    "Charts",
    "Carol Díaz",
    "Missing the admin guide",
)


@pytest.mark.usefixtures("written_for")  # its plan is written in the dates of one December week
def test_closing_a_project_with_open_work_end_to_end(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = spy_on_charts(monkeypatch)
    check_checklist(bot, start(bot))
    settle_open_items(bot)
    accept_one_and_send_one_back(bot)
    finish_rework_and_collect_lessons(bot)
    update_form = open_modal(bot, "update APL-3", user=CAROL)  # sent after the project closed
    first = close_and_check_report(bot, drawn)
    check_read_only(bot, update_form)
    check_report_again(bot, first, drawn)


def check_checklist(bot: RunningBot, checklist: dict) -> None:
    assert project(bot).phase is Phase.CLOSING
    shown = buttons(checklist)
    for key in ("APL-3", "APL-4", "APL-5", "APL-I1", "APL-I2", "APL-R2"):
        assert ("closing_carry", key) in shown and ("closing_finish", key) in shown
    assert ("change_approve", "APL-C1") in shown and ("closing_finish", "APL-M1") in shown
    assert {("deliverable_accept", "APL-1"), ("deliverable_send_back", "APL-2")} <= set(shown)
    assert not any(key == "APL-1" and action.startswith("closing_") for action, key in shown)  # done already
    # Everyone on the team is asked once for their lessons, by DM with the form's button.
    for user in (ALICE, BOB, CAROL):
        assert dm_button(bot, user, "lessons_answer")["value"] == str(project(bot).id)
    # The gate lists what is left instead of closing.
    refused = str(bot.slack.command("phase closed").json()["blocks"])
    assert [gap for gap in GATE_GAPS if gap not in refused] == []
    assert project(bot).phase is Phase.CLOSING


def settle_open_items(bot: RunningBot) -> None:
    """The manager settles the open items; each click edits the checklist."""
    assert "carried over" in click(bot, "closing_carry", "APL-3")
    assert "finished" in click(bot, "closing_finish", "APL-4")
    assert "cancelled" in click(bot, "closing_cancel", "APL-5")
    click(bot, "closing_carry", "APL-I1")
    resolve_at_closing(bot, "APL-I2", "Worked around with a nightly export")
    click(bot, "closing_carry", "APL-R2")
    click(bot, "closing_finish", "APL-M1")
    assert click(bot, "closing_carry", "APL-3") == "APL-3 is already settled: nothing was changed."
    latest = buttons(checklist_posts(bot)[-1])
    assert ("closing_carry", "APL-3") not in latest and ("closing_finish", "APL-M1") not in latest
    assert (task(bot, 3).status, task(bot, 3).disposition) == (TaskStatus.TODO, Disposition.CARRIED_OVER)
    assert (task(bot, 4).status, task(bot, 4).percent_complete) == (TaskStatus.DONE, 100)
    assert task(bot, 5).status is TaskStatus.CANCELLED
    # The change request is decided from the checklist.
    view = clicked_open(bot, "change_approve", "APL-C1", ALICE)
    assert view is not None and field_errors(submit(bot, view, {"note": "Refunds are worth it"})) == {}


def accept_one_and_send_one_back(bot: RunningBot) -> None:
    assert accept(bot, "deliverable_accept", "APL-1", "Great work") == {}
    assert "note" in accept(bot, "deliverable_send_back", "APL-2", None)  # a reason is needed
    assert accept(bot, "deliverable_send_back", "APL-2", "Missing the admin guide") == {}
    reopened = task(bot, 2)
    assert (reopened.status, reopened.acceptance) == (TaskStatus.IN_PROGRESS, Acceptance.SENT_BACK)
    assert reopened.done_at is None
    with bot.database.system_session(write=False) as db:
        rework = db.scalars(select(Issue).where(Issue.task_id == reopened.id)).one()
    assert (rework.number, rework.owner_id, rework.description) == (3, CAROL, "Missing the admin guide")
    posted = channel_texts(bot)
    assert "✅ <@U0002> accepted *APL-1* Build API: _Great work_" in posted
    sent_back = [text for text in posted if text.startswith("↩️ <@U0002> sent back *APL-2* Write docs")]
    assert len(sent_back) == 1 and "issue *APL-I3* is opened for <@U0003>" in sent_back[0]
    assert clicked_open(bot, "deliverable_accept", "APL-2", BOB) is None  # not finished again yet
    assert "not finished yet" in bot.fake.calls_to("response_url")[-1].args["text"]


def finish_rework_and_collect_lessons(bot: RunningBot) -> None:
    click(bot, "closing_finish", "APL-2")
    resolve_at_closing(bot, "APL-I3", "Rewritten and reviewed")
    assert accept(bot, "deliverable_accept", "APL-2", None) == {}
    assert set(give_lessons(bot, CAROL, {"rating": None})) == {"went_well", "rating"}
    assert give_lessons(bot, CAROL, CAROLS_LESSONS) == {}
    assert give_lessons(bot, ALICE, {"went_well": "Early demos", "rating": "5"}) == {}
    retro = [
        c.args
        for c in bot.fake.calls
        if c.method in ("chat.postMessage", "chat.update")
        and str(c.args.get("text", "")).startswith("APL · Apollo — retrospective")
    ]
    assert [(r.get("ts") is None, r["text"].splitlines()[1]) for r in retro] == [
        (True, "1 answer · average rating 4.0 of 5"),  # posted once…
        (False, "2 answers · average rating 4.5 of 5"),  # …then edited
    ]
    assert "Still to answer: <@U0002>" in str(retro[-1]["blocks"])
    assert "Vendor delays hurt" in str(retro[-1]["blocks"])
    assert "Nothing is left open" in checklist_posts(bot)[-1]["text"]
    record_a_failed_review(bot)


def record_a_failed_review(bot: RunningBot) -> None:
    """Carol reviews APL-1: one criterion passes, one fails; the issue it opens is settled."""
    say(bot, "quality criterion APL-1 Handles 100 requests a second")
    view = open_view(bot, lambda: bot.slack.command("quality result APL-1", user=CAROL))
    documented, fast = (
        b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("criterion_")
    )
    values = {documented: "fail", fast: "pass", "note": "Refunds endpoint undocumented"}
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}
    resolve_at_closing(bot, "APL-I4", "Refunds endpoint documented")
    with bot.database.system_session(write=False) as db:
        resolved = db.scalars(select(Issue).where(Issue.number == 4)).one()
    assert (resolved.status, resolved.resolution) == (IssueStatus.RESOLVED, "Refunds endpoint documented")


Drawn = dict[str, list[tuple[Any, bytes]]]


def spy_on_charts(monkeypatch: pytest.MonkeyPatch) -> Drawn:
    """Every chart the report draws: what it was asked to draw, and the PNG it got back."""
    drawn: Drawn = {"plan": [], "cost": []}

    def spy(kind: str, render: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
        def draw(chart: Any) -> bytes:
            png = render(chart)
            drawn[kind].append((chart, png))
            return png

        return draw

    monkeypatch.setattr(
        final_report, "render_plan_vs_actual", spy("plan", final_report.render_plan_vs_actual)
    )
    monkeypatch.setattr(
        final_report, "render_cost_over_time", spy("cost", final_report.render_cost_over_time)
    )
    return drawn


def check_charts(drawn: Drawn, pdf: PdfReader, text: str) -> None:
    """The Gantt is drawn from baseline and actual bars, the cost curve from the spend; PNGs in the PDF."""
    assert (len(drawn["plan"]), len(drawn["cost"])) == (1, 1)
    (plan, plan_png), (cost, cost_png) = drawn["plan"][0], drawn["cost"][0]
    rows = {row.label: row for row in plan.rows}
    assert rows["APL-1 Build API"].planned == (date(2026, 12, 1), date(2026, 12, 10))
    assert rows["APL-3 Load test"].planned == (date(2026, 12, 11), date(2026, 12, 15))
    assert all(rows[label].actual is not None for label in ("APL-1 Build API", "APL-3 Load test"))
    assert {label: row.state for label, row in rows.items()} == {
        "APL-1 Build API": "done",
        "APL-2 Write docs": "done",
        "APL-3 Load test": "carried",
        "APL-4 Polish UI": "done",
        "APL-5 Old idea": "cancelled",
    }
    assert [(m.label, m.planned, m.actual) for m in plan.milestones] == [
        ("Go-live", date(2027, 1, 15), local_today())
    ]
    assert [amount for _, amount in cost.spent] == [Decimal("1200.00")]
    assert (cost.budget, cost.baseline_budget) == (Decimal("122500.00"), Decimal("120000.00"))
    assert plan.title == "APL: planned against actual" and cost.title == "APL: cost over time"
    for png in (plan_png, cost_png):
        width, height = png_size(png)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and width >= 600 and height >= 200, (width, height)
    images = [image.image.size for page in pdf.pages for image in page.images]
    assert images == [png_size(plan_png), png_size(cost_png)]
    flat = " ".join(text.split())
    assert [caption for caption in CHART_CAPTIONS if caption not in flat] == []


@dataclass(frozen=True)
class Uploaded:
    """One upload of the report: its two files, the Markdown's text and the PDF's."""

    file_ids: tuple[str, ...]
    markdown: str
    pdf: PdfReader
    pdf_text: str


def uploaded_report(bot: RunningBot, uploads_before: int) -> Uploaded:
    """The report's upload after the first `uploads_before`: the Markdown, then the PDF, both arrived."""
    complete = bot.fake.wait_for("files.completeUploadExternal", uploads_before + 1, timeout=60)[-1]
    assert complete.args["channel_id"] == CHANNEL
    files = [bot.fake.uploaded(item["id"]) for item in complete.args["files"]]
    stem = f"APL-report-{local_today().isoformat()}"
    assert [(f.filename, f.received is not None) for f in files if f] == [
        (f"{stem}.md", True),
        (f"{stem}.pdf", True),
    ]
    markdown, pdf = files[0], files[1]
    assert markdown is not None and pdf is not None
    reader = PdfReader(io.BytesIO(pdf.content))
    return Uploaded(
        (markdown.file_id, pdf.file_id),
        markdown.content.decode(),
        reader,
        "\n".join(page.extract_text() for page in reader.pages),
    )


def close_and_check_report(bot: RunningBot, drawn: Drawn) -> Uploaded:
    # Before closing Carol is allocated; closing releases her on the close date.
    assert "APL (member, 50%)" in say(bot, "people", user=ADMIN).replace("*", "")
    uploads_before = len(bot.fake.calls_to("files.completeUploadExternal"))
    closed = bot.slack.command("phase closed").json()
    assert "moved APL to closed" in closed["text"] and "The final report follows" in closed["text"]
    today = local_today()
    assert project(bot).phase is Phase.CLOSED
    with bot.database.system_session(write=False) as db:
        assert set(db.scalars(select(Member.allocated_to))) == {today}
    assert "APL" not in say(bot, "people", user=ADMIN)
    # The final report: one upload with the Markdown and the PDF.
    report = uploaded_report(bot, uploads_before)
    check_report(report.markdown, fmt_date(today, Translator("en")))
    assert len(report.pdf.pages) >= 3
    assert [words for words in IN_THE_PDF if words not in report.pdf_text] == []
    check_charts(drawn, report.pdf, report.pdf_text)
    return report


def check_report(markdown: str, today: str) -> None:
    assert markdown.startswith("# APL · Apollo — final report")
    charter = section_of(markdown, "The charter against what happened")
    assert "Goal: Put the new billing system live" in charter
    assert "In scope: Billing, invoicing  \nOut of scope: Payroll" in charter
    assert "| Start | Tue 2026-12-01 | Tue 2026-12-01 | Tue 2026-12-01 |" in charter
    # The approved change re-saved the baseline, so the planned end is the changed one.
    assert f"| End | Wed 2027-04-14 | Wed 2027-04-14 | {today} |" in charter
    assert "| Budget / spent | 120,000.00 EUR | 122,500.00 EUR | 1,200.00 EUR |" in charter
    assert "| APL-C1 | Add refunds | +10 | 2,500.00 EUR |" in charter and "1 approved" in charter
    value = section_of(markdown, "Earned value at close")
    assert "| Actual cost (AC) | 1,200.00 EUR |" in value and "| Progress | 3 of 4 tasks done" in value
    check_earned_value(value)
    milestones = section_of(markdown, "Milestones planned against actual")
    assert f"| APL-M1 | Go-live | Fri 2027-01-15 | Fri 2027-01-15 | {today} |" in milestones
    deliverables = section_of(markdown, "Deliverables and acceptance")
    assert "| APL-1 | Build API | accepted | Bob Smith | Great work |" in deliverables
    assert "| APL-2 | Write docs | accepted | Bob Smith |" in deliverables
    risks = section_of(markdown, "Risks")
    assert "2 risks identified: 1 occurred, 0 closed, 1 carried over." in risks
    assert "| APL-R1 | Vendor late | 20 |" in risks and "| APL-I2 |" in risks
    issues = section_of(markdown, "Issues")
    assert "| APL-I1 | Flaky CI | medium | — | carried over |" in issues
    assert (
        "| APL-I3 | APL-2 sent back: Missing the admin guide | high | Carol Díaz | resolved at closing |"
        in issues
    )
    assert "| APL-I4 | APL-1 failed review: Every endpoint documented | high | Carol Díaz |" in issues
    quality = section_of(markdown, "Quality results")
    assert "Deliverables: 2 · acceptance criteria: 2 · reviews planned or held: 1." in quality
    assert (
        "| APL-1 | Carol Díaz | Fri 2026-12-18 | failed | 1 of 2 passed | Every endpoint documented "
        "| Refunds endpoint undocumented |" in quality
    )
    carried = section_of(markdown, "Carried-over items")
    assert "| APL-3 | task | Load test | Carol Díaz | to do · 0% | Tue 2026-12-15 |" in carried
    assert "| APL-I1 | issue | Flaky CI |" in carried and "| APL-R2 | risk | Key person leaves |" in carried
    assert "APL-4" not in carried and "APL-5" not in carried
    lessons = section_of(markdown, "Lessons learned")
    assert "2 answers, average rating 4.5 of 5." in lessons
    assert (
        "**Carol Díaz — rated 4 of 5**" in lessons
        and "Next time: Sign the vendor contract before kickoff" in lessons
    )
    team = section_of(markdown, "Team and roles")
    assert f"| Carol Díaz | member | backend and API | 50% | — | {today} |" in team
    documents = section_of(markdown, "Document register")
    assert "| Apollo charter | charter | https://docs.example.com/apollo/charter | Alice Chen |" in documents
    charts = section_of(markdown, "Charts")
    assert [f"*{caption}* — drawn in the PDF edition of this report." for caption in CHART_CAPTIONS] == [
        line for line in charts.splitlines() if line.startswith("*")
    ]


def measure(value: str, name: str) -> str:
    """The value in the earned-value table's row `name`."""
    return next(line for line in value.splitlines() if line.startswith(f"| {name} |")).split("|")[2].strip()


def amount(text: str) -> float:
    return float(text.removesuffix(" EUR").replace(",", ""))


def check_earned_value(value: str) -> None:
    """The indices follow from the figures: BAC 122,500 EUR, 56 of 72 estimated hours done, AC 1,200."""
    earned, actual = amount(measure(value, "Earned value (EV)")), 1200.0
    assert earned == round(122_500 * 56 / 72, 2)
    cpi = measure(value, "Cost performance (CPI)")
    assert cpi == f"{earned / actual:.2f}"
    # From the unrounded CPI: BAC / CPI = BAC x AC / EV = 1,200 x 72 / 56, not 122,500 / a rounded CPI.
    eac = 1200 * 72 / 56
    assert amount(measure(value, "Estimate at completion (EAC = BAC / CPI)")) == round(eac, 2)
    assert amount(measure(value, "Estimate to complete (ETC = EAC − AC)")) == round(eac - actual, 2)
    assert amount(measure(value, "Variance at completion (VAC = BAC − EAC)")) == round(122_500 - eac, 2)
    assert amount(measure(value, "Cost variance (CV = EV − AC)")) == round(122_500 * 56 / 72 - actual, 2)
    tcpi = (122_500 - 122_500 * 56 / 72) / (122_500 - actual)
    assert measure(value, "To-complete performance (TCPI)") == f"{tcpi:.2f}"
    # Planned value is what the baseline had scheduled by the close date, which depends on when this runs.
    planned = amount(measure(value, "Planned value (PV)"))
    assert 0 <= planned <= 122_500
    spi = measure(value, "Schedule performance (SPI)")
    assert spi == "—" if not planned else abs(float(spi) - earned / planned) <= 0.01
    assert measure(value, "Health") == "green"


REFUSED_WHEN_CLOSED = (
    ("task add Sneaky extra", ALICE),
    ("done APL-3", ALICE),
    ("doc add https://x.example.com/a Late doc", ALICE),
    ("close", ALICE),
    ("team add <@U0009> member", ALICE),
    ("issue Late issue", ALICE),
    ("phase closed", ALICE),
    ("cost 50 people taxi", ALICE),
    ("budget set people 5000", ALICE),
    ("risk", ALICE),
    ("change", CAROL),
    ("milestone add Late launch due 2027-02-01", ALICE),
    ("quality criterion APL-1 Late criterion", ALICE),
    ("update APL-3", CAROL),
)
# Buttons of old messages (the checklist, the risk prompt, a change request, a task, the DMs).
CLICKS_REFUSED_WHEN_CLOSED = (
    ("closing_finish", "APL-3", ALICE),
    ("deliverable_accept", "APL-1", BOB),
    ("risk_occurred", "APL-R2", ALICE),
    ("change_approve", "APL-C1", ALICE),
    ("change_reject", "APL-C1", ALICE),
    ("task_update", "APL-3", CAROL),
)
CLOSED = "APL is closed and read-only: its record can be read, not changed."


def refused_command(bot: RunningBot, command: str, user: str) -> str:
    """What the app answered `command`, having opened no form."""
    opened = len(bot.fake.calls_to("views.open"))
    answer = bot.slack.command(command, user=user).json()
    assert len(bot.fake.calls_to("views.open")) == opened, f"{command} opened a form"
    return answer.get("text", "")


def refused_click(bot: RunningBot, action: str, key: str, user: str) -> str:
    """What the app answered a click on `action`, having opened no form."""
    opened = len(bot.fake.calls_to("views.open"))
    answer = click(bot, action, key, user=user)
    assert len(bot.fake.calls_to("views.open")) == opened, f"{action} opened a form"
    return answer


def check_read_only(bot: RunningBot, update_form: dict[str, Any]) -> None:
    """A closed project refuses every change, still answers what it was asked, and is searchable."""
    before = contents(bot.database)
    for command, user in REFUSED_WHEN_CLOSED:
        assert refused_command(bot, command, user) == CLOSED, command
    for action, key, user in CLICKS_REFUSED_WHEN_CLOSED:
        assert CLOSED in refused_click(bot, action, key, user), action
    lessons = dm_button(bot, BOB, "lessons_answer")["value"]
    assert CLOSED in refused_click(bot, "lessons_answer", lessons, BOB)
    # A task form opened before the project closed is refused beside its fields when sent.
    errors = field_errors(submit(bot, update_form, {"status": "done", "note": "Late"}, user=CAROL))
    assert CLOSED in " ".join(errors.values())
    assert contents(bot.database) == before
    assert task(bot, 3).status is TaskStatus.TODO

    status = say(bot, "status").splitlines()
    assert status[0].endswith("APL · Apollo — green")
    assert status[2].startswith("*Phase* closed · *Progress* 3 of 4 tasks done")
    found = say(bot, "lessons vendor", user=CAROL)
    assert "*APL* Apollo" in found and "Vendor delays hurt" in found and "Early demos" not in found
    assert say(bot, "lessons nowhere") == "No lessons learned of a closed project mention “nowhere”."
    assert "Early demos" in say(bot, "lessons")


def sections(markdown: str) -> list[str]:
    return markdown.split("\n## ")


def check_report_again(bot: RunningBot, first: Uploaded, drawn: Drawn) -> None:
    """`/pmo report` on the closed project uploads both files again, saying what the first said."""
    uploads = len(bot.fake.calls_to("files.completeUploadExternal"))
    assert "Writing the report of APL" in say(bot, "report")
    again = uploaded_report(bot, uploads)
    assert set(again.file_ids).isdisjoint(first.file_ids)  # new files, not the first ones found again
    assert len(sections(again.markdown)) == 13  # the title and twelve sections
    assert sections(again.markdown) == sections(first.markdown)
    assert again.pdf_text == first.pdf_text and len(again.pdf.pages) == len(first.pdf.pages)
    assert [chart for chart, _ in drawn["plan"]] == [drawn["plan"][0][0]] * 2
    assert [chart for chart, _ in drawn["cost"]] == [drawn["cost"][0][0]] * 2
    assert [image.image.size for page in again.pdf.pages for image in page.images] == [
        image.image.size for page in first.pdf.pages for image in page.images
    ]


def test_the_states_recorded_for_every_settled_item(bot: RunningBot) -> None:
    start(bot)
    resolve_at_closing(bot, "APL-I1", "Vendor shipped the fix")
    click(bot, "closing_cancel", "APL-I2")
    assert click(bot, "closing_finish", "APL-R2").endswith(": closed.")
    with bot.database.system_session(write=False) as db:
        issues = dict(db.execute(select(Issue.number, Issue.status)).all())
        dispositions = dict(db.execute(select(Issue.number, Issue.disposition)).all())
        risk = db.scalars(select(Risk).where(Risk.number == 2)).one()
        milestone = db.scalars(select(Milestone)).one()
    assert issues == {1: IssueStatus.RESOLVED, 2: IssueStatus.RESOLVED}
    assert dispositions == {1: Disposition.FINISHED, 2: Disposition.CANCELLED}
    assert (risk.status, risk.disposition) == (RiskStatus.CLOSED, Disposition.FINISHED)
    assert milestone.completed_on is None
    assert "can only be marked reached" in click(bot, "closing_carry", "APL-M1")
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Milestone)).one().completed_on is None
