"""The dashboard in the browser: Sign in with Slack, the portfolio and project pages with the
same figures as `/pmo status`, the visibility rule, one workspace per reader, both languages."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.scopes import DASHBOARD_PATH, SIGN_IN_REDIRECT_PATH
from bot.settings import SettingsError, load_settings
from handlers.dashboard.session import SESSION_COOKIE, Reader, Sessions
from models import Project, TrendSnapshot
from models.core.enums import Health
from tests.support.changes import decide, requested
from tests.support.charter import create
from tests.support.dashboard import CLIENT_ID, CLIENT_SECRET, Browser, sign_in, text_of
from tests.support.databases import SQLITE_ONLY
from tests.support.digests import MONDAY_0905_SHANGHAI
from tests.support.flows import CHANNEL, local_today
from tests.support.passes import run_passes_now
from tests.support.served import RunningBot
from tests.support.status import running, say
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL, OTHER_TEAM, TEAM, WEI

PRIVATE = "G0001"  # a private channel, as Slack names them
FIGURES = re.compile(r"\b(SPI|CPI) (\S+)")
MENTION = re.compile(r"&lt;@U\w+&gt;|<@U\w+>")


def page(bot: RunningBot, browser: Browser, path: str = "") -> requests.Response:
    return browser.get(bot.url + DASHBOARD_PATH + path)


def status_lines(bot: RunningBot, key: str, user: str = ALICE) -> list[str]:
    """`/pmo status` as Slack shows it, markup aside."""
    return [line.replace("*", "").strip() for line in say(bot, f"status {key}", user=user).splitlines()]


def test_a_reader_signs_in_and_sees_the_same_figures_as_pmo_status(dashboard: RunningBot) -> None:
    running(dashboard)
    browser = sign_in(dashboard, ALICE)
    assert set(browser.cookies) == {SESSION_COOKIE}  # the state and where-next cookies are spent
    said = status_lines(dashboard, "APL")
    portfolio = page(dashboard, browser)
    row = re.search(r'<tr id="row-APL">(.*?)</tr>', portfolio.text, re.S)
    assert row is not None, portfolio.text
    spi = re.search(r'class="num spi">([^<]+)<', row.group(1))
    cpi = re.search(r'class="num cpi">([^<]+)<', row.group(1))
    assert spi and cpi
    assert dict(FIGURES.findall("\n".join(said))) == {"SPI": spi.group(1), "CPI": cpi.group(1)}
    assert "Signed in as Alice Chen" in text_of(portfolio.text)

    shown = page(dashboard, browser, "/projects/APL").text
    # Value left to earn runs from the whole budget at the start down to nothing at the end.
    left = re.search(r'id="burndown">.*?class="planned" points="([^"]+)"', shown, re.S)
    assert left is not None
    points = [point.split(",") for point in left.group(1).split()]
    assert (points[0][1], points[-1][1]) == ("40", "220")  # the chart's top and bottom lines
    assert "120,000.00 EUR" in text_of(shown.split('id="burndown"')[1])
    project = text_of(shown)
    for line in said[1:-1]:  # its lines below the title, which the page sets as a heading
        # A mention in Slack is the person's name on the page; the rest reads the same.
        parts = [" ".join(part.split()) for part in MENTION.split(line)]
        assert all(part in project for part in parts), line
    assert "APL-1 Build · Carol Díaz · due" in project


def test_a_private_project_is_refused_to_an_outsider_and_shown_to_its_people(dashboard: RunningBot) -> None:
    create(dashboard, {"key": "SEC", "name": "Vault <script>x</script>"}, channel=PRIVATE)
    outsider = sign_in(dashboard, CAROL)
    assert "SEC" not in text_of(page(dashboard, outsider).text)
    refused = page(dashboard, outsider, "/projects/SEC")
    assert refused.status_code == 403
    assert "SEC belongs to a private channel" in text_of(refused.text)
    assert "Vault" not in refused.text
    for person in (BOB, ADMIN):  # its sponsor, a PMO administrator
        insider = sign_in(dashboard, person)
        assert 'id="row-SEC"' in page(dashboard, insider).text
        shown = page(dashboard, insider, "/projects/SEC")
        assert shown.status_code == 200
        assert "Vault &lt;script&gt;x&lt;/script&gt;" in shown.text and "<script>" not in shown.text


def test_another_workspaces_reader_reaches_nothing_of_this_one(dashboard: RunningBot) -> None:
    running(dashboard)
    dashboard.fake.add_user(OTHER_TEAM, "U0700", name="gil", real_name="Gil Globex", tz="UTC")
    stranger = sign_in(dashboard, "U0700", team_id=OTHER_TEAM)
    portfolio = page(dashboard, stranger)
    assert "APL" not in text_of(portfolio.text) and "0 projects of 0 shown" in text_of(portfolio.text)
    assert page(dashboard, stranger, "/projects/APL").status_code == 404
    lost = page(dashboard, stranger, "/nowhere")
    assert lost.status_code == 404 and "There is no such page in the dashboard." in text_of(lost.text)


@SQLITE_ONLY
def test_the_pages_speak_the_readers_slack_language(dashboard: RunningBot) -> None:
    running(dashboard)
    wei = sign_in(dashboard, WEI, page=DASHBOARD_PATH + "/projects/APL")
    project = text_of(page(dashboard, wei, "/projects/APL").text)
    assert "项目章程" in project and "风险热力图" in project and "Charter" not in project
    figures = FIGURES.findall(" ".join(status_lines(dashboard, "APL", user=WEI)))
    assert figures and all(f"{name} {value}" in project for name, value in figures)
    assert "项目组合" in text_of(page(dashboard, wei).text)


def test_a_sign_in_that_slack_or_the_browser_did_not_finish_signs_nobody_in(dashboard: RunningBot) -> None:
    dashboard.fake.sign_in_as(TEAM, None)  # the person pressed Cancel at Slack
    declined = Browser()
    answer = declined.get(f"{dashboard.url}{DASHBOARD_PATH}/sign-in")
    assert answer.status_code == 400 and "cancelled in Slack" in text_of(answer.text)
    assert SESSION_COOKIE not in declined.cookies

    dashboard.fake.sign_in_as(TEAM, ALICE)
    started = Browser()
    to_slack = started.get(f"{dashboard.url}{DASHBOARD_PATH}/sign-in", follow=False)
    back = started.get(to_slack.headers["Location"], follow=False).headers["Location"]
    elsewhere = Browser()  # the same link opened in a browser that did not start it
    refused = elsewhere.get(back)
    assert refused.status_code == 400 and "Sign in again" in text_of(refused.text)
    assert SESSION_COOKIE not in elsewhere.cookies
    kept = dict(started.cookies)
    forged = started.get(back.replace("code=", "code=forged-"))  # a code Slack never gave
    assert forged.status_code == 400 and "could not confirm who you are" in text_of(forged.text)
    replayed = Browser(kept).get(back)  # the genuine code, but its one-time state is spent
    assert replayed.status_code == 400 and "has expired" in text_of(replayed.text)
    assert not dashboard.fake.calls_to("openid.connect.userInfo")


@SQLITE_ONLY
def test_signing_out_ends_the_session_and_a_tampered_cookie_is_no_session(dashboard: RunningBot) -> None:
    running(dashboard)
    browser = sign_in(dashboard, ALICE)
    tampered = Browser({SESSION_COOKIE: browser.cookies[SESSION_COOKIE].replace(".", "x.", 1)})
    assert 'id="sign-in"' in page(dashboard, tampered).text
    assert browser.post(dashboard.url + DASHBOARD_PATH + "/sign-out").status_code == 200
    assert SESSION_COOKIE not in browser.cookies
    after = page(dashboard, browser)
    assert 'id="sign-in"' in after.text and 'id="row-APL"' not in after.text


def test_the_session_cookie_is_signed_http_only_lax_and_expires() -> None:
    sessions = Sessions("secret", secure=True, ttl_s=60)
    reader = Reader(team_id="T0001", user_id=ALICE, language="en", name="Alice")
    header = sessions.set_cookie(reader, now=1_000)
    flags = {part.strip() for part in header.split(";")}
    assert {"HttpOnly", "SameSite=Lax", "Secure", "Max-Age=60"} <= flags
    cookie = header.split(";")[0]
    assert sessions.reader(cookie, now=1_059) == reader
    assert sessions.reader(cookie, now=1_060) is None
    assert Sessions("another secret", secure=True).reader(cookie, now=1_000) is None
    moved = cookie.replace(cookie.split("=", 1)[1].split(".")[0], "eyJ0ZWFtX2lkIjoiVDAwMDIifQ")
    assert sessions.reader(moved, now=1_000) is None


@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(
    name=st.text(min_size=1, max_size=80),
    language=st.sampled_from(["en", "zh-CN"]),
    flip=st.integers(min_value=0),
)
def test_a_session_reads_back_as_written_and_no_edited_one_does(name: str, language: str, flip: int) -> None:
    sessions = Sessions("secret", secure=False)
    reader = Reader(team_id="T0001", user_id=WEI, language=language, name=name)
    cookie = sessions.set_cookie(reader, now=0).split(";")[0]
    assert sessions.reader(cookie, now=1) == reader
    value = cookie.split("=", 1)[1]
    at = flip % len(value)
    edited = value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]
    assert sessions.reader(f"{SESSION_COOKIE}={edited}", now=1) is None


@SQLITE_ONLY
def test_the_dashboard_is_off_without_a_public_address(bot: RunningBot) -> None:
    assert requests.get(bot.url + DASHBOARD_PATH, timeout=5).status_code == 404
    assert requests.get(bot.url + SIGN_IN_REDIRECT_PATH, timeout=5).status_code == 404


def test_a_public_address_needs_the_apps_client_id_and_secret() -> None:
    settings = load_settings(
        _env_file=None,
        slack_signing_secret="s",
        slack_bot_token="xoxb-1",
        pmo_public_url="https://pmo.example.com/",
    )
    assert settings.pmo_public_url == "https://pmo.example.com"
    with pytest.raises(SettingsError) as raised:
        settings.require_http()
    assert [line.split(":")[0] for line in raised.value.lines] == ["SLACK_CLIENT_ID"]
    with pytest.raises(SettingsError):
        load_settings(_env_file=None, pmo_public_url="pmo.example.com")


def links_in(blocks: list[dict[str, Any]]) -> list[str]:
    return re.findall(r"<(http[^|>]+)\|Open in the dashboard>", json.dumps(blocks))


@SQLITE_ONLY
def test_status_home_and_the_digest_link_to_the_dashboard(dashboard: RunningBot) -> None:
    create(dashboard)
    base = dashboard.url + DASHBOARD_PATH
    answer = dashboard.slack.command("status APL").json()
    assert links_in(answer["blocks"]) == [base + "/projects/APL"]
    dashboard.slack.event({"type": "app_home_opened", "user": ALICE, "tab": "home"})
    home = dashboard.fake.wait_for("views.publish")[-1].args["view"]
    assert links_in(home["blocks"]) == [base]
    credentials = {"slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET}
    before = len(dashboard.fake.calls_to("chat.postMessage"))
    at = MONDAY_0905_SHANGHAI
    done = run_passes_now(dashboard, at, "digests", pmo_public_url=dashboard.url, **credentials)
    assert done.ok, done.stdout
    [digest] = dashboard.fake.calls_to("chat.postMessage")[before:]
    assert digest.args["channel"] == CHANNEL
    assert links_in(digest.args["blocks"]) == [base + "/projects/APL"]


@SQLITE_ONLY
def test_without_the_dashboard_slack_carries_no_link(bot: RunningBot) -> None:
    create(bot)
    assert links_in(bot.slack.command("status APL").json()["blocks"]) == []


def test_administrators_see_allocation_by_week_with_over_allocation_marked(dashboard: RunningBot) -> None:
    running(dashboard)  # Carol on Apollo at 100%
    create(dashboard, {"key": "ORB", "name": "Orbit"}, channel="C0002")
    say(dashboard, "team add <@U0003> member", channel="C0002")
    admin = page(dashboard, sign_in(dashboard, ADMIN), "/people")
    carol = re.search(r'<tr id="person-U0003" class="over">(.*?)</tr>', admin.text, re.S)
    assert carol is not None, admin.text
    assert text_of(carol.group(1)).startswith("Carol Díaz 200% ⚠️ APL 100%, ORB 100%")
    refused = page(dashboard, sign_in(dashboard, ALICE), "/people")
    assert refused.status_code == 403
    assert "Only PMO administrators can see everyone's allocation" in text_of(refused.text)


def test_change_requests_are_shown_with_their_decisions(dashboard: RunningBot) -> None:
    requested(dashboard, {"title": "Add refunds", "schedule_days": "10", "cost_impact": "2500"})
    decide(dashboard, "change_reject", ALICE, "Not this quarter")
    shown = page(dashboard, sign_in(dashboard, BOB), "/projects/APL").text
    changes = re.search(r'<section class="card" id="changes">(.*?)</section>', shown, re.S)
    assert changes is not None
    assert "<em>Not this quarter</em>" in changes.group(1)
    assert text_of(changes.group(1)).startswith("Change requests ❌ APL-C1 Add refunds · rejected")
    assert "↳ ❌ Rejected by Alice Chen (manager): Not this quarter" in text_of(changes.group(1))


def line_points(shown: str, section: str, line: str) -> list[tuple[int, int]]:
    """The points of one polyline in one section of a page."""
    found = re.search(rf'id="{section}">.*?class="{line}" points="([^"]+)"', shown, re.S)
    assert found is not None, section
    return [(int(x), int(y)) for x, y in (point.split(",") for point in found.group(1).split())]


def test_the_s_curve_and_burndown_draw_what_the_daily_snapshots_kept(dashboard: RunningBot) -> None:
    running(dashboard)
    browser = sign_in(dashboard, ALICE)
    assert (
        "earned-line" not in page(dashboard, browser, "/projects/APL").text
    )  # no history yet: today's point
    today = local_today()
    with dashboard.database.session(TEAM) as db:
        project = db.scalars(select(Project).where(Project.key == "APL")).one()
        # Kept figures no recomputation would give: earned value up, then down again.
        for back, earned, spent in [(3, 1_000, 5_000), (2, 60_000, 30_000), (1, 2_000, 45_000)]:
            db.add(
                TrendSnapshot(
                    project_id=project.id,
                    day=today - timedelta(days=back),
                    earned_value=Decimal(earned),
                    actual_cost=Decimal(spent),
                    remaining_tasks=2,
                    open_risks=0,
                    open_issues=0,
                    health=Health.AMBER,
                )
            )
    shown = page(dashboard, browser, "/projects/APL").text
    earned = line_points(shown, "curve", "earned-line")
    spent = line_points(shown, "curve", "actual-line")
    assert len(earned) == len(spent) == 3
    assert earned[0][0] < earned[1][0] < earned[2][0]  # one point a day, oldest first
    assert earned[1][1] < earned[0][1] and earned[1][1] < earned[2][1]  # 60,000 drawn highest
    assert spent[0][1] > spent[1][1] > spent[2][1]  # the money spent only grows
    left = line_points(shown, "burndown", "earned-line")  # the value left to earn, from the same rows
    assert [x for x, _ in left] == [x for x, _ in earned]
    assert left[1][1] > left[0][1] and left[1][1] > left[2][1]


@SQLITE_ONLY
def test_pages_load_nothing_from_elsewhere(dashboard: RunningBot) -> None:
    running(dashboard)
    browser = sign_in(dashboard, WEI)
    for path in ("", "/projects/APL"):
        shown = page(dashboard, browser, path)
        assert "default-src 'none'" in shown.headers["Content-Security-Policy"]
        assert shown.headers["Cache-Control"] == "no-store"
        addresses = re.findall(r'(?:href|src|action)="([^"]*)"', shown.text)
        assert addresses and all(address.startswith(("/dashboard", "?", "#")) for address in addresses)
    style = browser.get(dashboard.url + DASHBOARD_PATH + "/dashboard.css")
    fetched = re.findall(r'url\("([^"]+)"\)', style.text)
    assert fetched == [DASHBOARD_PATH + "/cjk-font.otf"]
    font = browser.get(dashboard.url + fetched[0])
    assert font.status_code == 200 and font.content[:4] == b"OTTO"  # an OpenType font with CFF outlines


@SQLITE_ONLY
def test_the_portfolio_filters_sorts_and_counts_health_by_phase(dashboard: RunningBot) -> None:
    running(dashboard)  # Apollo: amber, a task overdue
    create(dashboard, {"key": "ORB", "name": "Orbit"}, channel="C0002")  # nothing planned yet: green
    browser = sign_in(dashboard, ALICE)

    def rows(query: str) -> list[str]:
        return re.findall(r'<tr id="row-(\w+)">', page(dashboard, browser, "?" + query).text)

    assert rows("sort=health") == ["APL", "ORB"]
    # Each sortable header keeps the filters chosen and sorts by its column.
    assert 'href="?health=amber&amp;sort=spi"' in page(dashboard, browser, "?health=amber").text
    assert rows("health=green") == ["ORB"]
    assert rows(f"health=amber&manager={ALICE}&sponsor={BOB}") == ["APL"]
    assert rows("phase=execution") == [] and rows("phase=nonsense&sort=nonsense") == ["APL", "ORB"]
    matrix = re.search(r'<table class="matrix">(.*?)</table>', page(dashboard, browser).text, re.S)
    assert matrix is not None
    counts = text_of(matrix.group(1)).split()
    assert counts[:7] == ["green", "amber", "red", "initiation", "1", "1", "0"]  # the rest are zeros
    assert sum(int(word) for word in counts if word.isdigit()) == 2
