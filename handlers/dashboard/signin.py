"""Sign in with Slack (OpenID Connect), through slack-sdk's support for it.

The browser is sent to Slack's authorize page with a one-time state, kept as Bolt keeps an
install's: in the database (slack-sdk's state store) and in a cookie of this browser, so a
code can only be exchanged by the browser that asked for it. Slack sends the browser back with
a code; the app exchanges it (`openid.connect.token`) for the reader's token and asks Slack who
that is (`openid.connect.userInfo`): their user id, workspace and locale. The token is then
dropped: the dashboard reads only the bot's own database.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth import OpenIDConnectAuthorizeUrlGenerator
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.state_utils import OAuthStateUtils

from bot.i18n import language_for_locale
from bot.scopes import SIGN_IN_REDIRECT_PATH, SIGN_IN_SCOPES
from bot.settings import Settings
from handlers.dashboard.session import Reader

log = logging.getLogger(__name__)

STATE_COOKIE = "pmo-dashboard-state"
AUTHORIZE_PATH = "/openid/connect/authorize"
TEAM_CLAIM = "https://slack.com/team_id"


class SignInError(Exception):
    """Why a sign-in did not finish, as a message key the sign-in page shows."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def authorize_url(settings: Settings) -> str:
    """Slack's authorize page, at the origin SLACK_API_URL names (Slack's own by default)."""
    api = urlsplit(settings.slack_api_url)
    return f"{api.scheme}://{api.netloc}{AUTHORIZE_PATH}"


class SignIn:
    def __init__(self, settings: Settings, states: OAuthStateStore, client: WebClient) -> None:
        self.settings = settings
        self.states = states
        self.state_cookie = OAuthStateUtils(cookie_name=STATE_COOKIE)
        self.client = client

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.pmo_public_url}{SIGN_IN_REDIRECT_PATH}"

    def start(self) -> tuple[str, str]:
        """Where to send the browser, and the cookie that proves it is the one that went."""
        urls = OpenIDConnectAuthorizeUrlGenerator(
            client_id=self.settings.slack_client_id or "",
            redirect_uri=self.redirect_uri,
            scopes=list(SIGN_IN_SCOPES),
            authorization_url=authorize_url(self.settings),
        )
        state = self.states.issue()
        return urls.generate(state), self.state_cookie.build_set_cookie_for_new_state(state)

    def clear_cookie(self) -> str:
        return self.state_cookie.build_set_cookie_for_deletion()

    def finish(self, query: Mapping[str, str], cookie_header: str | None) -> Reader:
        """The reader Slack signed in, from the redirect's query; SignInError when it did not."""
        if query.get("error"):
            raise SignInError("dashboard.signin.declined")
        state, code = query.get("state"), query.get("code")
        headers: dict[str, str | Sequence[str]] = {"cookie": cookie_header} if cookie_header else {}
        if not state or not code or not self.state_cookie.is_valid_browser(state, headers):
            raise SignInError("dashboard.signin.expired")
        if not self.states.consume(state):
            raise SignInError("dashboard.signin.expired")
        try:
            secret = self.settings.slack_client_secret
            token = self.client.openid_connect_token(
                client_id=self.settings.slack_client_id or "",
                client_secret=secret.get_secret_value() if secret else "",
                code=code,
                redirect_uri=self.redirect_uri,
            )
            info = self.client.openid_connect_userInfo(token=str(token["access_token"]))
        except (SlackApiError, SlackClientError, KeyError) as error:
            log.warning("Sign in with Slack failed: %s", error.__class__.__name__)
            raise SignInError("dashboard.signin.failed") from None
        user_id, team_id = info.get("sub"), info.get(TEAM_CLAIM)
        if not isinstance(user_id, str) or not isinstance(team_id, str):
            raise SignInError("dashboard.signin.failed")
        return Reader(
            team_id=team_id,
            user_id=user_id,
            language=language_for_locale(info.get("locale"), self.settings.pmo_language),
            name=str(info.get("name") or user_id),
        )
