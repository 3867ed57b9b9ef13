"""Block Kit builders that stay inside Slack's limits.

Slack rejects a whole message when one text is a character too long, so every builder
truncates to the documented limit rather than trusting callers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.markup import as_text

Block = dict[str, Any]

# Slack's documented Block Kit limits, defined here once: the builders clip to them and the
# pretend Slack (bot/pretend_slack/) refuses what breaks them.
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
MESSAGE_BLOCKS_MAX = 50
MESSAGE_TEXT_MAX = 40_000
VIEW_BLOCKS_MAX = 100
MODAL_TITLE_MAX = 24  # a modal's title, submit and close
ID_MAX = 255  # block_id, action_id, callback_id, external_id
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def fallback(text: str) -> str:
    """A message's own text, which Slack refuses past 40,000 characters (`msg_too_long`).

    It is the notification and what screen readers say; the blocks hold the message itself, each
    within its own limit, so a long list loses only its fallback's tail.
    """
    return clip(text, MESSAGE_TEXT_MAX)


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    # Slack shows plain_text as sent: a sentence's escapes are undone, typed text is kept.
    return {"type": "plain_text", "text": clip(as_text(text), limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def section(text: str, *, accessory: dict[str, Any] | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id is not None:
        block["block_id"] = block_id
    return block


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text) for text in texts[:CONTEXT_ELEMENTS_MAX]]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, BUTTON_TEXT_MAX), "action_id": action_id}
    if value:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def sections(lines: list[str], *, limit: int = SECTION_TEXT_MAX) -> list[Block]:
    """Lines joined into as few sections as fit, never splitting a line across two."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = clip(raw, limit)
        if current and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def fit(blocks: list[Block], *, limit: int, overflow: Block) -> list[Block]:
    """At most `limit` blocks: what does not fit is replaced by `overflow` (say, "and 12 more")."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], overflow]


# -- modals and their inputs (block_id and action_id are both the field's name, so a form's
# values and its errors are addressed by field)

INPUT_LABEL_MAX = 2000
TEXT_INPUT_MAX = 3000
PLACEHOLDER_MAX = 150
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100  # a static select's, single or multiple
OVERFLOW_OPTIONS_MAX = 5
CHOICES_MAX = 10  # radio buttons' and checkboxes' options
PRIVATE_METADATA_MAX = 3000


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value}


def _input(field: str, label: str, element: dict[str, Any], *, optional: bool, hint: str | None) -> Block:
    block: Block = {
        "type": "input",
        "block_id": field,
        "label": plain(label, INPUT_LABEL_MAX),
        "element": {"action_id": field, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, INPUT_LABEL_MAX)
    return block


def text_input(
    field: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
    max_length: int | None = None,
) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if initial:
        element["initial_value"] = clip(initial, TEXT_INPUT_MAX)
    if placeholder:
        element["placeholder"] = plain(placeholder, PLACEHOLDER_MAX)
    if max_length:
        element["max_length"] = max_length
    return _input(field, label, element, optional=optional, hint=hint)


def select_input(
    field: str,
    label: str,
    options: list[dict[str, Any]],
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    element: dict[str, Any] = {"type": "static_select", "options": options[:OPTIONS_MAX]}
    chosen = next((item for item in options if item["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return _input(field, label, element, optional=optional, hint=hint)


def user_input(
    field: str, label: str, *, initial: str | None = None, optional: bool = False, hint: str | None = None
) -> Block:
    element: dict[str, Any] = {"type": "users_select"}
    if initial:
        element["initial_user"] = initial
    return _input(field, label, element, optional=optional, hint=hint)


def people_input(field: str, label: str, *, initial: list[str] | None = None, optional: bool = True) -> Block:
    """Several people; submitted as their user ids joined by commas."""
    element: dict[str, Any] = {"type": "multi_users_select"}
    if initial:
        element["initial_users"] = initial
    return _input(field, label, element, optional=optional, hint=None)


def choices_input(
    field: str,
    label: str,
    options: list[dict[str, Any]],
    *,
    initial: list[str] | tuple[str, ...] = (),
    optional: bool = True,
) -> Block:
    """Checkboxes; submitted as the ticked values joined by commas."""
    element: dict[str, Any] = {"type": "checkboxes", "options": options}
    ticked = [item for item in options if item["value"] in initial]
    if ticked:
        element["initial_options"] = ticked
    return _input(field, label, element, optional=optional, hint=None)


def checkbox_input(field: str, label: str, choice: str, *, checked: bool = False) -> Block:
    """A single yes/no box, submitted as "yes" when ticked."""
    return choices_input(field, label, [option(choice, "yes")], initial=["yes"] if checked else [])


def file_input(field: str, label: str, filetypes: list[str], *, hint: str | None = None) -> Block:
    """One file, of these types, uploaded into the form; submitted as its file id."""
    element: dict[str, Any] = {"type": "file_input", "filetypes": filetypes, "max_files": 1}
    return _input(field, label, element, optional=False, hint=hint)


def modal(
    *,
    callback_id: str,
    title: str,
    submit: str | None,
    close: str,
    blocks: list[Block],
    private_metadata: str = "",
) -> dict[str, Any]:
    """A modal; without `submit` it only shows something (it must then have no input)."""
    if len(private_metadata) > PRIVATE_METADATA_MAX:
        raise ValueError("private_metadata is over Slack's 3,000 characters")
    view = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MODAL_TITLE_MAX),
        "close": plain(close, MODAL_TITLE_MAX),
        "blocks": blocks[:VIEW_BLOCKS_MAX],
        "private_metadata": private_metadata,
    }
    if submit is not None:
        view["submit"] = plain(submit, MODAL_TITLE_MAX)
    return view


def submitted_values(view: dict[str, Any]) -> dict[str, str | None]:
    """A submitted modal's inputs by field, as text: typed text, the chosen option, user or date."""
    values: dict[str, str | None] = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            values[block_id] = _element_value(element)
    return values


# Inputs that submit several values, each read from its element; joined by commas.
_SEVERAL: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "checkboxes": lambda element: [item["value"] for item in element.get("selected_options") or []],
    "multi_users_select": lambda element: list(element.get("selected_users") or []),
    "file_input": lambda element: [str(file.get("id")) for file in element.get("files") or []],
}


def _element_value(element: dict[str, Any]) -> str | None:
    kind = element.get("type")
    if kind == "static_select":
        chosen = element.get("selected_option")
        return chosen["value"] if chosen else None
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind in _SEVERAL:
        return ",".join(_SEVERAL[kind](element)) or None
    value = element.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None
