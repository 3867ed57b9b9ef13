"""Block Kit as Slack checks it, by plain code so a breach names its exact path.

Plain functions, so tests can also run them on what the app answers over HTTP (an ack, a
response URL message), which never passes through the Web API. The limits are the builders'
own, from `bot.blocks`: what the app clips to is what the pretend Slack refuses beyond.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.blocks import (
    ACTIONS_ELEMENTS_MAX,
    BUTTON_TEXT_MAX,
    BUTTON_VALUE_MAX,
    CHOICES_MAX,
    CONTEXT_ELEMENTS_MAX,
    FIELD_TEXT_MAX,
    HEADER_TEXT_MAX,
    ID_MAX,
    INPUT_LABEL_MAX,
    MESSAGE_BLOCKS_MAX,
    MESSAGE_TEXT_MAX,
    MODAL_TITLE_MAX,
    OPTION_TEXT_MAX,
    OPTION_VALUE_MAX,
    OPTIONS_MAX,
    OVERFLOW_OPTIONS_MAX,
    PLACEHOLDER_MAX,
    PRIVATE_METADATA_MAX,
    SECTION_FIELDS_MAX,
    SECTION_TEXT_MAX,
    TEXT_INPUT_MAX,
    URL_MAX,
    VIEW_BLOCKS_MAX,
)
from bot.pretend_slack.answers import JsonDict, Problems

TEXT_TYPES = ("plain_text", "mrkdwn")
PLAIN_TEXT = ("plain_text",)
BUTTON_STYLES = (None, "primary", "danger")
RESPONSE_TYPES = (None, "ephemeral", "in_channel")
FILES_MAX = 10  # file_input's max_files
# How many options each kind of choice element may carry.
OPTIONS_MAX_OF = {
    "static_select": OPTIONS_MAX,
    "multi_static_select": OPTIONS_MAX,
    "overflow": OVERFLOW_OPTIONS_MAX,
    "radio_buttons": CHOICES_MAX,
    "checkboxes": CHOICES_MAX,
}
SELECTS_NEEDING_OPTIONS = ("static_select", "multi_static_select")


def length_problems(value: Any, where: str, limit: int) -> Problems:
    if isinstance(value, str) and len(value) > limit:
        return [f"{where}: {len(value)} characters, more than {limit}"]
    return []


def count_problems(items: Any, where: str, what: str, high: int, *, low: int = 0) -> Problems:
    if not isinstance(items, list):
        return [f"{where}: must be a list of {what}"]
    if len(items) > high:
        return [f"{where}: {len(items)} {what}, more than {high}"]
    if len(items) < low:
        return [f"{where}: needs at least {low} {what}"]
    return []


def duplicate_problems(ids: Iterable[Any], where: str, what: str) -> Problems:
    counts = Counter(i for i in ids if i is not None)
    return [f"{where}: {what} {i!r} is used {n} times" for i, n in counts.items() if n > 1]


def text_problems(
    obj: Any, where: str, *, limit: int | None = None, types: tuple[str, ...] = TEXT_TYPES
) -> Problems:
    """A text object: Slack rejects a wrong type or empty text before it ever looks at length."""
    if not isinstance(obj, dict):
        return [f"{where}: must be a text object"]
    problems = [] if obj.get("type") in types else [f"{where}.type: {obj.get('type')!r}, not one of {types}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [*problems, f"{where}.text: must be a non-empty string"]
    return problems + (length_problems(text, f"{where}.text", limit) if limit else [])


def option_problems(option: Any, where: str) -> Problems:
    if not isinstance(option, dict):
        return [f"{where}: must be an option object"]
    return [
        *text_problems(option.get("text"), f"{where}.text", limit=OPTION_TEXT_MAX),
        *length_problems(option.get("value"), f"{where}.value", OPTION_VALUE_MAX),
    ]


def option_list_problems(options: Any, where: str, limit: int) -> Problems:
    problems = count_problems(options, where, "options", limit)
    for n, option in enumerate(options if isinstance(options, list) else []):
        problems += option_problems(option, f"{where}[{n}]")
    return problems


def choice_problems(element: JsonDict, where: str) -> Problems:
    """Selects, overflow menus, radio buttons and checkboxes: the option limits differ by kind."""
    limit = OPTIONS_MAX_OF[element["type"]]
    has_options, groups = "options" in element, element.get("option_groups")
    problems: Problems = []
    if element["type"] in SELECTS_NEEDING_OPTIONS and not has_options and groups is None:
        problems.append(f"{where}: a {element['type']} needs options or option_groups")
    if has_options:
        problems += option_list_problems(element["options"], f"{where}.options", limit)
    if groups is not None:
        problems += count_problems(groups, f"{where}.option_groups", "option groups", limit)
        for n, group in enumerate(groups if isinstance(groups, list) else []):
            here = f"{where}.option_groups[{n}]"
            if not isinstance(group, dict):
                problems.append(f"{here}: must be an option group object")
                continue
            problems += text_problems(
                group.get("label"), f"{here}.label", limit=OPTION_TEXT_MAX, types=PLAIN_TEXT
            )
            problems += option_list_problems(group.get("options"), f"{here}.options", limit)
    return problems


def button_problems(button: JsonDict, where: str) -> Problems:
    problems = text_problems(button.get("text"), f"{where}.text", limit=BUTTON_TEXT_MAX, types=PLAIN_TEXT)
    problems += length_problems(button.get("value"), f"{where}.value", BUTTON_VALUE_MAX)
    problems += length_problems(button.get("url"), f"{where}.url", URL_MAX)
    if button.get("style") not in BUTTON_STYLES:
        problems.append(f"{where}.style: {button['style']!r}, not primary or danger")
    return problems


def text_input_problems(element: JsonDict, where: str) -> Problems:
    problems = length_problems(element.get("initial_value"), f"{where}.initial_value", TEXT_INPUT_MAX)
    for key in ("min_length", "max_length"):
        value = element.get(key)
        if value is not None and not (isinstance(value, int) and 0 <= value <= TEXT_INPUT_MAX):
            problems.append(f"{where}.{key}: {value!r}, not a whole number up to {TEXT_INPUT_MAX}")
    return problems


def file_input_problems(element: JsonDict, where: str) -> Problems:
    """Slack's file_input: from 1 to 10 files, of types named as a list of extensions."""
    problems: Problems = []
    most = element.get("max_files", 10)
    if not (isinstance(most, int) and 1 <= most <= FILES_MAX):
        problems.append(f"{where}.max_files: {most!r}, not a whole number from 1 to {FILES_MAX}")
    kinds = element.get("filetypes", [])
    if not (isinstance(kinds, list) and all(isinstance(kind, str) and kind for kind in kinds)):
        problems.append(f"{where}.filetypes: {kinds!r}, not a list of file extensions")
    return problems


