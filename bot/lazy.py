"""Heavy libraries imported when first used, not when the bot starts.

matplotlib (with numpy and Pillow) and fpdf are most of PMO bot's start-up time and a third of
its memory, yet only charts and reports use them, which most processes never draw: a module
names them through `lazy_module` and they are imported on the first attribute it reads.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


def lazy_module(name: str) -> Any:
    return LazyModule(name)
