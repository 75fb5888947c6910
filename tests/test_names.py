"""Case tables for bomtrace.names: what a company's name alone says about its country.

tests/cases/name_evidence.csv holds real company names, each with the source that shows the company
and its country; an empty expected_country means the name must decide nothing. The rows were written
from the rules and the sources, not from the function's output.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bomtrace.names import name_evidence, place_key

CASES = Path(__file__).parent / "cases"
DATA = Path(__file__).parent.parent / "bomtrace" / "data"


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


NAME_CASES = _table(CASES / "name_evidence.csv")
LEGAL_FORMS = _table(DATA / "legal_forms.csv")


def test_the_case_table_is_large_enough_and_goes_both_ways() -> None:
    fires = [row for row in NAME_CASES if row["expected_country"]]
    assert len(NAME_CASES) >= 40
    assert len(fires) >= 15 and len(NAME_CASES) - len(fires) >= 10
    assert all(row["source"] and row["why"] for row in NAME_CASES)


@pytest.mark.parametrize("row", NAME_CASES, ids=[row["name"] for row in NAME_CASES])
def test_name_evidence(row: dict[str, str]) -> None:
    evidence = name_evidence(row["name"])
    if not row["expected_country"]:
        assert evidence is None, f"must decide nothing ({row['why']}), gave {evidence}"
        return
    assert evidence is not None, row["why"]
    assert evidence.country == row["expected_country"], evidence.detail
    assert evidence.word.casefold() in row["name"].casefold()
    assert evidence.word in evidence.detail


@pytest.mark.parametrize("row", LEGAL_FORMS, ids=[row["form"] for row in LEGAL_FORMS])
def test_each_legal_form_names_its_country_with_or_without_dots(row: dict[str, str]) -> None:
    for spelling in (row["form"], row["form"].replace(".", ""), row["form"].upper()):
        evidence = name_evidence(spelling)
        assert evidence is not None and evidence.country == row["country"], spelling
        assert evidence.kind == "legal_form"
        assert "is used only in" in evidence.detail


def test_every_legal_form_has_a_source() -> None:
    assert all(row["source"].startswith("http") for row in LEGAL_FORMS)


@pytest.mark.parametrize("form", ["ПАО", "PJSC", "ООО", "АО", "ОАО", "GmbH", "s.r.o.", "K.K.", "LLC"])
def test_forms_used_in_several_countries_are_not_in_the_table(form: str) -> None:
    assert name_evidence(form) is None


def test_a_lone_place_is_no_company_name() -> None:
    assert name_evidence("Shenzhen") is None


def test_a_place_counts_only_as_whole_words_at_the_start() -> None:
    # 'Shenzhen' glued into a longer word is no place.
    assert name_evidence("Shenzhenxyz Electronics") is None


@pytest.mark.parametrize("spelling", ["Xi'an", "Xi’an", "XIAN", "xi an"])
def test_place_keys_ignore_apostrophes_case_and_spaces(spelling: str) -> None:
    assert place_key(spelling) == "xian"


# --- the shipped place table ---------------------------------------------------------------------

def test_places_csv_is_exactly_what_the_build_makes() -> None:
    from bomtrace.build.places import build_places

    text, _ = build_places()
    assert text == (DATA / "places.csv").read_text(encoding="utf-8"), \
        "data/places.csv is stale: run python -m bomtrace.build.places and review the diff"


def test_every_place_name_belongs_to_one_country() -> None:
    countries: dict[str, set[str]] = {}
    for row in _table(DATA / "places.csv"):
        countries.setdefault(place_key(row["name"]), set()).add(row["country"])
        assert row["country"] in {"CN", "HK", "JP", "KR", "TW"} and row["kind"] in {"city", "province"}
    assert all(len(found) == 1 for found in countries.values())
    assert {"shenzhen", "zhejiang", "shanghai", "hongkong", "hsinchu", "seoul", "gyeonggi"} <= countries.keys()
    # someone else's city, an English word, a country of its own, a group's name
    assert not {"victoria", "aberdeen", "saga", "dali", "taiwan", "hitachi", "toyota"} & countries.keys()
