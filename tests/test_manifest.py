"""manifest.yml is what users paste into Slack: it must match what the app really does."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.web.base_client import BaseClient
from sqlalchemy import select

from bot.scopes import (
    BOT_SCOPES,
    CLIENT_HELPERS,
    COMMAND_SCOPES,
    EVENTS_PATH,
    FRAMEWORK_METHODS,
    METHOD_SCOPES,
    REDIRECT_PATH,
    SIGN_IN_REDIRECT_PATH,
    SIGN_IN_SCOPES,
)
from models import SlackUser
from tests.support.charter import create
from tests.support.closing_flows import apollo
from tests.support.flows import say
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, TEAM

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
README = (ROOT / "README.md").read_text()
# The app's own code; the fake Slack and the console's stand-in serve calls rather than make them.
APP_SOURCES = [
    path
    for folder in ("bot", "handlers", "models")
    for path in (ROOT / folder).rglob("*.py")
    if "pretend_slack" not in path.parts and "console" not in path.parts
]


def client_method(name: str) -> tuple[str, ...]:
    """The Web API methods a WebClient attribute calls (`chat_postMessage` → chat.postMessage)."""
    if name in CLIENT_HELPERS:
        return CLIENT_HELPERS[name]
    if name.startswith("_") or hasattr(BaseClient, name) or not callable(getattr(WebClient, name, None)):
        return ()
    return (name.replace("_", "."),)


def called_methods(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
            else:
                found.update(client_method(node.func.attr))
    return found


def methods_the_app_calls() -> set[str]:
    return set(FRAMEWORK_METHODS).union(*(called_methods(path.read_text()) for path in APP_SOURCES))


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


def test_the_collector_finds_calls_however_they_are_written() -> None:
    source = "\n".join(
        [
            "ctx.client.chat_postMessage(channel=c)",
            "client.files_upload_v2(x)",
            "c.api_call('team.info')",
            "c.x_y()",
        ]
    )
    assert called_methods(source) == {
        "chat.postMessage",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
        "team.info",
    }


def test_manifest_scopes_are_exactly_what_the_called_methods_need() -> None:
    called = methods_the_app_calls()
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add these Web API methods and their scopes to bot/scopes.py: {unknown}"
    needed = set(COMMAND_SCOPES).union(*(METHOD_SCOPES[method] for method in called))
    declared = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert sorted(declared) == sorted(needed), "manifest.yml asks for more or less than the code uses"
    assert sorted(BOT_SCOPES) == sorted(needed), "OAuth installs ask for BOT_SCOPES"
    assert len(declared) == len(set(declared))


def test_readme_says_the_bot_is_invited_to_the_portfolio_channel_as_no_public_write_is_asked() -> None:
    assert "chat:write.public" not in MANIFEST["oauth_config"]["scopes"]["bot"]
    assert "Invite the bot to the portfolio channel" in " ".join(README.split())


def test_a_representative_run_calls_only_methods_the_collector_found(bot: RunningBot) -> None:
    """The static collector misses nothing a real run does (a call built some other way would)."""
    apollo(bot)
    say(bot, "gantt")
    assert "CSV file" in say(bot, "export")
    # Changes above refreshed Home tabs already: the event's own publish is the one after them.
    published = len(bot.fake.calls_to("views.publish"))
    assert bot.slack.event({"type": "app_home_opened", "user": ALICE, "tab": "home"}).status == 200
    home = bot.fake.wait_for("views.publish", published + 1)[-1].args
    assert home["user_id"] == ALICE and "APL" in str(home["view"])
    bot.fake.wait_for("files.completeUploadExternal", 2, timeout=30)
    recorded = {call.method for call in bot.fake.calls} - {"response_url", "upload"}
    assert {"chat.postMessage", "views.open", "views.publish", "files.completeUploadExternal"} <= recorded
    assert recorded <= methods_the_app_calls()


def test_every_subscribed_event_has_a_listener(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == [
        "app_home_opened",
        "app_uninstalled",
        "team_join",
        "tokens_revoked",
        "user_change",
    ]
    bot.slack.event({"type": "app_home_opened", "user": ALICE, "tab": "home"})
    [home] = bot.fake.wait_for("views.publish")
    assert home.args["user_id"] == ALICE and home.args["view"]["type"] == "home"
    for number, event_type in enumerate(("team_join", "user_change"), start=1):
        bot.fake.add_user(TEAM, f"U09{number}", tz="Asia/Tokyo", locale="ja-JP")
        newcomer = bot.fake.user_object(TEAM, f"U09{number}") | {"locale": "ja-JP"}
        assert bot.slack.event({"type": event_type, "user": newcomer}).status == 200
    bot.app.runtime.settle(5)
    with bot.database.system_session(write=False) as db:
        profiles = db.execute(select(SlackUser.user_id, SlackUser.tz).where(SlackUser.tz == "Asia/Tokyo"))
        assert sorted(profiles) == [("U091", "Asia/Tokyo"), ("U092", "Asia/Tokyo")]
    with caplog.at_level(logging.WARNING, logger="handlers.slack.events"):
        for event_type in ("app_uninstalled", "tokens_revoked"):
            event = {"type": event_type, "tokens": {"bot": ["UBOT"]}}
            assert bot.slack.event(event).status == 200
    # The app answers 200 to an event no listener takes too (and Bolt warns, naming its type):
    # only the listener's own words, in the operator's log, show that it ran.
    warned = [record.getMessage() for record in caplog.records if record.name == "handlers.slack.events"]
    kept = "its data is kept until an operator removes it"
    assert warned == [f"workspace {TEAM}: {kind}; {kept}" for kind in ("app_uninstalled", "tokens_revoked")]


def test_every_shortcut_opens_its_form_with_the_message(bot: RunningBot) -> None:
    create(bot)
    shortcuts = MANIFEST["features"]["shortcuts"]
    for number, shortcut in enumerate(shortcuts, start=1):
        reply = bot.slack.message_shortcut(shortcut["callback_id"], message_text="Vendor invoice is wrong")
        assert reply.status == 200
        view = bot.fake.wait_for("views.open", number)[-1].args["view"]
        initial = [
            block["element"].get("initial_value") for block in view["blocks"] if block["type"] == "input"
        ]
        assert "Vendor invoice is wrong" in initial, f"{shortcut['callback_id']} did not open its form"
    opened = [call.args["view"]["callback_id"] for call in bot.fake.calls_to("views.open")][-len(shortcuts) :]
    assert len(set(opened)) == len(shortcuts)


def test_the_manifest_lets_readers_sign_in_to_the_dashboard() -> None:
    oauth = MANIFEST["oauth_config"]
    assert any(url.endswith(SIGN_IN_REDIRECT_PATH) for url in oauth["redirect_urls"])
    assert sorted(oauth["scopes"]["user"]) == sorted(SIGN_IN_SCOPES)
    assert "PMO_PUBLIC_URL" in README and SIGN_IN_REDIRECT_PATH in README
