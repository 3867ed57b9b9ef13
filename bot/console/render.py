"""Block Kit as a terminal shows it: headers, sections, fields, context, and numbered buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.console.directory import Directory

JsonDict = dict[str, Any]
# Gives a clickable element (a button, a select) its number; the block it sits in names it to Slack.
Numbering = Callable[[JsonDict, str], int]

INDENT = "  "
RULE = "─" * 40
CLICKABLE = ("button", "static_select", "overflow")


class Renderer:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def text(self, obj: Any) -> str:
        """A text object (plain or mrkdwn) or a string, as a person reads it."""
        raw = obj.get("text", "") if isinstance(obj, dict) else str(obj or "")
        return self.directory.unescape(raw)

    def message(self, message: JsonDict, number: Numbering | None = None) -> list[str]:
        """A message's blocks, or its text when it has none."""
        blocks = message.get("blocks") or []
        if blocks:
            return self.blocks(blocks, number)
        return indented(self.text(message.get("text", "")))

    def blocks(self, blocks: list[JsonDict], number: Numbering | None = None) -> list[str]:
        lines: list[str] = []
        for n, block in enumerate(blocks):
            block_id = block.get("block_id") or f"b{n}"
            lines += self.block(block, block_id, number)
        return lines

    def block(self, block: JsonDict, block_id: str, number: Numbering | None) -> list[str]:
        kind = str(block.get("type"))
        shapes = {
            "header": lambda: [f"{INDENT}== {self.text(block.get('text'))} =="],
            "section": lambda: self.section(block, block_id, number),
            "context": lambda: self.context(block),
            "divider": lambda: [INDENT + RULE],
            "actions": lambda: [
                INDENT + "  ".join(self.element(e, block_id, number) for e in block.get("elements", []))
            ],
            "image": lambda: [f"{INDENT}[{block.get('alt_text', 'image')}]"],
            "input": lambda: [f"{INDENT}{self.text(block.get('label'))}: …"],
        }
        shape = shapes.get(kind)
        return shape() if shape else [f"{INDENT}[{kind}]"]

    def context(self, block: JsonDict) -> list[str]:
        parts = [self.text(item) for item in block.get("elements", []) if item.get("type") != "image"]
        return indented(" · ".join(part for part in parts if part), prefix=INDENT + "· ")

    def section(self, block: JsonDict, block_id: str, number: Numbering | None) -> list[str]:
        lines = indented(self.text(block["text"])) if "text" in block else []
        for field in block.get("fields", []):
            lines += indented(self.text(field), prefix=INDENT * 2)
        if "accessory" in block:
            accessory = self.element(block["accessory"], block_id, number)
            if accessory:
                lines.append(INDENT * 2 + accessory)
        return lines

    def element(self, element: JsonDict, block_id: str, number: Numbering | None) -> str:
        kind = element.get("type")
        if kind not in CLICKABLE:
            return ""
        label = self.text(element.get("text") or element.get("placeholder") or {"text": "…"})
        if kind != "button":
            label = f"{label} ▾"
        return f"[{number(element, block_id)}] {label}" if number else f"[{label}]"


def indented(text: str, *, prefix: str = INDENT) -> list[str]:
    return [prefix + line for line in text.splitlines()] or [prefix]
