"""The console's parts that need no app: reading `:time`, Slack's text both ways, Block Kit as text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.blocks import actions, button, context, header, section
from bot.console.directory import Directory
from bot.console.render import Renderer
from bot.console.travel import MomentError, read_moment
from bot.pretend_slack import PretendSlack

# Tuesday 2026-12-01, 02:00 UTC: 10:00 in Shanghai.
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SHANGHAI = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-07 09:00", datetime(2026, 12, 7, 1, 0, tzinfo=UTC)),
        ("2026-12-07T09:00+00:00", datetime(2026, 12, 7, 9, 0, tzinfo=UTC)),
        ("2026-12-07", datetime(2026, 12, 7, 1, 0, tzinfo=UTC)),  # a date alone: 09:00 that day
        ("next monday 09:00", datetime(2026, 12, 7, 1, 0, tzinfo=UTC)),
        ("friday 17:30", datetime(2026, 12, 4, 9, 30, tzinfo=UTC)),
        ("+2h", datetime(2026, 12, 1, 4, 0, tzinfo=UTC)),
        ("+3d", datetime(2026, 12, 4, 2, 0, tzinfo=UTC)),
        ("+1w", datetime(2026, 12, 8, 2, 0, tzinfo=UTC)),
        ("+30m", datetime(2026, 12, 1, 2, 30, tzinfo=UTC)),
    ],
)
def test_time_travel_reads_moments_in_the_typists_time_zone(typed: str, expected: datetime) -> None:
    assert read_moment(typed, tz=SHANGHAI, now=NOW) == expected


@pytest.mark.parametrize("typed", ["whenever", "2026-13-40 09:00", "next monday 25:00", "+2 fortnights"])
def test_time_travel_refuses_what_names_no_moment(typed: str) -> None:
    with pytest.raises(MomentError):
        read_moment(typed, tz=SHANGHAI, now=NOW)


@pytest.fixture
def directory() -> Directory:
    with PretendSlack() as fake:
        found = Directory(fake)
        found.channel("apollo")
        yield found


def test_people_and_channels_are_written_as_slack_escapes_them(directory: Directory) -> None:
    typed = "team add @bob member, see #apollo; mail bob@example.com about #12 and @nobody"
    assert directory.escape(typed) == (
        "team add <@UBOB|bob> member, see <#CAPOLLO|apollo>; mail bob@example.com about #12 and @nobody"
    )


def test_slack_text_reads_back_with_names_and_links(directory: Directory) -> None:
    text = "<@UCAROL> in <#CAPOLLO>: see <https://example.com/x|the specs> &amp; <!here>"
    assert directory.unescape(text) == "@carol in #apollo: see the specs (https://example.com/x) & @here"


def test_a_dm_is_named_after_its_person(directory: Directory) -> None:
    assert directory.where("DUBOB") == "@bob"
    assert directory.where("CAPOLLO") == "#apollo"


def test_blocks_print_as_text_with_numbered_buttons(directory: Directory) -> None:
    blocks = [
        header("APL · Apollo"),
        section("*Owner* <@UBOB>", accessory=button("Edit", action_id="edit")),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*SPI* 0.9"}]},
        context("As of today", "<#CAPOLLO>"),
        {"type": "divider"},
        actions(button("Approve", action_id="approve"), button("Reject", action_id="reject")),
    ]
    numbered: list[str] = []

    def number(element: dict, block_id: str) -> int:
        numbered.append(element["action_id"])
        return len(numbered)

    lines = Renderer(directory).blocks(blocks, number)
    assert lines == [
        "  == APL · Apollo ==",
        "  *Owner* @bob",
        "    [1] Edit",
        "    *SPI* 0.9",
        "  · As of today · #apollo",
        "  " + "─" * 40,
        "  [2] Approve  [3] Reject",
    ]
    assert numbered == ["edit", "approve", "reject"]
