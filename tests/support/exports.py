"""Files the bot uploads, read back: the CSV of an export."""

from __future__ import annotations

import csv
import io


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))
