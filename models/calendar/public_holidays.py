"""A country's public holidays, China's included, from the `holidays` package: the list a
workspace imports instead of typing each day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import holidays

from models.core.errors import InvalidError

# Further than this from the current year is a typo ("2207"), not a calendar to plan with.
MAX_YEARS_AWAY = 10


def name_language(supported: Sequence[str], language: str) -> str | None:
    """The package's language closest to the reader's (`zh-CN` → `zh_CN`, `en` → `en_US`), or
    None for the country's own default when it has nothing near."""
    wanted = language.replace("-", "_")
    base = wanted.split("_")[0]
    for choice in (wanted, f"{base}_US", f"{base}_GB"):
        if choice in supported:
            return choice
    return next((code for code in supported if code.split("_")[0] == base), None)


def public_holidays(country: str, year: int, *, this_year: int, language: str) -> list[tuple[date, str]]:
    """`country`'s public holidays in `year`, named in `language` where the package can, by date."""
    code = country.upper()
    if code not in holidays.list_supported_countries():
        raise InvalidError("calendar.unknown_country", given=country)
    if abs(year - this_year) > MAX_YEARS_AWAY:
        raise InvalidError("calendar.import_year", given=str(year))
    supported = holidays.country_holidays(code).supported_languages
    found = holidays.country_holidays(code, years=year, language=name_language(supported, language))
    return sorted(found.items())
