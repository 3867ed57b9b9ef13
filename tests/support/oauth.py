"""Installing the app through Slack's OAuth flow, as a workspace admin's browser does."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import requests

from bot.scopes import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from tests.support.served import RunningBot

CLIENT_ID = "1111.2222"


NEW_TEAM = "T0777"


NEW_TOKEN = "xoxb-installed-T0777"


STATE_COOKIE = "slack-app-oauth-state"


def start_install(bot: RunningBot) -> str:
    page = requests.get(bot.url + INSTALL_PATH, timeout=5)
    assert page.status_code == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.text)
    assert link is not None, page.text
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert sorted(query["scope"][0].split(",")) == sorted(BOT_SCOPES)
    return query["state"][0]


def finish_install(bot: RunningBot, state: str, code: str = "code-1") -> requests.Response:
    return requests.get(
        bot.url + REDIRECT_PATH,
        params={"code": code, "state": state},
        headers={"Cookie": f"{STATE_COOKIE}={state}"},
        timeout=5,
    )
