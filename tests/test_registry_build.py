"""The maker registry (catalogs/registry.csv): rebuilt from the repository's own extracts it is the
shipped table byte for byte; every drop rule, and the id, key, name, source and confidence rules, on
small extracts of real records copied from catalogs/sources/."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from bomtrace import resources
from bomtrace.build.__main__ import main as build_main
from bomtrace.build.imports import country_code, equities_extract, ieee_extract, ofac_extract
from bomtrace.build.records import IEEE, Record, listing_company_name
from bomtrace.build.registries import (
    HEADER,
    RegistryBuild,
    assign_ids,
    build_registry,
    choose_name,
    is_generic_key,
    read_generic_words,
    registry_csv,
    registry_slug,
    report_json,
    write_registry,
)
from bomtrace.countries import is_country
from bomtrace.normalize import maker_key

SHIPPED = resources.catalogs_dir()
SOURCES = SHIPPED / "sources"

IEEE_HEADER = "registry,assignment,organization,country"
EQUITIES_HEADER = "symbol,name,country,exchange,industry"
OFAC_HEADER = "ent_num,name,listed,programs,countries,aliases,former_names,remarks"
ESPRESSIF_CURATED = "espressif,Espressif Systems,Espressif|乐鑫,CN,espressif.com,,https://www.espressif.com"


# --- the shipped table ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped_build() -> RegistryBuild:
    return build_registry(SOURCES, SHIPPED)


def test_a_rebuild_from_the_repository_is_the_shipped_table_byte_for_byte(shipped_build: RegistryBuild) -> None:
    assert registry_csv(shipped_build).encode("utf-8") == (SHIPPED / "registry.csv").read_bytes()
    assert report_json(shipped_build).encode("utf-8") == (SOURCES / "registry-build.json").read_bytes()


def test_the_shipped_table_keeps_its_own_rules() -> None:
    with (SHIPPED / "registry.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == HEADER
        rows = list(reader)
    assert len(rows) >= 20_000
    keys = [row["key"] for row in rows]
    assert keys == sorted(set(keys))
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", row["id"]), row
        assert maker_key(row["name"]) == row["key"], row
        assert is_country(row["country"]) and row["country"].isupper(), row
        assert row["confidence"] in {"probable", "possible"}, row
        assert row["source"], row


def test_no_shipped_row_takes_a_curated_makers_name(shipped_build: RegistryBuild) -> None:
    curated = {maker_key(n) for path in SHIPPED.glob("manufacturers*.csv")
               for row in csv.DictReader(path.open(encoding="utf-8"))
               for n in [row["name"], *row["aliases"].split("|")] if n}
    assert not curated & {row.key for row in shipped_build.rows}


# --- small extracts of real records --------------------------------------------------------------

def sources_with(tmp_path: Path, ieee: tuple[str, ...] = (), equities: tuple[str, ...] = (),
                 ofac: tuple[str, ...] = ()) -> Path:
    """A catalogs folder whose sources/ holds these extract lines, the shipped generic words and a
    curated table with one real maker (Espressif)."""
    folder = tmp_path / "catalogs"
    for path, header, lines in (("ieee-ra/assignments.csv", IEEE_HEADER, ieee),
                                ("financedatabase/equities.csv", EQUITIES_HEADER, equities),
                                ("ofac-sdn/entities.csv", OFAC_HEADER, ofac)):
        target = folder / "sources" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
    shutil.copy(SOURCES / "generic-words.txt", folder / "sources" / "generic-words.txt")
    (folder / "manufacturers.semis.csv").write_text(
        "id,name,aliases,country,domain,parent,source\n" + ESPRESSIF_CURATED + "\n", encoding="utf-8")
    return folder


def built(folder: Path) -> RegistryBuild:
    return build_registry(folder / "sources", folder)


def row_for(build: RegistryBuild, key: str) -> dict[str, str] | None:
    found = [row for row in build.rows if row.key == key]
    return dict(zip(HEADER, found[0].values(), strict=True)) if found else None


DROPPED_KEYS = [
    # a name two records place in two countries decides nothing
    ("conflicting-countries", "anritsu", ('MA-L,0002B1,"Anritsu, Ltd.",GB',),
     ('6754.T,Anritsu Corporation,JP,JPX,"Electronic Equipment, Instruments & Components"',)),
    # curated rows always win
    ("curated", "espressif", ("MA-L,083A8D,Espressif Inc.,CN", "MA-L,10061C,Espressif Inc.,CN"), ()),
    # one ordinary English word
    ("generic", "gateway", ('MA-L,001D84,"Gateway, Inc.",US',), ()),
    # a three-letter acronym (this TCL is a US registrant, not the Chinese TCL)
    ("generic", "tcl", ("MA-L,0000DD,TCL INCORPORATED,US",), ()),
    # words that all say what a company does, not which it is
    ("generic", "advanced systems", ('MA-L,000541,"Advanced Systems Co., Ltd.",JP',), ()),
]


@pytest.mark.parametrize(("reason", "key", "ieee", "equities"), DROPPED_KEYS)
def test_a_key_left_out_is_counted_by_reason(tmp_path: Path, reason: str, key: str,
                                             ieee: tuple[str, ...], equities: tuple[str, ...]) -> None:
    build = built(sources_with(tmp_path, ieee, equities))
    assert row_for(build, key) is None
    assert build.report["keys_dropped"] == {reason: {"keys": 1, "records": len(ieee) + len(equities)}}
    assert build.rows == []


DROPPED_RECORDS = [
    ("name-too-short", {"IEEE": 1}, ("IAB,0050C200B,IO Limited,GB",), ()),
    ("invalid-country", {"IEEE": 1}, ("IAB,0050C2001,JMBS Developpements,",), ()),
    ("invalid-country", {"IEEE": 1}, ("IAB,0050C281C,Telcom,YU",), ()),
    ("ofac-several-countries", {"OFAC": 2},
     (), ('306,BANCO NACIONAL DE CUBA,2024-05-03,CUBA,CH|ES|JP|PA,NATIONAL BANK OF CUBA,,a.k.a. \'BNC\'.',)),
    ("ofac-no-address-country", {"OFAC": 2}, (), ("4688,ABU SAYYAF GROUP,2024-05-03,FTO|SDGT,,AL HARAKAT AL ISLAMIYYA,,",)),
]


@pytest.mark.parametrize(("reason", "counts", "ieee", "ofac"), DROPPED_RECORDS)
def test_a_record_left_out_is_counted_by_reason(tmp_path: Path, reason: str, counts: dict[str, int],
                                                ieee: tuple[str, ...], ofac: tuple[str, ...]) -> None:
    build = built(sources_with(tmp_path, ieee=ieee, ofac=ofac))
    assert build.report["records_dropped"] == {reason: counts}
    assert build.rows == []


def test_an_exact_duplicate_record_counts_once(tmp_path: Path) -> None:
    line = ("13156,MINISTRY OF DEFENSE LOGISTICS EXPORT,2024-05-03,NPWMD|IFSR,IR,"
            "MINISTRY OF DEFENSE LEGION EXPORT|MINISTRY OF DEFENSE LOGISTICS EXPORT,,"
            "Additional Sanctions Information - Subject to Secondary Sanctions.")
    build = built(sources_with(tmp_path, ofac=(line,)))
    assert build.report["records_dropped"] == {"duplicate": {"OFAC": 1}}
    assert [row.key for row in build.rows] == ["ministry of defense legion export",
                                               "ministry of defense logistics export"]


# --- what a row says -----------------------------------------------------------------------------

CONFIDENCE = [
    # IEEE alone: the registrant's address, perhaps a plant abroad
    ("silverflare", "possible", "IEEE MA-L 444A65 (2024-05)", ("MA-L,444A65,Silverflare Ltd.,GB",), (), ()),
    # a listed company's own country
    ("simmtech", "probable", "FinanceDatabase 222800.KQ", (),
     ('222800.KQ,"SIMMTECH Co., Ltd.",KR,KOE,Semiconductors & Semiconductor Equipment',), ()),
    # a sanctioned entity with one address country
    ("1425 brickell ave 63 f", "probable", "OFAC SDN 20260 (2024-05-03)", (), (),
     ("20260,1425 BRICKELL AVE 63-F LLC,2024-05-03,SDNTK,US,,,Tax ID No. 71-1053365 (United States).",)),
    # IEEE and a listing agree
    ("aaeon technology", "probable", "FinanceDatabase 6579.TW; IEEE MA-L 000732 (2024-05)",
     ("MA-L,000732,AAEON Technology Inc.,TW",),
     ('6579.TW,AAEON Technology Inc.,TW,TAI,"Technology Hardware, Storage & Peripherals"',), ()),
]


@pytest.mark.parametrize(("key", "confidence", "source", "ieee", "equities", "ofac"), CONFIDENCE)
def test_confidence_and_source_follow_the_datasets(tmp_path: Path, key: str, confidence: str, source: str,
                                                   ieee: tuple[str, ...], equities: tuple[str, ...],
                                                   ofac: tuple[str, ...]) -> None:
    row = row_for(built(sources_with(tmp_path, ieee, equities, ofac)), key)
    assert row is not None
    assert (row["confidence"], row["source"]) == (confidence, source)


def test_a_row_lists_three_records_then_how_many_more(tmp_path: Path) -> None:
    lines = ("MA-L,189552,1MORE,CN", "MA-L,6CCE44,1MORE,CN", "MA-L,78A7EB,1MORE,CN", "MA-L,9C9789,1MORE,CN")
    row = row_for(built(sources_with(tmp_path, ieee=lines)), "1more")
    assert row == {"id": "r-1more", "name": "1MORE", "key": "1more", "country": "CN", "confidence": "possible",
                   "source": "IEEE MA-L 189552 (2024-05); IEEE MA-L 6CCE44 (2024-05); "
                             "IEEE MA-L 78A7EB (2024-05) and 1 more"}


def test_an_ofac_entity_places_its_aliases_and_former_names_too(tmp_path: Path) -> None:
    line = ("35901,IRKUT CORPORATION JOINT STOCK COMPANY,2024-05-03,RUSSIA-EO14024,RU,IRKUT CORP PJSC|"
            "IRKUT CORPORATION JOINT STOCK COMPANY|KORPORATSIYA IRKUT PAO,OAO SCIENTIFIC PRODUCTION CORPORATION IRKUT,"
            "Tax ID No. 3807002509 (Russia).")
    build = built(sources_with(tmp_path, ofac=(line,)))
    assert [(row.key, row.country, row.source) for row in build.rows] == [
        ("irkut corp pjsc", "RU", "OFAC SDN 35901 (2024-05-03)"),
        ("irkut corporation joint stock", "RU", "OFAC SDN 35901 (2024-05-03)"),
        ("korporatsiya irkut pao", "RU", "OFAC SDN 35901 (2024-05-03)"),
        ("scientific production corporation irkut", "RU", "OFAC SDN 35901 (2024-05-03)")]


def ieee_record(identity: str, name: str, country: str) -> Record:
    return Record(IEEE, f"IEEE {identity} (2024-05)", name, country)


NAMES = [
    # the spelling most records give, even when another sorts first
    ("Ambit Microsystems Corporation", [ieee_record("MA-L 00028A", "Ambit Microsystems Corporation", "TW"),
                                        ieee_record("MA-L 000E9B", "Ambit Microsystems Corporation", "TW"),
                                        ieee_record("MA-L 00D059", "AMBIT MICROSYSTEMS CORP.", "TW")]),
    # a tie goes to the first in sort order
    ("Arcos Technologies LTD", [ieee_record("IAB 0050C2874", "Arcos Technologies Ltd.", "IL"),
                                ieee_record("IAB 0050C2CD5", "Arcos Technologies Ltd.", "IL"),
                                ieee_record("IAB 0050C2E54", "Arcos Technologies LTD", "IL"),
                                ieee_record("IAB 0050C2F2F", "Arcos Technologies LTD", "IL")]),
]


@pytest.mark.parametrize(("name", "records"), NAMES)
def test_the_name_is_the_most_common_spelling(name: str, records: list[Record]) -> None:
    assert choose_name(records) == name


SLUGS = [
    ("aaeon technology", "r-aaeon-technology"),
    ("egalax_empia technology", "r-egalax-empia-technology"),
    ("1425 brickell ave 63 f", "r-1425-brickell-ave-63-f"),
]


@pytest.mark.parametrize(("key", "slug"), SLUGS)
def test_the_id_is_the_key_as_a_slug(key: str, slug: str) -> None:
    assert registry_slug(key) == slug


def test_two_keys_with_one_slug_are_numbered_in_key_order() -> None:
    # eGalax_eMPIA Technology Inc. (3556.TWO) keeps its underscore; written with a space it keys apart
    assert assign_ids(["egalax_empia technology", "egalax empia technology"]) == {
        "egalax empia technology": "r-egalax-empia-technology",
        "egalax_empia technology": "r-egalax-empia-technology-2"}


GENERIC = [
    ("gateway", True), ("tcl", True), ("advanced systems", True), ("10219452", True),
    ("general electric", True),
    ("silverflare", False), ("aaeon technology", False), ("1more", False),
    ("advanced information and communication technology center", False),
]


@pytest.mark.parametrize(("key", "generic"), GENERIC)
def test_generic_keys(key: str, generic: bool) -> None:
    assert is_generic_key(key, read_generic_words(SOURCES / "generic-words.txt")) is generic


LISTING_NAMES = [
    ("First Tractor Co., Ltd. Class H", "First Tractor Co., Ltd."),
    ("The Beachbody Company Inc. Class A Common Stock", "The Beachbody Company Inc."),
    ("Hon Hai Precision Industry Co., Ltd. Sponsored GDR RegS", "Hon Hai Precision Industry Co., Ltd."),
    ("LG Display Co, Ltd AMERICAN DEPOSITORY SHARES", "LG Display Co, Ltd"),
    ("Logitech International S.A. - Registered Shares", "Logitech International S.A."),
    ("IEIT SYSTEMS Co., Ltd.Class A", "IEIT SYSTEMS Co., Ltd."),
    ("Yangtze Optical Fibre And Cable Joint Stock Limited Company",
     "Yangtze Optical Fibre And Cable Joint Stock Limited Company"),
]


@pytest.mark.parametrize(("listed", "company"), LISTING_NAMES)
def test_a_listing_name_loses_its_share_class_tail(listed: str, company: str) -> None:
    assert listing_company_name(listed) == company


def test_write_registry_writes_what_the_build_holds(tmp_path: Path) -> None:
    build = built(sources_with(tmp_path, ieee=("MA-L,444A65,Silverflare Ltd.,GB",)))
    write_registry(build, tmp_path / "registry.csv", tmp_path / "report.json")
    assert (tmp_path / "registry.csv").read_bytes() == (
        b"id,name,key,country,confidence,source\n"
        b"r-silverflare,Silverflare Ltd.,silverflare,GB,possible,IEEE MA-L 444A65 (2024-05)\n")
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == report_json(build)


def test_the_entry_point_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build_main([str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"Error: no sources folder at {tmp_path / 'sources'}.")


def test_the_entry_point_rebuilds_a_catalogs_folder(tmp_path: Path) -> None:
    folder = sources_with(tmp_path, ieee=("MA-L,444A65,Silverflare Ltd.,GB",))
    assert build_main([str(folder)]) == 0
    assert (folder / "registry.csv").read_text(encoding="utf-8").splitlines()[1].startswith("r-silverflare,")
    assert (folder / "sources" / "registry-build.json").exists()


# --- the importers, on real lines of the downloads -----------------------------------------------

OUI_TEXT = """OUI/MA-L                                                    Organization
company_id                                                  Organization
                                                            Address

