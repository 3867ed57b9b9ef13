"""Where a font that draws Chinese is found, for charts and reports.

Looked for once per process, in this order:

1. Noto Sans SC as the `pylopdf-fonts-zh-cn` package ships it: a dependency of PMO bot, so
   `pip install .` brings it (Noto's own file, under the SIL Open Font License);
2. a CJK font the system has, found through matplotlib's font list (Debian's
   `fonts-noto-cjk` or `fonts-wqy-microhei`, for instance).

With neither, a warning is logged once and text is drawn with the default font: Chinese then
shows as empty boxes, but every chart and report is still made.
"""

from __future__ import annotations

import logging
import re
from contextlib import suppress
from functools import cache
from pathlib import Path
from types import ModuleType

from bot.lazy import lazy_module

pylopdf_fonts_zh_cn: ModuleType | None
try:
    import pylopdf_fonts_zh_cn
except ImportError:  # an install made by hand without it: the system's fonts are looked at instead
    pylopdf_fonts_zh_cn = None

log = logging.getLogger(__name__)
font_manager = lazy_module("matplotlib.font_manager")

# Families to look for among the system's fonts, Simplified Chinese forms first.
SYSTEM_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
)
# A character every Chinese font has and Latin-only fonts lack.
PROBE = "中"


@cache
def cjk_font() -> Path | None:
    """A font file that draws Chinese, or None (logged once) when this machine has none."""
    found = packaged_font() or system_font()
    if found is None:
        log.warning(
            "no font that draws Chinese was found: charts and reports use the default font, where "
            "Chinese text shows as boxes. Reinstall PMO bot (pip install .) to bring Noto Sans SC."
        )
    return found


def packaged_font() -> Path | None:
    if pylopdf_fonts_zh_cn is None:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if draws_chinese(path) else None


def system_font() -> Path | None:
    for family in SYSTEM_FAMILIES:
        try:
            path = Path(
                font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            )
        except ValueError:
            continue
        if draws_chinese(path):
            return path
    return None


def draws_chinese(path: Path) -> bool:
    """Whether the file is a font with glyphs for Chinese (a font missing or broken has none)."""
    try:
        index: int = lazy_module("matplotlib.ft2font").FT2Font(str(path)).get_char_index(ord(PROBE))
        return index != 0
    except (OSError, RuntimeError):
        return False


@cache
def codepoints(paths: tuple[Path, ...]) -> frozenset[int]:
    """Every character the font files have a glyph for."""
    ft2font = lazy_module("matplotlib.ft2font")
    found: set[int] = set()
    for path in paths:
        with suppress(OSError, RuntimeError):
            found.update(ft2font.FT2Font(str(path)).get_charmap())
    return frozenset(found)


def drawable(text: str, paths: tuple[Path, ...]) -> str:
    """`text` less what none of the fonts can draw (emoji, mostly), which would show as boxes.

    No font that matplotlib can draw with has colour emoji, so a title like "🚀 Launch" is
    better drawn as "Launch" than as "□ Launch". Spaces left doubled by a removal are closed.
    """
    known = codepoints(paths)
    kept = "".join(char for char in text if char.isspace() or ord(char) in known)
    return re.sub(" {2,}", " ", kept).strip() if kept != text else text
