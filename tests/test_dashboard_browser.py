"""The dashboard in a real browser: Chromium signs in through the fake Slack's authorize page
and reads every page, in English on a desktop and in Chinese on a phone.

One browser for the module; each test opens its own, cookie-less context. SQLite only: the
same pages over HTTP run on both databases in tests/test_dashboard.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.scopes import DASHBOARD_PATH
from tests.support.browser import PHONE, chromium, screenshot
from tests.support.charter import create
from tests.support.served import RunningBot
from tests.support.status import running, say
from tests.support.workspace import ADMIN, ALICE, CAROL, OTHER_TEAM, TEAM, WEI

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PRIVATE = "G0001"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def signed_in(bot: RunningBot, browser: Any, user_id: str, team_id: str = TEAM, **context: Any) -> Any:
    """A fresh browser window whose reader clicked "Sign in with Slack" and came back signed in."""
    bot.fake.sign_in_as(team_id, user_id)
    page = browser.new_context(**context).new_page()
    page.goto(bot.url + DASHBOARD_PATH)
    page.click("#sign-in")
    page.wait_for_url(re.compile(re.escape(DASHBOARD_PATH) + "$"))
    return page


def figure(text: str, name: str) -> str:
    found = re.search(rf"\b{name} (\S+)", text)
    assert found, text
    return found.group(1)


def test_a_reader_signs_in_and_reads_the_portfolio_and_a_project(dashboard: RunningBot, browser: Any) -> None:
    running(dashboard)
    create(dashboard, {"key": "SEC", "name": "Vault"}, channel=PRIVATE)
    status = say(dashboard, "status APL")
    page = signed_in(dashboard, browser, ALICE, viewport={"width": 1280, "height": 900})
    row = page.locator("#row-APL")
    assert row.locator(".spi").inner_text() == figure(status, "SPI")
    assert row.locator(".cpi").inner_text() == figure(status, "CPI")
    assert page.locator("#row-SEC").count() == 1  # Alice manages it
    screenshot(page, "portfolio-en")

    page.click("#row-APL a")
    page.wait_for_url(re.compile("/projects/APL$"))
    assert page.locator("svg.gantt g.task").count() == 2
    assert page.locator("svg.gantt line.today").count() == 1
    assert "APL-1 Build" in page.locator("#plan").inner_text()
    assert figure(status, "SPI") in page.locator("#status").inner_text()
    page.click("text=Months")
    assert page.locator("#plan strong").inner_text() == "Months"
    screenshot(page, "project-en")

    say(dashboard, "team add <@U0003> member", user=ALICE, channel=PRIVATE)  # Carol at 200%
    admin = signed_in(dashboard, browser, ADMIN, viewport={"width": 1280, "height": 900})
    admin.click("nav.pages >> text=People")
    assert "⚠️" in admin.locator("#person-U0003 td.over").first.inner_text()
    screenshot(admin, "people-en")


def test_an_outsider_and_another_workspace_are_refused_in_the_browser(
    dashboard: RunningBot, browser: Any
) -> None:
    running(dashboard)
    create(dashboard, {"key": "SEC", "name": "Vault"}, channel=PRIVATE)
    outsider = signed_in(dashboard, browser, CAROL)
    assert outsider.locator("#row-SEC").count() == 0 and outsider.locator("#row-APL").count() == 1
    refused = outsider.goto(dashboard.url + DASHBOARD_PATH + "/projects/SEC")
    assert refused is not None and refused.status == 403
    assert "SEC belongs to a private channel" in outsider.inner_text("main")
    screenshot(outsider, "refused-private")

    dashboard.fake.add_user(OTHER_TEAM, "U0700", name="gil", real_name="Gil Globex", tz="UTC")
    stranger = signed_in(dashboard, browser, "U0700", team_id=OTHER_TEAM)
    assert stranger.locator("#row-APL").count() == 0
    unreachable = stranger.goto(dashboard.url + DASHBOARD_PATH + "/projects/APL")
    assert unreachable is not None and unreachable.status == 404


def test_the_chinese_pages_read_on_a_phone(dashboard: RunningBot, browser: Any) -> None:
    running(dashboard)
    phone = signed_in(dashboard, browser, WEI, viewport=PHONE, is_mobile=True, has_touch=True)
    assert "项目组合" in phone.inner_text("main")
    # Nothing wider than the phone: the table turns into cards, each figure with its label.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "portfolio-zh-phone")
    phone.click("#row-APL a")
    phone.wait_for_url(re.compile("/projects/APL$"))
    assert "风险热力图" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "project-zh-phone")
