"""Names as evidence: the country a company's own name tells, when no catalog knows the company.

Two kinds of evidence, both conservative (a wrong country is worse than none):

- a city or province of China, Taiwan, Hong Kong, South Korea or Japan at the *start* of the name or
  alone *in brackets* ("Shenzhen X Co., Ltd.", "X (Shanghai) Co., Ltd."), from data/places.csv, which
  `bomtrace.build.places` builds from GeoNames and ISO 3166-2 (see data/places.SOURCE.md);
- a legal form that exists in exactly one country's law ("Sp. z o.o.", "ТОВ", "Kabushiki Kaisha"),
  from data/legal_forms.csv, matched as whole words, in any case, with or without dots.

The name decides nothing when its pieces of evidence disagree, when it also names another country
("Kawasaki Motors Manufacturing Corp. USA": a named subsidiary is a company of its own), or when a
place of another country stands anywhere in it ("Tokyo Electron Kunshan Limited").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pycountry
from anyascii import anyascii

from bomtrace import resources
from bomtrace.countries import bare_name

EvidenceKind = Literal["place", "legal_form"]

#: Place names are matched on at most this many words at the start of a name ("New Taipei City").
_MAX_PLACE_WORDS = 4
#: Country names are matched on at most this many words ('Bosnia and Herzegovina').
_MAX_COUNTRY_WORDS = 4
#: Places that count only in brackets: 'Hong Kong' opens the names of many mainland Chinese traders
#: (OFAC SDN: 'Hongkong Canway Co., Limited', 'Hong Kong Aeonian Complex Co., Limited', both with
#: addresses in China), while 'X (Hong Kong) Limited' names a company registered there.
_ONLY_IN_BRACKETS = frozenset({"hongkong"})
_WORDS = re.compile(r"\w+")
_LATIN_WORDS = re.compile(r"[a-z]+")
_BRACKETED = re.compile(r"[(\uff08]([^()\uff08\uff09]*)[)\uff09]")


@dataclass(frozen=True)
class NameEvidence:
    """What a company name alone says about the company's country, and why."""

    country: str
    kind: EvidenceKind
    #: the text in the name that decided ('Shenzhen', 'Sp. z o.o.')
    word: str
    #: one line a reviewer reads ('name starts with Shenzhen, a city in China')
    detail: str


def place_key(text: str) -> str:
    """A place name's comparable form: transliterated, lower case, letters only ("Xi'an" -> 'xian')."""
    return "".join(_LATIN_WORDS.findall(anyascii(text).lower()))


def form_key(text: str) -> str:
    """A legal form's comparable form: case-folded letters, diacritics and script kept ('Sp. z o.o.' ->
    'spzoo', 'ТОВ' -> 'тов', 'OÜ' -> 'oü')."""
    return "".join(_WORDS.findall(text.casefold()))


@dataclass(frozen=True)
class _Place:
    name: str
    country: str
    kind: str


