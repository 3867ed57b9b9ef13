"""People and lists a domain error names read as the reader's language writes a list.

The domain hands the view user ids and plain values; the view mentions the people and joins
the items: "a, b" in English, "a、b" in Chinese.
"""

from __future__ import annotations

import pytest

from bot.i18n import Translator
from models import ChangeDecision, CostEntry
from models.core.errors import Listed, People
from tests.support.flows import count_rows, field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL, WEI

CHARTER = {
    "name": "Apollo",
    "key": "APL",
    "sponsor_id": BOB,
    "start_date": "2026-12-01",
    "target_end_date": "2027-03-31",
    "budget": "120,000",
    "currency": "eur",
}


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def apollo(bot: RunningBot) -> None:
    """Apollo: Alice manages, Bob sponsors, Carol and Wei (who reads Chinese) are members."""
    assert field_errors(submit(bot, open_modal(bot, "new"), CHARTER)) == {}
    say(bot, f"team add <@{CAROL}> member")
    say(bot, f"team add <@{WEI}> member")


def refusal_of_a_click(bot: RunningBot, action: str, user: str) -> str:
    before = len(bot.fake.calls_to("response_url"))
    opened = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action(action, value="APL-C1", user=user)
    assert len(bot.fake.calls_to("views.open")) == opened, "the refused click opened a form"
    return bot.fake.wait_for("response_url", before + 1)[-1].args["text"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Only <@U0001>, <@U0002> or a PMO administrator can decide K-C1: nothing was changed."),
        ("zh-CN", "只有 <@U0001>、<@U0002> 或 PMO 管理员可以审批 K-C1，未做任何更改。"),
    ],
    ids=["en", "zh-CN"],
)
def test_two_people_an_error_names_are_mentions_joined_as_the_language_lists(
    language: str, expected: str
) -> None:
    t = Translator(language)
    assert t("changes.not_decider", key="K-C1", deciders=People((ALICE, BOB))) == expected


@pytest.mark.parametrize(("language", "separator"), [("en", ", "), ("zh-CN", "、")], ids=["en", "zh-CN"])
def test_listed_values_are_escaped_in_messages_and_as_typed_in_files(language: str, separator: str) -> None:
    t = Translator(language)
    kinds = Listed(("spec", "<!here>"))
    assert f"spec{separator}&lt;!here&gt;" in t("documents.bad_kind", given="memo", kinds=kinds)
    assert f"spec{separator}<!here>" in t.literal()("documents.bad_kind", given="memo", kinds=kinds)


def test_who_may_decide_a_change_reads_as_each_readers_language_lists_people(bot: RunningBot) -> None:
    apollo(bot)
    say(bot, "milestone add Beta due 2027-01-15")
    view = open_modal(bot, "change", user=WEI)
    values = {"targets": "APL-M1", "title": "加退款功能", "schedule_days": "3"}
    assert field_errors(submit(bot, view, values, user=WEI)) == {}

    # Wei asked for it, so may not decide it; Carol is on the team but holds no seat.
    assert refusal_of_a_click(bot, "change_approve", WEI) == (
        "APL-C1 是你提出的变更请求，不能由你自己审批，"
        "应由 <@U0001>、<@U0002> 或 PMO 管理员审批。未做任何更改。"
    )
    assert refusal_of_a_click(bot, "change_approve", CAROL) == (
        "Only <@U0001>, <@U0002> or a PMO administrator can decide APL-C1: nothing was changed."
    )
    assert count_rows(bot.database, ChangeDecision) == 0


def test_the_categories_a_cost_may_go_to_read_as_each_readers_language_lists(bot: RunningBot) -> None:
    apollo(bot)
    say(bot, "budget set Cloud hosting 10,000")
    say(bot, "budget set people 100000")

    assert say(bot, "cost 50 travel taxi", user=WEI).startswith(
        "预算中没有 `travel` 这个类别（现有：cloud hosting、people）。"
    )
    assert say(bot, "cost 50 travel taxi", user=CAROL).startswith(
        "`travel` is not a category of this budget (cloud hosting, people)."
    )
    assert count_rows(bot.database, CostEntry) == 0
