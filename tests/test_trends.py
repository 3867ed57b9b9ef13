"""Trends: the daily snapshot pass, the charts drawn from its rows, `/pmo trend`, and the digest
and final report that include them."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from pypdf import PdfReader
from sqlalchemy import select

import models.trends.daily
from bot.app import Mode, create_app
from bot.charts import png_of
from bot.health_chart import COLOURS as HEALTH_COLOURS
from bot.i18n import Translator
from bot.runtime import Runtime
from bot.trend_charts import (
    ACTUAL,
    BASELINE,
    EARNED,
    PLANNED,
    REMAINING,
    SPI,
    Burndown,
    EarnedValueTrend,
    HealthTrend,
    burndown_figure,
    earned_value_figure,
    health_figure,
)
from handlers.status.command import index
from handlers.trends.daily import TrendPass, run_trends
from models import Project, TrendSnapshot
from models.core.database import Database
from models.status.report import StatusReport
from models.status.snapshot import statuses_of
from tests.support.charter import create
from tests.support.digests import MONDAY_0905_SHANGHAI, busy_week, channel_posts, digests
from tests.support.fakeslack import FakeSlack
from tests.support.flows import CHANNEL
from tests.support.passes import run_passes_now
from tests.support.png import PNG_SIGNATURE, hex_rgb, pixels, runs
from tests.support.projects import add_projects, project_key
from tests.support.queries import statements
from tests.support.served import RunningBot, make_settings
from tests.support.workspace import TEAM, WEI

EN = Translator("en")

# 09:05 on Monday 7 December 2026 in Shanghai, where add_projects puts every project.
MONDAY = datetime.fromisoformat("2026-12-07T01:05+00:00")
LAST_MINUTE_OF_MONDAY = datetime.fromisoformat("2026-12-07T15:59+00:00")
FIRST_MINUTE_OF_TUESDAY = datetime.fromisoformat("2026-12-07T16:01+00:00")


@pytest.fixture
def runtime(database: Database, fake_slack: FakeSlack) -> Runtime:
    database.ensure_workspace(TEAM)
    url = database.url.render_as_string(hide_password=False)
    return create_app(make_settings(fake_slack, url), database=database, mode=Mode.HTTP).runtime


def kept(database: Database) -> list[TrendSnapshot]:
    with database.system_session(write=False) as db:
        return list(db.scalars(select(TrendSnapshot).order_by(TrendSnapshot.project_id, TrendSnapshot.day)))


def keys_and_days(database: Database) -> list[tuple[str, date]]:
    with database.system_session(write=False) as db:
        rows = db.execute(
            select(Project.key, TrendSnapshot.day)
            .join(Project, Project.id == TrendSnapshot.project_id)
            .order_by(Project.key, TrendSnapshot.day)
        )
        return [(key, day) for key, day in rows]


def test_the_pass_keeps_each_project_s_status_once_a_day_in_its_own_time_zone(
    database: Database, runtime: Runtime
) -> None:
    add_projects(database, 0, 2, MONDAY.date())
    assert run_trends(runtime, MONDAY) == []
    first = kept(database)
    with database.session(TEAM, write=False) as db:
        projects = list(db.scalars(select(Project).order_by(Project.key)))
        statuses = statuses_of(db, projects, MONDAY.date())
    # The row holds what `/pmo status` shows that day: one task of three working days (Mon–Wed),
    # a third of it planned by Monday's end, nothing earned, 120 spent, one open risk.
    for row, project in zip(first, projects, strict=True):
        status = statuses[project.id]
        assert row.day == MONDAY.date()
        assert row.planned_value == (Decimal(10_000) / 3).quantize(Decimal("0.01"))
        assert row.planned_value == status.value.planned_value.quantize(Decimal("0.01"))  # type: ignore[union-attr]
        assert (row.earned_value, row.actual_cost, row.spi, row.cpi) == (
            Decimal("0.00"),
            Decimal(120),
            None,
            None,
        )
        assert (row.remaining_tasks, row.remaining_hours, row.open_risks, row.open_issues) == (1, None, 1, 0)
        assert row.health is status.assessment.health

    # The same day again, even a minute before it ends in Shanghai: nothing new, nothing rewritten.
    assert run_trends(runtime, LAST_MINUTE_OF_MONDAY) == []
    assert [(r.id, r.created_at) for r in kept(database)] == [(r.id, r.created_at) for r in first]
    # A minute into Tuesday in Shanghai (still Monday in UTC): Tuesday's row.
    run_trends(runtime, FIRST_MINUTE_OF_TUESDAY)
    tuesday = MONDAY.date() + timedelta(days=1)
    assert keys_and_days(database) == [
        (key, day) for key in (project_key(0), project_key(1)) for day in (MONDAY.date(), tuesday)
    ]


def test_a_project_whose_figures_fail_is_left_out_alone_and_kept_at_the_next_tick(
    database: Database, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_projects(database, 0, 3, MONDAY.date())
    broken = project_key(1)
    row_of = models.trends.daily.snapshot_row

    def failing(report: StatusReport) -> dict[str, object]:
        if report.project.key == broken:
            raise ValueError("a row that cannot be read")
        return row_of(report)

    monkeypatch.setattr(models.trends.daily, "snapshot_row", failing)
    failures = run_trends(runtime, MONDAY)
    assert [f.subject for f in failures] == [f"{broken} (#C0Q0001)"]
    assert "a row that cannot be read" in failures[0].error
    assert keys_and_days(database) == [(project_key(0), MONDAY.date()), (project_key(2), MONDAY.date())]

    monkeypatch.setattr(models.trends.daily, "snapshot_row", row_of)
    assert run_trends(runtime, MONDAY + timedelta(minutes=1)) == []
    assert [key for key, _ in keys_and_days(database)] == [project_key(n) for n in range(3)]


def test_the_pass_sends_the_same_statements_for_2_projects_and_for_6(
    database: Database, runtime: Runtime
) -> None:
    add_projects(database, 0, 2, MONDAY.date())
    with statements(database) as small:
        TrendPass(runtime, TEAM, MONDAY).run()
    add_projects(database, 2, 4, MONDAY.date())
    with statements(database) as big:
        TrendPass(runtime, TEAM, MONDAY + timedelta(days=1)).run()
    with statements(database) as again:
        TrendPass(runtime, TEAM, MONDAY + timedelta(days=1, minutes=1)).run()
    assert len(kept(database)) == 2 + 6
    assert sum(big.values()) == sum(small.values()), (small, big)
    # A tick that finds every day kept reads the projects and what is kept, and builds no status.
    assert sum(again.values()) <= 4, again


# The charts' words; the handler fills them from the catalog (trend.chart.*).
LABELS = {
    "planned": "PV",
    "earned": "EV",
    "actual": "AC",
    "baseline": "baseline",
    "remaining": "remaining",
    "ideal": "ideal",
    "spi": "SPI",
    "cpi": "CPI",
    "green": "green",
    "amber": "amber",
    "red": "red",
}
WEEK = [date(2026, 12, 1) + timedelta(days=n) for n in range(7)]


def drawn_at(figure: Figure, axes: Axes, png: bytes, x: float, y: float) -> np.ndarray:
    """The colour of the PNG's pixel where the data point (x, y) of `axes` was drawn."""
    column, height = axes.transData.transform((x, y))
    image = pixels(png)
    return image[image.shape[0] - round(height), round(column)]  # type: ignore[no-any-return]


