"""Screening named parties against sanctions lists: names equal after normalisation (legal forms and
script aside), aliases and former names too, countries agreeing where both sides give one; nothing
fuzzy. The list is an excerpt of real OFAC SDN entries (tests/fixtures/sanctions/README.md); the case
table tests/cases/screening.csv holds hits and the near-misses that must not hit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bomtrace.sanctions.formats import read_download
from bomtrace.sanctions.tables import ListEntry
from bomtrace.screening import NamedParty, ScreeningIndex, screen_parties, screening_key, unique_parties

FIXTURES = Path(__file__).parent / "fixtures" / "sanctions"
OFAC_CSV = [FIXTURES / "ofac-csv" / name for name in ("sdn.csv", "add.csv", "alt.csv")]
CASES = list(csv.DictReader((Path(__file__).parent / "cases" / "screening.csv").open(encoding="utf-8")))


@pytest.fixture(scope="module")
def entries() -> list[ListEntry]:
    return read_download(OFAC_CSV, "2024-05-03")


@pytest.fixture(scope="module")
def index(entries: list[ListEntry]) -> ScreeningIndex:
    return ScreeningIndex.of(entries)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['party']}/{c['country']}" for c in CASES])
def test_screening_case_table(case: dict[str, str], index: ScreeningIndex) -> None:
    hits = index.screen(NamedParty(case["role"], case["party"], case["country"] or None))
    assert [(h.entry, h.name_kind) for h in hits] == ([(case["expected"], case["kind"])] if case["expected"] else []), \
        case["why"]


def test_the_case_table_has_hits_aliases_and_near_misses() -> None:
    kinds = {c["kind"] for c in CASES}
    assert {"name", "alias", "former name"} <= kinds
    assert sum(1 for c in CASES if not c["expected"] and c["why"].startswith("near-miss")) >= 4


def test_only_entities_are_read_and_each_field_names_its_file(entries: list[ListEntry]) -> None:
    assert [e.entry for e in entries] == ["36", "16319", "35199", "35936", "38641", "43856", "45933", "46718"]
    mikron = next(e for e in entries if e.entry == "35936")
    assert mikron.name == "JOINT STOCK COMPANY MIKRON"
    assert mikron.aliases == ("MIKRON JSC", "PJSC MIKRON", "PUBLICHNOE AKTSIONERNOE OBSCHESTVO MIKRON")
    assert "NIIME AND MIKRON" in mikron.former_names
    assert (mikron.countries, mikron.programs) == (("RU",), ("RUSSIA-EO14024",))
    assert (mikron.name_from, mikron.aliases_from, mikron.countries_from) == (
        "sdn.csv 2024-05-03", "alt.csv 2024-05-03", "add.csv 2024-05-03")
    assert next(e for e in entries if e.entry == "38641").countries == ("CN",)  # Hong Kong addresses: OFAC's China


def test_the_xml_layout_gives_the_same_entries_as_the_csv_files(entries: list[ListEntry]) -> None:
    from_xml = read_download([FIXTURES / "ofac-xml" / "sdn.xml"], "ignored: the XML carries its date")
    assert [(e.entry, e.name, e.aliases, e.former_names, e.countries, e.programs) for e in from_xml] == \
        [(e.entry, e.name, e.aliases, e.former_names, e.countries, e.programs) for e in entries]
    assert {e.published for e in from_xml} == {"2024-05-03"}
    assert from_xml[0].name_from == "sdn.xml 2024-05-03"


def test_the_detail_shows_both_full_names_and_never_claims_identity(index: ScreeningIndex) -> None:
    (hit,) = index.screen(NamedParty("importer", "ООО «Наночип»", "RU"))
    assert hit.detail == ("name matches list entry OFAC SDN 45933: 'ООО «Наночип»' against 'LIMITED LIABILITY "
                          "COMPANY NANOCHIP'; programme RUSSIA-EO14024; listed address country RU; list of 2024-05-03")
    (alias,) = index.screen(NamedParty("supplier", "Sinno Electronic Co Ltd", "CN", named_as="Sinno"))
    assert alias.detail == ("name matches list entry OFAC SDN 38641: 'Sinno Electronic Co Ltd' (a name the catalog "
                            "gives 'Sinno') against 'SINNO ELECTRONIC CO., LTD' (alias of 'SINNO ELECTRONICS CO., "
                            "LIMITED'); programme RUSSIA-EO14024; listed address country CN; list of 2024-05-03")


@pytest.mark.parametrize(("name", "key"), [
    ("JSC PKK MILANDR", "pkk milandr"),
    ("АО «ПКК Миландр»", "pkk milandr"),
    ("LIMITED LIABILITY COMPANY NANOCHIP", "nanochip"),
    ("BAIKAL ELECTRONICS JSC", "baikal electronics"),
    ("OPEN JOINT STOCK COMPANY SCIENTIFIC AND PRODUCTION ENTERPRISE PULSAR", "pulsar"),
    ("JSC", "jsc"),  # a legal form alone stays: some name must remain
])
def test_screening_key_drops_the_english_legal_forms_maker_key_leaves(name: str, key: str) -> None:
    assert screening_key(name) == key


def test_a_party_named_twice_is_screened_once_and_an_entry_hit_once_a_line(index: ScreeningIndex) -> None:
    parties = unique_parties([NamedParty("maker", "JSC Mikron", "RU"), NamedParty("owner", "АО «Микрон»", "RU"),
                              NamedParty("maker", "PJSC Mikron", "RU")])
    assert [p.name for p in parties] == ["JSC Mikron"]
    hits = screen_parties(index, [NamedParty("maker", "PJSC Mikron", "RU"), NamedParty("maker", "MIKRON JSC", "RU")])
    assert [(h.entry, h.party) for h in hits] == [("35936", "PJSC Mikron")]
