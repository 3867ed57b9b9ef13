"""A standup team, the `standups` pass that prompts it, and answering a prompt."""

from __future__ import annotations

from typing import Any

from tests.support.charter import create
from tests.support.flows import field_errors, submit
from tests.support.passes import dms_to, run_passes_now
from tests.support.served import RunningBot


def standups(bot: RunningBot, at: str) -> None:
    done = run_passes_now(bot, at, "standups")
    assert done.ok, done.stdout


def prompts(bot: RunningBot, user: str) -> list[str]:
    return [text for text in dms_to(bot, user) if text.startswith("☀️ Standup for")]


def team(bot: RunningBot) -> None:
    """Alice (Shanghai) manages, Carol (Madrid) and Bob (New York) are members."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("team add <@U0002> member")


def answer_form(bot: RunningBot, user: str) -> dict[str, Any]:
    """The answer form the button on `user`'s latest prompt opens."""
    prompt = next(
        c.args for c in reversed(bot.fake.calls_to("chat.postMessage")) if c.args["channel"] == user
    )
    button = next(b for b in prompt["blocks"] if b["type"] == "actions")["elements"][0]
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action(button["action_id"], value=button["value"], user=user)
    return bot.fake.wait_for("views.open", before + 1)[-1].args["view"]


def answer(bot: RunningBot, user: str, values: dict[str, str | None]) -> None:
    assert field_errors(submit(bot, answer_form(bot, user), values, user=user)) == {}
