"""`/pmo budget [set … | eac …]` and `/pmo cost …`: the budget by category, its spend, the EAC formula."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import MESSAGE_BLOCKS_MAX, context, fit, header, sections
from bot.dates import Lean
from bot.formats import fmt_date, fmt_money
from bot.i18n import Translator
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.forms import DateContext, read_amount, read_date
from models.budget.forecast import eac_method_named, method_word, set_eac_method
from models.budget.spend import (
    BudgetReport,
    CategorySpend,
    budget_report,
    log_cost,
    match_category,
    set_category,
)
from models.core.enums import EacMethod

DATE_WORD = "on"


def category_line(line: CategorySpend, currency: str, t: Translator) -> str:
    used = t("budget.used", percent=line.used_percent) if line.used_percent is not None else ""
    return t(
        "budget.line",
        flag=t("budget.flag") if line.warning else "•",
        category=line.category,
        planned=fmt_money(line.planned, currency, t),
        spent=fmt_money(line.spent, currency, t),
        remaining=fmt_money(line.remaining, currency, t),
        used=used,
    )


def summary_lines(report: BudgetReport, currency: str, t: Translator) -> list[str]:
    lines = [
        t(
            "budget.total",
            planned=fmt_money(report.planned, currency, t),
            spent=fmt_money(report.spent, currency, t),
            remaining=fmt_money(report.planned - report.spent, currency, t),
            charter=fmt_money(report.total, currency, t),
        )
    ]
    unplanned = report.unplanned
    if unplanned is not None and unplanned > 0:
        lines.append(t("budget.unplanned", amount=fmt_money(unplanned, currency, t)))
    return lines + over_planned_lines(report, currency, t)


def over_planned_lines(report: BudgetReport, currency: str, t: Translator) -> list[str]:
    """Said wherever the categories are shown or changed: they plan more than the charter allows."""
    unplanned = report.unplanned
    if unplanned is None or unplanned >= 0:
        return []
    return [t("budget.over_planned", amount=fmt_money(-unplanned, currency, t))]


def budget_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    with ctx.db(write=False) as db:
        project = ctx.channel_project(db)
        report = budget_report(db, project)
    title = ctx.t("budget.title", key=project.key, name=project.name, currency=project.currency)
    if not report.categories:
        return Reply(ctx.t("budget.none", title=title, key=project.key))
    lines = [category_line(line, project.currency, ctx.t) for line in report.categories]
    lines += summary_lines(report, project.currency, ctx.t)
    blocks = fit(
        [header(title), *sections(lines), context(ctx.t("budget.footer"))],
        limit=MESSAGE_BLOCKS_MAX,
        overflow=context(ctx.t("budget.too_many", count=len(report.categories))),
    )
    return Reply(title + "\n" + "\n".join(lines), blocks=blocks)


def budget_set(invocation: Invocation, args: list[str]) -> Reply:
    if len(args) < 2:
        raise UsageError("budget.set_form")
    ctx = invocation.ctx
    amount = read_amount(args[-1])
    with ctx.db() as db:
        project = ctx.channel_project(db)
        line = set_category(
            db=db, actor=ctx.actor, project=project, category=" ".join(args[:-1]), amount=amount
        )
        text = ctx.t(
            "budget.set", category=line.category, amount=fmt_money(line.amount, project.currency, ctx.t)
        )
        warnings = over_planned_lines(budget_report(db, project), project.currency, ctx.t)
        return Reply(" ".join([text, *warnings]))


def method_choices(t: Translator) -> list[str]:
    return [
        t(
            "budget.eac_choice",
            word=method_word(m),
            formula=t(f"status.eac_method.{m.value}"),
            why=t(f"budget.eac_why.{m.value}"),
        )
        for m in EacMethod
    ]


def budget_eac(invocation: Invocation, args: list[str]) -> Reply:
    """`budget eac` says the project's EAC formula and the choices; `budget eac <method>` sets it."""
    if len(args) > 1:
        raise UsageError("budget.eac_form")
    ctx = invocation.ctx
    method = eac_method_named(args[0]) if args else None
    with ctx.db(write=method is not None) as db:
        project = ctx.channel_project(db)
        if method is not None:
            set_eac_method(db=db, actor=ctx.actor, project=project, method=method)
        current = project.eac_method
    key = "budget.eac_set" if method is not None else "budget.eac_current"
    text = ctx.t(key, formula=ctx.t(f"status.eac_method.{current.value}"), word=method_word(current))
    return Reply("\n".join([text, *method_choices(ctx.t)]))


def split_date(words: list[str]) -> tuple[list[str], str | None]:
    """`taxi to the airport on monday` → the words before the last `on`, and the date after it."""
    lowered = [word.lower() for word in words]
    if DATE_WORD not in lowered:
        return words, None
    last = len(lowered) - 1 - lowered[::-1].index(DATE_WORD)
    return words[:last], " ".join(words[last + 1 :]) or None


def standing_of(report: BudgetReport, category: str) -> CategorySpend:
    """A planned category's line in the report (every planned category has one)."""
    return next(line for line in report.categories if line.category == category)


def cost_reply(invocation: Invocation) -> Reply:
    ctx = invocation.ctx
    words = invocation.words
    if len(words) < 3:
        raise UsageError("budget.cost_form")
    amount = read_amount(words[0])
    dates = DateContext.of(ctx)
    rest, when = split_date(words[1:])
    spent_on = read_date(when, dates, lean=Lean.PAST) if when else dates.today()
    with ctx.db() as db:
        project = ctx.channel_project(db)
        category, what = match_category(db, project, rest)
        was_warning = standing_of(budget_report(db, project), category).warning
        log_cost(
            db=db,
            actor=ctx.actor,
            project=project,
            amount=amount,
            category=category,
            description=" ".join(what),
            spent_on=spent_on,
            today=dates.today(),
        )
        line = standing_of(budget_report(db, project), category)
    text = ctx.t(
        "budget.logged",
        amount=fmt_money(amount, project.currency, ctx.t),
        category=category,
        what=" ".join(what),
        day=fmt_date(spent_on, ctx.t),
    )
    standing = category_line(line, project.currency, ctx.t)
    if line.warning and not was_warning:
        t = ctx.t_project(project)
        warning = t("budget.passed_warning", key=project.key, category=category)
        warning += "\n" + category_line(line, project.currency, t)
        ctx.notify(Notice.new("budget_warning", project.key, channel=project.channel_id, text=warning))
    return Reply(text + "\n" + standing)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "budget",
        usage="budget [set <category> <amount> | eac [cpi|budget-rate|cpi-spi]]",
        example="budget set cloud hosting 12000",
        shareable=True,
    )
    def budget_verb(invocation: Invocation) -> Reply:
        words = invocation.words
        if not words:
            return budget_reply(invocation)
        action = words[0].lower()
        if action == "eac":
            return budget_eac(invocation, words[1:])
        if action != "set":
            raise UsageError("budget.bad_action", given=words[0])
        return budget_set(invocation, words[1:])

    @router.verb(
        "cost",
        usage="cost <amount> <category> <what> [on <when>]",
        example="cost 1200 cloud hosting November invoice on nov 30",
    )
    def cost_verb(invocation: Invocation) -> Reply:
        return cost_reply(invocation)