def near(colour: np.ndarray, expected: str) -> bool:
    return bool(np.all(np.abs(colour - hex_rgb(expected)) < 0.08))


def test_the_s_curve_draws_each_day_s_pv_ev_and_ac_where_their_values_are() -> None:
    actual = [150.0 * (n + 1) for n in range(7)]
    chart = EarnedValueTrend(
        "APL: earned value",
        WEEK,
        [100.0 * (n + 1) for n in range(7)],
        [50.0 * (n + 1) for n in range(7)],
        actual,
        [(WEEK[0], 0.0), (WEEK[-1] + timedelta(days=7), 2000.0)],
        "EUR",
        LABELS,
    )
    figure = earned_value_figure(chart)
    png = png_of(figure)
    axes = figure.axes[0]
    assert png.startswith(PNG_SIGNATURE) and pixels(png).shape[:2] == (450, 1000)
    for day, pv, ev, ac in zip(chart.days, chart.planned, chart.earned, actual, strict=True):
        x = mdates.date2num(day)
        assert near(drawn_at(figure, axes, png, x, pv or 0), PLANNED), day
        assert near(drawn_at(figure, axes, png, x, ev or 0), EARNED), day
        assert near(drawn_at(figure, axes, png, x, ac), ACTUAL), day
    # The AC line's top, in the last day's column, is at the height of the last AC (1,050).
    column, top = axes.transData.transform((mdates.date2num(WEEK[-1]) - 0.05, actual[-1]))
    image = pixels(png)
    rows = np.flatnonzero(np.all(np.abs(image[:, round(column)] - hex_rgb(ACTUAL)) < 0.08, axis=1))
    assert abs(rows.min() - (image.shape[0] - top)) <= 3, (rows.min(), image.shape[0] - top)
    # The baseline goes on past the last snapshot, to its end.
    # The baseline is dashed: somewhere within a few pixels of its end.
    column, height = axes.transData.transform((mdates.date2num(WEEK[-1] + timedelta(days=7)), 2000.0))
    row, column = image.shape[0] - round(height), round(column)
    box = image[row - 4 : row + 5, column - 8 : column + 1].reshape(-1, 3)
    assert any(near(colour, BASELINE) for colour in box)


