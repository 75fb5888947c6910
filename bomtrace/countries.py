"""ISO 3166-1 country codes and names, from pycountry."""

from __future__ import annotations

from functools import lru_cache

import pycountry

# Short names public reports use, where ISO's official name is long or formal.
_SHORT_NAMES = {
    "US": "the United States", "GB": "the United Kingdom", "NL": "the Netherlands",
    "KR": "South Korea", "KP": "North Korea", "TW": "Taiwan", "RU": "Russia", "IR": "Iran",
    "CZ": "Czechia", "CN": "China", "VN": "Vietnam", "MD": "Moldova", "SY": "Syria",
    "AE": "the United Arab Emirates", "PH": "the Philippines", "BO": "Bolivia", "VE": "Venezuela",
    "TZ": "Tanzania", "LA": "Laos",
}


@lru_cache(maxsize=512)
def is_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code."""
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """The name a sentence uses ('the United States'); the code itself if unknown; '' for None."""
    if not code:
        return ""
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def bare_name(code: str | None) -> str:
    """The name without a leading 'the', for table cells."""
    name = country_name(code)
    return name.removeprefix("the ")