@lru_cache(maxsize=1)
def _places() -> dict[str, _Place]:
    """data/places.csv keyed by place_key; the build guarantees one country per key."""
    places: dict[str, _Place] = {}
    with resources.data_file("places.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = place_key(row["name"])
            # A name that is both a city and a province (Tokyo, Jilin) reads best as the city.
            if key not in places or row["kind"] == "city":
                places[key] = _Place(row["name"], row["country"], row["kind"])
    return places


@lru_cache(maxsize=1)
def _legal_forms() -> tuple[dict[str, str], int]:
    """data/legal_forms.csv as form_key -> ISO-2 of the one country whose law has the form, and the
    most words any form has ('spółka z ograniczoną odpowiedzialnością': 4)."""
    with resources.data_file("legal_forms.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    forms = {form_key(row["form"]): row["country"] for row in rows}
    return forms, max(len(_WORDS.findall(row["form"])) for row in rows)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names, keyed like legal forms ('u.s.a.' -> 'usa'): ISO 3166-1's names, common and
    official names (pycountry) and the English, Ukrainian and Russian names of data/country_names.csv."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names[form_key(value)] = str(country.alpha_2)
    with resources.data_file("country_names.csv").open(encoding="utf-8", newline="") as handle:
        names.update((form_key(row["name"]), row["code"]) for row in csv.DictReader(handle))
    return names


def country_named(text: str) -> str | None:
    """The ISO-2 code when the whole text is a country's name ('Hong Kong', 'U.S.A.', 'Китай')."""
    return _country_names().get(form_key(text))


def _windows(words: list[str], longest: int) -> list[tuple[int, int, str]]:
    """Every run of up to `longest` consecutive words, joined: (start, end, joined)."""
    return [(start, end, "".join(words[start:end]))
            for start in range(len(words))
            for end in range(start + 1, min(start + longest, len(words)) + 1)]


def _place_at_start(name: str) -> tuple[str, _Place] | None:
    """The longest place name made of the name's first words, when more words follow it."""
    outside = _BRACKETED.sub(" ", name)
    words = _WORDS.findall(outside)
    places = _places()
    for size in range(min(_MAX_PLACE_WORDS, len(words) - 1), 0, -1):
        key = place_key("".join(words[:size]))
        place = places.get(key) if key not in _ONLY_IN_BRACKETS else None
        if place:
            return " ".join(words[:size]), place
    return None


def _places_in_brackets(name: str) -> list[tuple[str, _Place]]:
    """Places that fill a pair of brackets on their own ('(Shanghai)', '（深圳）' is not read)."""
    found = []
    for inner in _BRACKETED.findall(name):
        place = _places().get(place_key(inner)) if inner.strip() else None
        if place:
            found.append((inner.strip(), place))
    return found


def _place_countries_anywhere(name: str) -> set[str]:
    """Countries of every place named anywhere in the name ('Tokyo Electron Kunshan' -> JP, CN)."""
    places = _places()
    found = set()
    for _, _, joined in _windows([place_key(word) for word in _WORDS.findall(name)], _MAX_PLACE_WORDS):
        place = places.get(joined)
        if place:
            found.add(place.country)
    return found


def _legal_forms_in(name: str) -> list[tuple[str, str]]:
    """(form as written, country) for each one-country legal form among the name's words."""
    words = _WORDS.findall(name.casefold())
    original = _WORDS.findall(name)
    forms, longest = _legal_forms()
    return [(" ".join(original[start:end]), forms[joined])
            for start, end, joined in _windows(words, longest) if joined in forms]


def _countries_named(name: str) -> set[str]:
    """ISO-2 codes of the countries the name spells out ('Hitachi America' -> {'US'})."""
    words = _WORDS.findall(name.casefold())
    names = _country_names()
    return {names[joined] for _, _, joined in _windows(words, _MAX_COUNTRY_WORDS) if joined in names}


def _place_detail(where: str, word: str, place: _Place) -> str:
    kind = "city" if place.kind == "city" else "prefecture" if place.country == "JP" else "province"
    return f"name {where} {word}, a {kind} in {bare_name(place.country)}"


@lru_cache(maxsize=65536)
def name_evidence(name: str) -> NameEvidence | None:
    """The country a company name tells by a one-country legal form, or by an East Asian city or
    province at its start or alone in brackets; None when the name tells none, its pieces of evidence
    name different countries, or it spells out another country's name."""
    found: list[NameEvidence] = []
    for word, country in _legal_forms_in(name):
        found.append(NameEvidence(country, "legal_form", word,
                                  f"legal form {word} is used only in {bare_name(country)}"))
    start = _place_at_start(name)
    if start:
        word, place = start
        found.append(NameEvidence(place.country, "place", word, _place_detail("starts with", word, place)))
    for word, place in _places_in_brackets(name):
        found.append(NameEvidence(place.country, "place", word,
                                  _place_detail("has in brackets", f"({word})", place)))
    countries = {evidence.country for evidence in found}
    if len(countries) != 1 or (_countries_named(name) | _place_countries_anywhere(name)) - countries:
        return None
    return found[0]
