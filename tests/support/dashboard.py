"""The dashboard served beside Slack's endpoints, and a reader signing in to it as a browser does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin

import requests

from bot.app import Mode, create_app
from bot.scopes import DASHBOARD_PATH
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.served import RunningBot, make_settings, serving
from tests.support.workspace import TEAM

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "dashboard-client-secret"
# Where the test server answers is known only once it listens; the settings learn it then.
NOT_YET_LISTENING = "http://127.0.0.1:9"


@contextmanager
def serving_dashboard(fake: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    """The real app with the dashboard on (PMO_PUBLIC_URL and the app's client id and secret)."""
    settings = make_settings(
        fake,
        database_url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        pmo_public_url=NOT_YET_LISTENING,
    )
    app = create_app(settings, database=database, mode=Mode.HTTP)
    with serving(app, fake) as running:
        settings.pmo_public_url = running.url
        yield running


@dataclass
class Browser:
    """A browser's cookies, kept by hand: requests would not send the Secure state cookie over
    plain HTTP, which a browser does for a loopback address."""

    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, url: str, *, follow: bool = True) -> requests.Response:
        for _ in range(5):
            answer = requests.get(url, headers=self._header(), allow_redirects=False, timeout=10)
            self.keep(answer)
            if not (follow and answer.is_redirect):
                return answer
            url = urljoin(url, answer.headers["Location"])
        raise AssertionError(f"too many redirects, the last to {url}")

    def post(self, url: str) -> requests.Response:
        answer = requests.post(url, headers=self._header(), allow_redirects=False, timeout=10)
        self.keep(answer)
        return answer

    def keep(self, answer: requests.Response) -> None:
        for header in answer.raw.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in header or "Expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def _header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}


def sign_in(bot: RunningBot, user_id: str, *, team_id: str = TEAM, page: str = DASHBOARD_PATH) -> Browser:
    """Sign `user_id` in through Slack's authorize page and back, and land on `page`."""
    bot.fake.sign_in_as(team_id, user_id)
    browser = Browser()
    landed = browser.get(f"{bot.url}{DASHBOARD_PATH}/sign-in?next={page}")
    assert landed.status_code == 200, landed.text
    assert landed.url.endswith(page), landed.url
    return browser


def text_of(html: str) -> str:
    """A page's words as a reader sees them: tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
