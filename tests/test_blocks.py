"""Block Kit builders keep inside Slack's limits whatever they are given."""

from __future__ import annotations

from bot.blocks import (
    HEADER_TEXT_MAX,
    SECTION_TEXT_MAX,
    button,
    clip,
    context,
    fit,
    header,
    section,
    sections,
)
from bot.pretend_slack.blockkit import check_message_payload


def test_clip_keeps_short_text_and_marks_cut_text() -> None:
    assert clip("short", 10) == "short"
    assert clip("x" * 20, 10) == "x" * 9 + "…"
    assert len(clip("x" * 5000, SECTION_TEXT_MAX)) == SECTION_TEXT_MAX


def test_sections_pack_lines_without_splitting_them() -> None:
    lines = [f"line {n} " + "y" * 290 for n in range(40)]
    blocks = sections(lines)
    assert len(blocks) > 1
    assert all(len(block["text"]["text"]) <= SECTION_TEXT_MAX for block in blocks)
    assert "\n".join(block["text"]["text"] for block in blocks) == "\n".join(lines)


def test_an_overlong_line_is_clipped_not_lost() -> None:
    [block] = sections(["z" * 4000])
    assert len(block["text"]["text"]) == SECTION_TEXT_MAX


def test_fit_replaces_what_does_not_fit_with_the_overflow_block() -> None:
    blocks = [section(str(n)) for n in range(60)]
    fitted = fit(blocks, limit=50, overflow=context("and more"))
    assert len(fitted) == 50
    assert fitted[-1] == context("and more")
    assert fit(blocks[:3], limit=50, overflow=context("x")) == blocks[:3]


def test_long_texts_pass_slacks_own_checks() -> None:
    blocks = [header("h" * 500), section("s" * 9000), context(*["c"] * 15)]
    blocks.append({"type": "actions", "elements": [button("b" * 200, action_id="a")]})
    assert len(blocks[0]["text"]["text"]) == HEADER_TEXT_MAX
    assert check_message_payload({"text": "t", "blocks": blocks}) == []