E4-F1-4C   (hex)\t\tPrivate
E4F14C     (base 16)\t\tPrivate

10-06-1C   (hex)\t\tEspressif Inc.
10061C     (base 16)\t\tEspressif Inc.
\t\t\t\tRoom 204, Building 2, 690 Bibo Rd, Pudong New Area
\t\t\t\tShanghai  Shanghai  201203
\t\t\t\tCN
"""
IAB_TEXT = """00-50-C2                      (hex)                         RF Code                                      \r
F71000-F71FFF                 (base 16)                     RF Code                                      \r
                                                            9229 Waterford Centre Blvd #500              \r
                                                            Austin  TX  78758                            \r
                                                            US                                           \r
"""


def test_ieee_assignments_keep_organisation_and_address_country() -> None:
    extract = ieee_extract(OUI_TEXT, IAB_TEXT)
    assert extract.rows == [("IAB", "0050C2F71", "RF Code", "US"), ("MA-L", "10061C", "Espressif Inc.", "CN")]
    assert extract.steps == [("assignments read", 3), ("without the 'Private' placeholder", 2)]


def fd_row(symbol: str, name: str, country: str, group: str, industry: str) -> dict[str, str]:
    return {"symbol": symbol, "name": name, "country": country, "industry_group": group, "industry": industry}


def test_equities_keep_home_listings_of_electronics_companies() -> None:
    files = {
        "JPX": [fd_row("6754.T", "Anritsu Corporation", "Japan", "Technology Hardware & Equipment",
                       "Electronic Equipment, Instruments & Components")],
        "HKG": [fd_row("0038.HK", "First Tractor Co., Ltd. Class H", "China", "Capital Goods", "Machinery")],
        # a foreign listing whose profile is another company's
        "BER": [fd_row("RHM.BE", "Rheinmetall AG", "United States", "Retailing", "Specialty Retail"),
                fd_row("ELG.BE", "ELMOS SEMICOND. INH O.N.", "Germany",
                       "Semiconductors & Semiconductor Equipment", "")],
        "SHZ": [fd_row("000002.SZ", "China Vanke Co., Ltd.", "China", "Real Estate",
                       "Real Estate Management & Development")],
    }
    exchanges = {"JPX": "JP", "HKG": "HK", "BER": "DE", "SHZ": "CN"}
    extract = equities_extract(files, exchanges, {})
    assert extract.rows == [
        ("0038.HK", "First Tractor Co., Ltd. Class H", "CN", "HKG", "Machinery"),
        ("6754.T", "Anritsu Corporation", "JP", "JPX", "Electronic Equipment, Instruments & Components")]
    assert [n for _, n in extract.steps] == [5, 3, 3, 3, 2]


SDN = [["306", "BANCO NACIONAL DE CUBA", "-0- ", "CUBA", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ",
        "a.k.a. 'BNC'."],
       ["2674", "ABBAS, Abu", "individual", "SDGT", "Director of PALESTINE LIBERATION FRONT - ABU ABBAS FACTION",
        "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "DOB 10 Dec 1948."],
       ["4238", "MAR AZUL", "vessel", "CUBA", "-0- ", "CL2192", "Tug", "-0- ", "212", "Cuba",
        "Samir de Navegacion S.A.", "-0- "]]
ADD = [["306", "199", "Zweierstrasse 35", "Zurich CH-8022", "Switzerland", "-0- "],
       ["306", "200", "Avenida de Concha Espina 8", "Madrid E-28036", "Spain", "-0- "],
       ["2674", "1832", "-0- ", "-0- ", "-0- ", "-0- "],
       ["49193", "74048", "Sh. Mateveevskoe, D. 28A, Pomeshch. 26", "Khabarovsk 680031", "Russia", "-0- "],
       ["49509", "74700", "21 Lenin Blvd., Apt. 24", "Minsk", "Belarus", "-0- "]]
ALT = [["306", "220", "aka", "NATIONAL BANK OF CUBA", "-0- "],
       ["2674", "1795", "aka", "ZAYDAN, Muhammad", "-0- "],
       ["49193", "76685", "aka", "LLC AERO-HIT", "-0- "],
       ["49509", "77230", "aka", "PERASIALIAK, Alena Aliaksandrauna", "-0- "]]


def test_ofac_keeps_entities_with_every_country_and_alias() -> None:
    extract = ofac_extract(SDN, ADD, ALT, {"Russia": "RU"})
    assert extract.rows == [
        ("306", "BANCO NACIONAL DE CUBA", "2024-05-03", "CUBA", "CH|ES", "NATIONAL BANK OF CUBA", "", "a.k.a. 'BNC'."),
        # designated after the primary list: capitals style and an address make it an entity
        ("49193", "", "2026-06", "", "RU", "LLC AERO-HIT", "", ""),
    ]


COUNTRY_NAMES = [("Korea, North", {"Korea, North": "KP"}, "KP"), ("Germany", {}, "DE"),
                 ("Kosovo", {"Kosovo": ""}, "Kosovo"), ("-0- ", {}, "")]


@pytest.mark.parametrize(("name", "overrides", "code"), COUNTRY_NAMES)
def test_country_names_become_iso_codes(name: str, overrides: dict[str, str], code: str) -> None:
    assert country_code(name, overrides) == code
