"""Attribute: a matched maker -> company, owner and country on the chosen basis, with HS-6 and CHPL tier.

Basis `brand` (the default, how public reports count): the headquarters country of the company named
on the part or by the source, even when a group has bought it since. Basis `owner`: the country of
its ultimate parent at the part's date where its date code gives one, else at the catalog's as-of
date (bomtrace.ownership).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from bomtrace import resources
from bomtrace.catalogs import Catalog
from bomtrace.countries import is_country
from bomtrace.models import Attribution, Basis, Match, OwnerAtDate
from bomtrace.ownership import owner_at_date_code

_WORD = re.compile(r"[^\W\d_]+(?:[ .'-][^\W\d_]+)*", re.UNICODE)


def attribute(match: Match, catalog: Catalog, basis: Basis = "brand", ownership: OwnerAtDate | None = None
              ) -> Attribution:
    """Company, owner and country for a match; all None when the match names no maker. On basis
    `owner` the owner is the one at the part's date (`ownership`, from `ownership_of`), else today's."""
    category = match.category
    category_row = catalog.categories.get(category) if category else None
    hs6 = category_row.hs6 if category_row else None
    tier = catalog.chpl.get(hs6) if hs6 else None
    if match.manufacturer is None or match.confidence == "unresolved":
        return Attribution(None, None, None, None, category, hs6, tier)
    if match.evidence == "name":  # a company no catalog knows: its own name told the country
        return Attribution(match.maker_name, match.manufacturer, match.maker_name, match.maker_country,
                           category, hs6, tier, match.maker_country)
    company = catalog.maker(match.manufacturer)
    if basis == "owner" and ownership is not None:
        return Attribution(company.name, company.id, ownership.owner, ownership.country, category, hs6, tier,
                           company.country)
    owner = catalog.maker(catalog.owner_of(company.id))
    country = company.country if basis == "brand" else owner.country
    return Attribution(company.name, company.id, owner.name, country, category, hs6, tier, company.country)


def ownership_of(match: Match, catalog: Catalog, date_code: str | None) -> OwnerAtDate | None:
    """The owner at the part's date and today's, for a match that names a catalog maker; else None."""
    if match.manufacturer is None or match.confidence == "unresolved" or match.evidence == "name":
        return None
    if match.manufacturer not in catalog.manufacturers and match.manufacturer not in catalog.registry:
        return None
    return owner_at_date_code(catalog, match.manufacturer, date_code)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    with resources.data_file("country_names.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names[row["name"].lower()] = row["code"]
    return names


def parse_country(text: str) -> str | None:
    """An input's country cell as ISO-2: a code ('US'), or a name in English, Ukrainian or Russian
    at its start ('US (Dallas-based)', 'Switzerland', 'США'); None when it names none."""
    text = text.strip()
    if not text:
        return None
    first = re.split(r"[\s(/,;]", text, maxsplit=1)[0]
    if len(first) == 2 and first.isalpha() and is_country(first.upper()):
        return first.upper()
    names = _country_names()
    for found in _WORD.finditer(text):
        words = found.group(0).lower().split()
        for size in range(len(words), 0, -1):
            code = names.get(" ".join(words[:size]))
            if code:
                return code
        break
    import pycountry

    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


def country_conflict(reported: str, attributed: str | None) -> bool:
    """True when the input's own country names a different country than the one attributed."""
    code = parse_country(reported)
    return bool(code and attributed and code != attributed)
