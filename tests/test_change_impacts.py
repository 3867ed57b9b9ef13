"""An approved change moves the work it names in working days and says what moved, as a move does."""

from __future__ import annotations

from datetime import date

from tests.support.changes import decide, request_change
from tests.support.charter import create
from tests.support.flows import field_errors, say
from tests.support.planning import task
from tests.support.served import RunningBot
from tests.support.workspace import ALICE


def test_an_approved_change_says_what_it_moved_in_working_days(bot: RunningBot) -> None:
    create(bot, {"change_threshold_days": "30", "change_threshold_amount": "50000"})
    bot.slack.command("team add <@U0003> member")
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task add Build start 2026-12-10 due 2026-12-11 after APL-1")
    say(bot, "milestone add Beta due 2027-01-15")
    request_change(bot, {"title": "Add refunds", "schedule_days": "3", "targets": "APL-1, APL-M1"})
    posts_before = len(bot.fake.calls_to("chat.postMessage"))
    assert field_errors(decide(bot, "change_approve", ALICE)) == {}

    design, build = task(bot, 1), task(bot, 2)
    assert (design.start_date, design.due_date) == (date(2026, 12, 10), date(2026, 12, 14))  # Thu to Mon
    assert (build.start_date, build.due_date) == (date(2026, 12, 15), date(2026, 12, 16))
    posts = bot.fake.wait_for("chat.postMessage", posts_before + 1)[posts_before:]
    moved = [call.args["text"] for call in posts if call.args["text"].startswith("✅ *APL-C1* is approved")]
    assert moved == [
        "\n".join(
            [
                "✅ *APL-C1* is approved. What it moved, in working days:",
                "*APL-1* moves 3 working days: now Thu 2026-12-10 to Mon 2026-12-14.",
                "↪ *APL-2* follows it, 3 working days later: now Tue 2026-12-15 to Wed 2026-12-16.",
                "The project's finish moves from Fri 2026-12-11 to Wed 2026-12-16.",
                "*APL-M1* Beta moves from Fri 2027-01-15 to Wed 2027-01-20.",
            ]
        )
    ]