def image_problems(image: JsonDict, where: str) -> Problems:
    """An image block or image element: Slack needs a source and alt text for screen readers."""
    problems = [] if image.get("image_url") or image.get("slack_file") else [f"{where}: needs image_url"]
    return problems + ([] if image.get("alt_text") else [f"{where}: needs alt_text"])


ElementCheck = Callable[[JsonDict, str], Problems]
ELEMENT_CHECKS: dict[str, ElementCheck] = {
    "button": button_problems,
    "plain_text_input": text_input_problems,
    "file_input": file_input_problems,
    "image": image_problems,
    **dict.fromkeys(OPTIONS_MAX_OF, choice_problems),
}


def element_problems(element: Any, where: str) -> Problems:
    if not isinstance(element, dict):
        return [f"{where}: must be an element object"]
    problems = length_problems(element.get("action_id"), f"{where}.action_id", ID_MAX)
    if "placeholder" in element:
        placeholder = element["placeholder"]
        problems += text_problems(
            placeholder, f"{where}.placeholder", limit=PLACEHOLDER_MAX, types=PLAIN_TEXT
        )
    check = ELEMENT_CHECKS.get(element.get("type", ""))
    return problems + (check(element, where) if check else [])


def section_problems(block: JsonDict, where: str) -> Problems:
    problems = [] if "text" in block or "fields" in block else [f"{where}: a section needs text or fields"]
    if "text" in block:
        problems += text_problems(block["text"], f"{where}.text", limit=SECTION_TEXT_MAX)
    if "fields" in block:
        fields = block["fields"]
        problems += count_problems(fields, f"{where}.fields", "fields", SECTION_FIELDS_MAX, low=1)
        for n, item in enumerate(fields if isinstance(fields, list) else []):
            problems += text_problems(item, f"{where}.fields[{n}]", limit=FIELD_TEXT_MAX)
    if "accessory" in block:
        problems += element_problems(block["accessory"], f"{where}.accessory")
    return problems


def header_problems(block: JsonDict, where: str) -> Problems:
    return text_problems(block.get("text"), f"{where}.text", limit=HEADER_TEXT_MAX, types=PLAIN_TEXT)


def context_problems(block: JsonDict, where: str) -> Problems:
    elements = block.get("elements")
    problems = count_problems(elements, f"{where}.elements", "elements", CONTEXT_ELEMENTS_MAX, low=1)
    for n, item in enumerate(elements if isinstance(elements, list) else []):
        here = f"{where}.elements[{n}]"
        is_image = isinstance(item, dict) and item.get("type") == "image"
        problems += image_problems(item, here) if is_image else text_problems(item, here)
    return problems


