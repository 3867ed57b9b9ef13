"""manifest.yml is what users paste into Slack: it must match what the app really does."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.scopes import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH
from tests.conftest import RunningBot

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "manifest.yml").read_text())


def test_the_pmo_command_escapes_mentions_and_points_at_the_events_url() -> None:
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/pmo"
    assert command["should_escape"] is True
    assert command["url"].endswith(EVENTS_PATH)
    assert len(command["description"]) <= 100


def test_interactivity_events_and_home_tab_are_on() -> None:
    settings = MANIFEST["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["oauth_config"]["redirect_urls"][0].endswith(REDIRECT_PATH)


def test_bot_scopes_are_exactly_the_ones_the_app_asks_for() -> None:
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == sorted(BOT_SCOPES)
    assert {"commands", "chat:write", "im:write", "users:read"} <= set(scopes)


def test_every_subscribed_event_has_a_listener(bot: RunningBot) -> None:
    for event_type in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        event = {"type": event_type, "user": "U0001", "tab": "home"}
        if event_type == "tokens_revoked":
            event["tokens"] = {"bot": ["UBOT"]}
        reply = bot.slack.event(event)
        assert reply.status == 200, f"{event_type} is subscribed but not handled"


def test_every_shortcut_has_a_listener(bot: RunningBot) -> None:
    for shortcut in MANIFEST["features"].get("shortcuts", []):
        reply = bot.slack.message_shortcut(shortcut["callback_id"], message_text="hello")
        assert reply.status == 200, f"shortcut {shortcut['callback_id']} is declared but not handled"
