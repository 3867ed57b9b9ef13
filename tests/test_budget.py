"""Budget by category and logged costs: `/pmo budget`, `/pmo budget set`, `/pmo cost`, end to end."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.markup import unescape
from models import AuditEntry, BudgetLine, CostEntry, Project
from models.core.enums import EacMethod
from tests.support.budget import budgeted
from tests.support.charter import create
from tests.support.flows import CHANNEL, count_rows, local_today, say
from tests.support.served import RunningBot
from tests.support.status import running, weekdays
from tests.support.workspace import ADMIN, BOB, CAROL


def test_setting_categories_and_logging_costs_shows_planned_spent_and_remaining(bot: RunningBot) -> None:
    budgeted(bot)
    assert say(bot, "budget set people 95000") == "Budget for *people* is now 95,000.00 EUR."
    answer = say(bot, "cost 1,250.50 cloud hosting November invoice on 2026-11-20", user=CAROL)
    assert answer.splitlines() == [
        "Logged 1,250.50 EUR on *cloud hosting*: November invoice (Fri 2026-11-20).",
        "• *cloud hosting* · planned 10,000.00 EUR · spent 1,250.50 EUR · remaining 8,749.50 EUR · 13% used",
    ]
    say(bot, "cost 4000 people contractor week")

    lines = say(bot, "budget").splitlines()
    assert lines == [
        "APL · Apollo — budget (EUR)",
        "• *cloud hosting* · planned 10,000.00 EUR · spent 1,250.50 EUR · remaining 8,749.50 EUR · 13% used",
        "• *people* · planned 95,000.00 EUR · spent 4,000.00 EUR · remaining 91,000.00 EUR · 4% used",
        "*Total* · planned 105,000.00 EUR · spent 5,250.50 EUR · remaining 99,749.50 EUR"
        " · charter budget 120,000.00 EUR",
        "15,000.00 EUR of the charter's budget is not in any category yet.",
    ]
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(CostEntry).where(CostEntry.logged_by == CAROL)).one()
        people = db.scalars(
            select(AuditEntry).where(AuditEntry.action == "budget.set", AuditEntry.subject == "people")
        ).all()
    assert (entry.amount, entry.category, entry.spent_on) == (
        Decimal("1250.50"),
        "cloud hosting",
        date(2026, 11, 20),
    )
    assert [(e.before, e.after) for e in people] == [
        ({}, {"amount": "100000.00"}),
        ({"amount": "100000.00"}, {"amount": "95000.00"}),
    ]


def test_a_category_passing_90_percent_is_flagged_and_announced_once(bot: RunningBot) -> None:
    budgeted(bot)
    say(bot, "cost 8000 cloud hosting reserved instances")
    posts_before = len(bot.fake.calls_to("chat.postMessage"))
    answer = say(bot, "cost 1500 cloud hosting egress")
    assert (
        "⚠️ *cloud hosting* · planned 10,000.00 EUR · spent 9,500.00 EUR · remaining 500.00 EUR · 95% used"
        in (answer)
    )
    post = bot.fake.wait_for("chat.postMessage", posts_before + 1)[-1].args
    assert post["channel"] == CHANNEL
    assert post["text"].startswith("⚠️ APL: *cloud hosting* has spent more than 90% of its budget.")
    say(bot, "cost 900 cloud hosting egress again")
    assert len(bot.fake.calls_to("chat.postMessage")) == posts_before + 1  # not announced twice
    assert "⚠️ *cloud hosting* · planned 10,000.00 EUR · spent 10,400.00 EUR · remaining -400.00 EUR" in say(
        bot, "budget"
    )


def test_bad_budget_and_cost_lines_say_what_is_wrong_and_change_nothing(bot: RunningBot) -> None:
    budgeted(bot)
    tomorrow = (local_today() + timedelta(days=3)).isoformat()
    cases = [
        ("budget set people -5", "can't be negative"),
        ("budget set people lots", "lots"),
        ("budget set 500", "Name a category and its amount"),
        ("budget spend 5", "`spend` is not something I do with the budget"),
        ("cost 50 travel taxi", "`travel` is not a category of this budget (cloud hosting, people)"),
        ("cost -50 people taxi", "an amount above zero"),
        ("cost fifty people taxi", "fifty"),
        ("cost 50 people", "Give the amount, the category and what it was for"),
        ("cost 50 people taxi on someday-ish", "can't read"),
        (f"cost 50 people taxi on {tomorrow}", "is still to come"),
    ]
    for text, words in cases:
        answer = say(bot, text)
        assert words in answer, (text, answer)
    assert count_rows(bot.database, CostEntry) == 0
    with bot.database.system_session(write=False) as db:
        assert db.scalar(select(BudgetLine.amount).where(BudgetLine.category == "people")) == Decimal(
            "100000.00"
        )
    assert "/pmo cost <amount> <category> <what> [on <when>]" in unescape(say(bot, "cost 50 people"))


def test_only_the_manager_sets_the_budget_and_only_the_team_logs_costs(bot: RunningBot) -> None:
    budgeted(bot)
    assert "Only the project's manager (<@U0001>)" in say(bot, "budget set people 1", user=CAROL)
    assert "Only the project's team (manager, member)" in say(bot, "cost 10 people lunch", user=BOB)
    assert count_rows(bot.database, CostEntry) == 0
    assert "is now 1.00 EUR" in say(bot, "budget set people 1", user=ADMIN)


def test_a_project_without_categories_says_how_to_add_them(bot: RunningBot) -> None:
    create(bot)
    assert "no categories yet" in say(bot, "budget")
    assert "is not a category of this budget (—)" in say(bot, "cost 10 people lunch")


def test_categories_over_the_charter_budget_are_said_when_set_and_minus_zero_is_zero(bot: RunningBot) -> None:
    budgeted(bot)  # charter 120,000 EUR; people 100,000 and cloud hosting 10,000 planned
    assert say(bot, "budget set travel -0") == "Budget for *travel* is now 0.00 EUR."
    answer = say(bot, "budget set travel 25000")
    assert answer == (
        "Budget for *travel* is now 25,000.00 EUR."
        " The categories plan 15,000.00 EUR more than the charter's budget."
    )
    with bot.database.system_session(write=False) as db:
        travel = db.scalars(select(BudgetLine).where(BudgetLine.category == "travel")).one()
    assert travel.amount == Decimal("25000.00")
    assert say(bot, "budget set travel 10000") == "Budget for *travel* is now 10,000.00 EUR."


def test_the_manager_chooses_how_eac_is_forecast_and_the_status_follows(bot: RunningBot) -> None:
    running(bot)  # BAC 120,000 EUR; once APL-2 is done EV is 60,000 EUR against AC 1,000 EUR
    say(bot, "done APL-2", user=CAROL)
    shown = say(bot, "budget eac").splitlines()
    assert shown[0].startswith("The estimate at completion (EAC) is forecast as *BAC / CPI* (`cpi`).")
    assert "• `budget-rate` — EAC = AC + (BAC − EV): " in "\n".join(shown)
    assert say(bot, "budget eac budget-rate").startswith(
        "The estimate at completion (EAC) is now forecast as *AC + (BAC − EV)* (`budget-rate`)"
    )
    # AC + (BAC - EV) = 1,000 + 60,000; ETC = EAC - AC; VAC = BAC - EAC.
    assert (
        "*At completion* EAC 61,000.00 EUR (AC + (BAC − EV))"
        " · ETC 60,000.00 EUR · VAC 59,000.00 EUR · TCPI 0.50" in say(bot, "status").splitlines()
    )
    say(bot, "budget eac CPI_SPI")
    spi = 1 / (1 + weekdays(-10, 0) / weekdays(-10, 9))
    eac = 1000 + 60_000 / (60 * spi)
    assert f"*At completion* EAC {eac:,.2f} EUR (AC + (BAC − EV) / (CPI × SPI))" in say(bot, "status")
    with bot.database.system_session(write=False) as db:
        changes = db.scalars(select(AuditEntry).where(AuditEntry.action == "budget.eac_method")).all()
        assert [(entry.before, entry.after) for entry in changes] == [
            ({"method": "cpi"}, {"method": "budget_rate"}),
            ({"method": "budget_rate"}, {"method": "cpi_spi"}),
        ]
        assert db.scalars(select(Project.eac_method)).one() is EacMethod.CPI_SPI


def test_only_the_manager_chooses_the_eac_formula_and_only_a_known_one(bot: RunningBot) -> None:
    running(bot)
    assert "Only the project's manager (<@U0001>)" in say(bot, "budget eac budget-rate", user=CAROL)
    refused = unescape(say(bot, "budget eac median"))
    assert (
        "`median` is not a way to forecast the estimate at completion: choose cpi, budget-rate, cpi-spi"
        in refused
    )
    assert "Name one method after `eac`" in say(bot, "budget eac cpi now")
    assert "(`cpi`)" in say(bot, "budget eac", user=CAROL)  # anyone on it may ask which
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.eac_method)).one() is EacMethod.CPI
