"""Where in a TOML file a value was written: so a refusal names the line to fix.

tomllib gives values without positions, so the file is read once more for its headers and keys:
`[[tasks]]` the third time is `tasks[2]`, `title = …` under it is `tasks[2].title`. A value not
written at all (a missing field) is placed at the table that lacks it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
KEY = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
Loc = tuple[str | int, ...]


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(
        part.strip().strip("\"'") for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", dotted)
    )


class LineIndex:
    """The line each table and key of a TOML text starts on, by its path."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Loc, int] = {}
        self._read(text.splitlines())

    def _read(self, lines: Sequence[str]) -> None:
        table: Loc = ()
        counts: dict[tuple[str, ...], int] = {}
        in_string = False
        for number, line in enumerate(lines, start=1):
            if in_string:
                in_string = line.count('"""') % 2 == 0 and line.count("'''") % 2 == 0
                continue
            header = HEADER.match(line)
            if header:
                path = _parts(header.group(2))
                if header.group(1) == "[[":
                    counts[path] = counts.get(path, -1) + 1
                    table = (*self._concrete(path[:-1], counts), path[-1], counts[path])
                else:
                    table = self._concrete(path, counts)
                self.lines.setdefault(table, number)
                continue
            key = KEY.match(line)
            if key:
                self.lines.setdefault((*table, *_parts(key.group(1))), number)
                rest = line[key.end() :]
                in_string = rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1

    def _concrete(self, path: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> Loc:
        """`a.b` where `a` is an array of tables means `b` of its latest entry."""
        concrete: list[str | int] = []
        for depth, part in enumerate(path, start=1):
            concrete.append(part)
            if path[:depth] in counts:
                concrete.append(counts[path[:depth]])
        return tuple(concrete)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of the nearest table or key above it that was written."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None