def actions_problems(block: JsonDict, where: str) -> Problems:
    elements = block.get("elements")
    items = elements if isinstance(elements, list) else []
    problems = count_problems(elements, f"{where}.elements", "elements", ACTIONS_ELEMENTS_MAX, low=1)
    for n, item in enumerate(items):
        problems += element_problems(item, f"{where}.elements[{n}]")
    action_ids = (item.get("action_id") for item in items if isinstance(item, dict))
    return problems + duplicate_problems(action_ids, where, "action_id")


def input_problems(block: JsonDict, where: str) -> Problems:
    problems = text_problems(block.get("label"), f"{where}.label", limit=INPUT_LABEL_MAX, types=PLAIN_TEXT)
    if "hint" in block:
        problems += text_problems(block["hint"], f"{where}.hint", limit=INPUT_LABEL_MAX, types=PLAIN_TEXT)
    if "element" not in block:
        return [*problems, f"{where}: an input block needs an element"]
    return problems + element_problems(block["element"], f"{where}.element")


def no_problems(block: JsonDict, where: str) -> Problems:
    """Blocks whose limits the app is unlikely to reach; known so they are not called unknown."""
    return []


BlockCheck = Callable[[JsonDict, str], Problems]
BLOCK_CHECKS: dict[str, BlockCheck] = {
    "section": section_problems,
    "header": header_problems,
    "context": context_problems,
    "actions": actions_problems,
    "input": input_problems,
    "image": image_problems,
    **dict.fromkeys(("divider", "rich_text", "file", "video", "markdown"), no_problems),
}


def block_problems(block: Any, where: str) -> Problems:
    if not isinstance(block, dict):
        return [f"{where}: must be a block object"]
    check = BLOCK_CHECKS.get(block.get("type", ""))
    if check is None:
        return [f"{where}: unknown block type {block.get('type')!r}"]
    return length_problems(block.get("block_id"), f"{where}.block_id", ID_MAX) + check(block, where)


def blocks_problems(blocks: Any, where: str, limit: int) -> Problems:
    problems = count_problems(blocks, where, "blocks", limit)
    items = blocks if isinstance(blocks, list) else []
    problems += duplicate_problems(
        (b.get("block_id") for b in items if isinstance(b, dict)), where, "block_id"
    )
    for n, block in enumerate(items):
        problems += block_problems(block, f"{where}[{n}]")
    return problems


def check_message_payload(payload: Mapping[str, Any]) -> Problems:
    """What Slack would reject in a message: chat.postMessage/update, a response URL, or an ack."""
    problems = length_problems(payload.get("text"), "text", MESSAGE_TEXT_MAX)
    if payload.get("response_type") not in RESPONSE_TYPES:
        problems.append(f"response_type: {payload['response_type']!r}, not ephemeral or in_channel")
    if "blocks" in payload:
        problems += blocks_problems(payload["blocks"], "blocks", MESSAGE_BLOCKS_MAX)
    return problems


def modal_problems(view: JsonDict) -> Problems:
    problems = text_problems(view.get("title"), "view.title", limit=MODAL_TITLE_MAX, types=PLAIN_TEXT)
    for key in ("submit", "close"):
        if key in view:
            problems += text_problems(view[key], f"view.{key}", limit=MODAL_TITLE_MAX, types=PLAIN_TEXT)
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_input and "submit" not in view:
        problems.append("view: a modal with an input block needs a submit button")
    return problems


def check_view_payload(view: Any, *, types: tuple[str, ...] = ("modal", "home")) -> Problems:
    """What Slack would reject in a view; `types` is what the method accepts (views.publish: home)."""
    if not isinstance(view, dict):
        return ["view: must be an object"]
    if view.get("type") not in types:
        return [f"view.type: {view.get('type')!r}, expected {' or '.join(types)}"]
    problems = blocks_problems(view.get("blocks"), "view.blocks", VIEW_BLOCKS_MAX)
    problems += length_problems(view.get("private_metadata"), "view.private_metadata", PRIVATE_METADATA_MAX)
    problems += length_problems(view.get("callback_id"), "view.callback_id", ID_MAX)
    problems += length_problems(view.get("external_id"), "view.external_id", ID_MAX)
    return problems + (modal_problems(view) if view["type"] == "modal" else [])


def check_response_payload(payload: Mapping[str, Any]) -> Problems:
    """A POST to a response URL: a message, unless it only deletes the original."""
    if payload.get("delete_original") in (True, "true"):
        return []
    has_content = bool(payload.get("text")) or bool(payload.get("blocks"))
    return ([] if has_content else ["a response URL message needs text or blocks"]) + check_message_payload(
        payload
    )
