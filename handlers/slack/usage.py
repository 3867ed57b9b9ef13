"""The one form of a verb that fits what was typed, out of the verb's whole usage line.

`task move` with no key is answered with `task move <KEY> [start <when>] [due <when>]`, not
with every form of `/pmo task`: the rest is noise to someone who knows what they meant.
"""

from __future__ import annotations

ALTERNATIVE = " | "  # forms are set apart by a spaced bar; `open|mine` is one form's choice


def top_level_forms(usage: str) -> list[str]:
    """The forms of `usage` after the verb: `task [add … | move …]` gives `add …` and `move …`."""
    _, _, rest = usage.partition(" ")
    if rest.startswith("[") and rest.endswith("]") and closing_bracket(rest) == len(rest) - 1:
        rest = rest[1:-1]
    forms, depth, start = [], 0, 0
    for index, char in enumerate(rest):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0 and rest.startswith(ALTERNATIVE, index):
            forms.append(rest[start:index])
            start = index + len(ALTERNATIVE)
    return [*forms, rest[start:]]


def closing_bracket(text: str) -> int:
    """Where the bracket opening `text` closes (-1 when it never does)."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return index
    return -1


def form_for(usage: str, words: list[str]) -> str:
    """The form whose first word is the first word typed; the whole usage when none is."""
    if not words:
        return usage
    verb = usage.partition(" ")[0]
    typed = words[0].lower()
    matching = [form for form in top_level_forms(usage) if form.split(" ", 1)[0].lower() == typed]
    return f"{verb} {matching[0]}" if len(matching) == 1 else usage
