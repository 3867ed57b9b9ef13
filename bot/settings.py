"""Configuration from the environment (and an optional .env file), checked at start-up."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
Language = Literal["en", "zh-CN"]
HOST = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")
# Where Slack's response URLs point (https://hooks.slack.com/commands/..., .../actions/...).
SLACK_RESPONSE_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


class SettingsError(Exception):
    """Configuration that cannot work; each line names the variable and what is wrong."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _secret_with_prefix(value: SecretStr | None, prefix: str, what: str) -> SecretStr | None:
    if value is not None and not value.get_secret_value().startswith(prefix):
        raise ValueError(f"must be {what} starting with {prefix!r}")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite:///pmo-bot.db"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Response URLs are posted to only on these hosts (or at SLACK_API_URL's own origin).
    slack_response_hosts: Annotated[frozenset[str], NoDecode] = SLACK_RESPONSE_HOSTS
    pmo_admins: Annotated[frozenset[str], NoDecode] = Field(default_factory=frozenset)
    pmo_portfolio_channel: str | None = None
    pmo_language: Language = "en"
    pmo_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Where people's browsers reach `pmo-bot serve`; the dashboard is served only when it is set,
    # since Slack sends a signed-in reader back to an address under it.
    pmo_public_url: str | None = None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL such as sqlite:///pmo-bot.db") from None
        _check_driver(url)
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _secret_with_prefix(value, "xoxb-", "a bot token")

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _secret_with_prefix(value, "xapp-", "an app-level token")

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_response_hosts", mode="before")
    @classmethod
    def _response_hosts(cls, value: object) -> frozenset[str]:
        if isinstance(value, frozenset | set | list | tuple):
            value = ",".join(value)
        hosts = [part.strip().lower() for part in str(value or "").split(",") if part.strip()]
        bad = [host for host in hosts if not HOST.match(host)]
        if bad or not hosts:
            raise ValueError(
                "must be host names separated by commas (like hooks.slack.com)"
                + (f"; not {', '.join(bad)}" if bad else "")
            )
        return frozenset(hosts)

    @field_validator("pmo_admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> frozenset[str]:
        ids = [part.strip() for part in str(value or "").split(",") if part.strip()]
        bad = [user_id for user_id in ids if not USER_ID.match(user_id)]
        if bad:
            raise ValueError(
                f"must be Slack user ids separated by commas (like U012ABC); not {', '.join(bad)}"
            )
        return frozenset(ids)

    @field_validator("pmo_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
            raise ValueError(
                "must be the http(s) address people reach the bot at, such as https://pmo.example.com"
            )
        return value.rstrip("/")

    @field_validator("pmo_portfolio_channel")
    @classmethod
    def _portfolio_channel(cls, value: str | None) -> str | None:
        if value and not CHANNEL_ID.match(value):
            raise ValueError("must be a Slack channel id like C012ABC (not a channel name)")
        return value or None

    @property
    def uses_oauth(self) -> bool:
        """Serve many workspaces through Slack's OAuth install flow.

        With a bot token the app serves that one workspace; the client id and secret then only
        sign readers in to the dashboard.
        """
        return self.has_client_credentials and self.slack_bot_token is None

    @property
    def has_client_credentials(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def dashboard_enabled(self) -> bool:
        return self.pmo_public_url is not None

    def allows_response_url(self, url: str) -> bool:
        """Whether the bot may post to this response URL: Slack's hosts over HTTPS only.

        A response URL comes in the request's body, so it is only as trustworthy as the request;
        even a verified one is posted to only where Slack's own are. SLACK_API_URL's origin is
        allowed too: an operator who points the Web API at a proxy or stand-in already trusts
        it with the bot's token (and the console and tests serve response URLs there).
        """
        try:
            target = urlsplit(url)
            api = urlsplit(self.slack_api_url)
            same_origin = _origin(target) == _origin(api)
        except ValueError:  # a port that is not a number
            return False
        listed = target.scheme == "https" and target.netloc.lower() in self.slack_response_hosts
        return same_origin or listed

    def require_http(self) -> None:
        """What `pmo-bot serve` cannot do without."""
        lines = []
        if self.slack_signing_secret is None:
            lines.append(
                _missing("SLACK_SIGNING_SECRET", "the Signing Secret from your app's Basic Information")
            )
        lines += self._web_api_lines()
        if self.dashboard_enabled and not self.has_client_credentials:
            lines.append(
                _missing(
                    "SLACK_CLIENT_ID",
                    "PMO_PUBLIC_URL turns the dashboard on, whose Sign in with Slack needs "
                    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
                )
            )
        if lines:
            raise SettingsError(lines)

    def require_web_api(self) -> None:
        """What the scheduled passes (`pmo-bot jobs run|resend`) need to call Slack."""
        lines = self._web_api_lines()
        if lines:
            raise SettingsError(lines)

    def _web_api_lines(self) -> list[str]:
        lines = []
        if self.slack_bot_token is None and not self.uses_oauth:
            lines.append(
                _missing(
                    "SLACK_BOT_TOKEN",
                    "the Bot User OAuth Token; for many workspaces set SLACK_CLIENT_ID and "
                    "SLACK_CLIENT_SECRET instead",
                )
            )
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            name = "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID"
            lines.append(_missing(name, "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together"))
        return lines

    def require_socket(self) -> None:
        """What `pmo-bot socket` cannot do without."""
        lines = []
        if self.slack_app_token is None:
            lines.append(_missing("SLACK_APP_TOKEN", "an app-level token with connections:write (xapp-…)"))
        if self.slack_bot_token is None:
            lines.append(_missing("SLACK_BOT_TOKEN", "the Bot User OAuth Token (xoxb-…)"))
        if lines:
            raise SettingsError(lines)


def _check_driver(url: URL) -> None:
    """Refuse, at start-up, a database whose SQLAlchemy dialect or Python driver is missing."""
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        raise ValueError(
            f"names the database kind {url.drivername!r}, which SQLAlchemy does not know "
            "(PostgreSQL is postgresql+psycopg://…)"
        ) from None
    try:
        dialect.import_dbapi()
    except ImportError as error:
        extra = " (pip install 'pmo-bot[postgres]')" if url.get_backend_name() == "postgresql" else ""
        driver = error.name or url.drivername
        raise ValueError(f"needs the Python driver {driver!r}, not installed{extra}") from None


def _origin(url: SplitResult) -> tuple[str, str | None, int | None]:
    return url.scheme, url.hostname, url.port


def _missing(variable: str, hint: str) -> str:
    return f"{variable}: not set ({hint})"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError([_describe(error) for error in exc.errors()]) from None


def _describe(error: ErrorDetails) -> str:
    field = str(error["loc"][0]) if error.get("loc") else "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field.upper()}: {message}"
