"""Settings: what the environment says, checked before anything starts."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_API_URL",
        "PMO_ADMINS",
        "PMO_PORTFOLIO_CHANNEL",
        "PMO_LANGUAGE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite:///pmo-bot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.pmo_language == "en"
    assert settings.pmo_admins == frozenset()
    assert not settings.uses_oauth


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_ADMINS", " U012ABC, W034DEF ,")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:8080/api")
    monkeypatch.setenv("PMO_LANGUAGE", "zh-CN")
    settings = load_settings(_env_file=None)
    assert settings.pmo_admins == {"U012ABC", "W034DEF"}
    assert settings.slack_api_url == "http://127.0.0.1:8080/api/"
    assert settings.pmo_language == "zh-CN"


def test_secrets_never_show_in_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token-secret")
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    assert raised.value.lines == ["SLACK_BOT_TOKEN: must be a bot token starting with 'xoxb-'"]
    assert "secret" not in str(raised.value)


def test_http_mode_needs_a_signing_secret_and_a_token_or_oauth() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None).require_http()
    assert [line.split(":")[0] for line in raised.value.lines] == ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"]
    load_settings(
        _env_file=None, slack_signing_secret="s", slack_client_id="1.2", slack_client_secret="c"
    ).require_http()


def test_socket_mode_needs_an_app_token_and_a_bot_token() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None, slack_app_token="xapp-1").require_socket()
    assert raised.value.lines == ["SLACK_BOT_TOKEN: not set (the Bot User OAuth Token (xoxb-…))"]