def test_the_burndown_and_the_health_history_draw_each_day() -> None:
    remaining = [100.0 - 12 * n for n in range(7)]
    burndown = burndown_figure(
        Burndown("APL: remaining work", WEEK, remaining, "hours", date(2026, 12, 20), LABELS)
    )
    png = png_of(burndown)
    for day, left in zip(WEEK, remaining, strict=True):
        assert near(drawn_at(burndown, burndown.axes[0], png, mdates.date2num(day), left), REMAINING), day

    health = ["green", "green", "amber", "amber", "red", "amber", "green"]
    spi = [1.0, 0.9, 0.8, None, 0.7, 0.95, 1.05]
    figure = health_figure(HealthTrend("APL: health", WEEK, health, spi, [1.1] * 7, LABELS))
    png = png_of(figure)
    indices, strip = figure.axes
    for day, colour, value in zip(WEEK, health, spi, strict=True):
        assert near(drawn_at(figure, strip, png, mdates.date2num(day) + 0.5, 0.5), HEALTH_COLOURS[colour]), (
            day
        )
        if value is not None:
            assert near(drawn_at(figure, indices, png, mdates.date2num(day) + 0.5, value), SPI), day
    # A day without an SPI leaves a gap in its line.
    assert not near(drawn_at(figure, indices, png, mdates.date2num(WEEK[3]) + 0.5, 0.75), SPI)


def test_pmo_trend_answers_in_words_until_two_days_are_kept_then_posts_three_charts(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("task add Build <@U0001|alice> start 2026-12-01 due 2026-12-10")
    assert "has no daily snapshot yet" in bot.slack.command("trend").json()["text"]
    assert run_passes_now(bot, "2026-12-02T12:00+00:00", "trends").ok
    one = bot.slack.command("trend APL", user=WEI).json()["text"]
    assert "目前只有一个每日快照" in one and "APL" in one, one
    bot.slack.command("budget set people 10000")
    bot.slack.command("cost 1200 people contractor")
    assert run_passes_now(bot, "2026-12-03T12:00+00:00", "trends").ok
    with bot.database.system_session(write=False) as db:
        actual = [row.actual_cost for row in db.scalars(select(TrendSnapshot).order_by(TrendSnapshot.day))]
    assert actual == [Decimal(0), Decimal(1200)]

    answer = bot.slack.command("trend").json()["text"]
    assert answer == "Drawing the trend of APL from 2 daily snapshots: the charts follow in a moment."
    complete = bot.fake.wait_for("files.completeUploadExternal", 1, timeout=60)[-1]
    assert complete.args["channel_id"] == CHANNEL
    files = [bot.fake.uploaded(item["id"]) for item in complete.args["files"]]
    assert [item["title"] for item in complete.args["files"]] == [
        EN(f"trend.chart.{name}_caption") for name in ("earned_value", "burndown", "health")
    ]
    earned, burndown, health = (pixels(f.content) for f in files if f is not None)
    assert earned.shape[:2] == burndown.shape[:2] == health.shape[:2] == (450, 1000)
    # Each chart drew its own lines: AC on the S-curve, the remaining work, a green (or amber) day.
    assert any(runs(earned[:, column], hex_rgb(ACTUAL)) for column in range(200, 1000, 20))
    assert any(runs(burndown[:, column], hex_rgb(REMAINING)) for column in range(200, 1000, 20))
    health_colours = [hex_rgb(HEALTH_COLOURS[name]) for name in ("green", "amber", "red")]
    assert any(runs(health[:, 500], colour) for colour in health_colours)


def kept_week(bot: RunningBot, *at: str) -> list[TrendSnapshot]:
    for moment in at:
        assert run_passes_now(bot, moment, "trends").ok
    with bot.database.system_session(write=False) as db:
        return list(db.scalars(select(TrendSnapshot).order_by(TrendSnapshot.day)))


def test_the_weekly_digest_says_where_the_week_s_trend_went_in_one_line(bot: RunningBot) -> None:
    busy_week(bot)
    kept_week(bot, "2026-12-01T02:00+00:00")
    bot.slack.command("cost 800 people contractor")
    rows = kept_week(bot, "2026-12-05T02:00+00:00")
    assert len(rows) == 2
    digests(bot, MONDAY_0905_SHANGHAI)
    (post,) = [text for text in channel_posts(bot) if text.startswith("📰")]
    first, last = rows
    expected = EN(
        "digests.trend",
        spi=index(first.spi, EN),
        spi_now=index(last.spi, EN),
        cpi=index(first.cpi, EN),
        cpi_now=index(last.cpi, EN),
        remaining=EN("digests.trend_tasks", count=first.remaining_tasks),
        remaining_now=EN("digests.trend_tasks", count=last.remaining_tasks),
    )
    assert expected in post, post
    # The cost logged midweek lowered the CPI the line shows.
    assert first.cpi is not None and last.cpi is not None and last.cpi < first.cpi


def test_the_final_report_includes_the_trend_charts_once_two_days_are_kept(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("task add Build <@U0001|alice> start 2026-12-01 due 2026-12-10")
    kept_week(bot, "2026-12-02T12:00+00:00", "2026-12-03T12:00+00:00")
    bot.slack.command("report")
    complete = bot.fake.wait_for("files.completeUploadExternal", 1, timeout=60)[-1]
    markdown, pdf = (bot.fake.uploaded(item["id"]) for item in complete.args["files"])
    assert markdown is not None and pdf is not None
    text = markdown.content.decode()
    for name in ("earned_value", "burndown", "health"):
        assert EN(f"trend.chart.{name}_caption") in text, name
    # The PDF carries the pictures: the plan, the cost, and the three trend charts.
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf.content)).pages) == 5
