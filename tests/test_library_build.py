"""The tables built from the open parts libraries (catalogs/parts.libraries.csv, families.libraries.csv):
rebuilt from the repository's own extracts they are the shipped tables byte for byte; the domain,
wildcard, part-number and family rules, on real symbols and parts of the three libraries."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bomtrace import resources
from bomtrace.build.libraries import (
    FAMILIES_FILE,
    PARTS_FILE,
    REPORT_FILE,
    _State,
    accept_parts,
    build_libraries,
    curated_catalog,
    derive_families,
    read_tables,
    row_maker,
    write_libraries,
)
from bomtrace.build.library_rules import (
    Claim,
    Tables,
    datasheet_names,
    domain_maker,
    is_clone_designation,
    looks_like_part_number,
    natural_prefix,
    wildcard_stem,
)
from bomtrace.build.library_sources import (
    DIGIKEY,
    JLCPCB,
    KICAD,
    LibraryRow,
    parse_dcm,
    parse_kicad_sym,
    parse_lib_fields,
)
from bomtrace.catalogs import Catalog
from bomtrace.normalize import part_key

SHIPPED = resources.catalogs_dir()
SOURCES = SHIPPED / "sources"


@pytest.fixture(scope="module")
def tables() -> Tables:
    return read_tables(SOURCES)


@pytest.fixture(scope="module")
def curated() -> Catalog:
    return curated_catalog(SHIPPED)


def test_a_rebuild_from_the_repository_is_the_shipped_tables_byte_for_byte(tmp_path: Path) -> None:
    write_libraries(build_libraries(SOURCES, SHIPPED), tmp_path, tmp_path / REPORT_FILE.name)
    for name in (PARTS_FILE, FAMILIES_FILE):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    assert (tmp_path / REPORT_FILE.name).read_bytes() == (SOURCES / REPORT_FILE).read_bytes()


# --- the domain rule -----------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "maker"), [
    ("http://www.ti.com/lit/ds/symlink/tps54331.pdf", "texas-instruments"),
    ("http://ww1.microchip.com/downloads/en/DeviceDoc/39887c.pdf", "microchip"),
    ("https://www.analog.com/media/en/technical-documentation/data-sheets/AD8422.pdf", "analog-devices"),
    ("https://assets.nexperia.com/documents/data-sheet/PESD1CAN-U.pdf", "nexperia"),
    ("http://www.st.com/st-web-ui/static/active/en/resource/technical/document/datasheet/CD00251732.pdf",
     "stmicroelectronics"),
    # distributors and datasheet aggregators name no maker
    ("https://www.mouser.com/datasheet/2/308/MJE13003-D-1811484.pdf", ""),
    ("https://media.digikey.com/pdf/Data%20Sheets/Texas%20Instruments%20PDFs/TMP006(B).pdf", ""),
    ("https://www.lcsc.com/datasheet/lcsc_datasheet_2304140030_Nexperia-74HC08D-653_C5593.pdf", ""),
    ("https://datasheet.lcsc.com/szlcsc/Nexperia-74HC08D-653_C5593.pdf", ""),
    ("http://pdf1.alldatasheet.com/datasheet-pdf/view/1/NEC/UPD7759C.html", ""),
    ("https://www.tme.eu/Document/datasheet.pdf", ""),
    ("http://www.farnell.com/datasheets/1697389.pdf", ""),
    ("https://www.datasheetspdf.com/pdf/1/2/3.pdf", ""),
    # a host the table does not list, or none at all
    ("http://www.hiqsdr.com/images/3/3e/Si570.pdf", None),
    ("http://notmicrochip.com/x.pdf", None),
    ("~", None),
    ("", None),
])
def test_only_a_makers_own_domain_names_the_maker(url: str, maker: str | None, tables: Tables) -> None:
    assert domain_maker(url, tables.domains) == maker


def test_every_maker_the_reviewed_tables_name_is_a_curated_maker(tables: Tables, curated: Catalog) -> None:
    named = set(tables.domains.values()) | {m for t in tables.maker_fields.values() for m in t.values()}
    assert sorted(named - {""} - set(curated.manufacturers)) == []


def test_every_category_the_table_names_is_a_catalog_category(tables: Tables, curated: Catalog) -> None:
    assert sorted(set(tables.categories.values()) - {""} - set(curated.categories)) == []


def kicad_row(name: str, datasheet: str) -> LibraryRow:
    return LibraryRow(KICAD, name, "", datasheet, "Regulator_Switching", "", "Regulator_Switching.lib", "4e17d7595f96")


@pytest.mark.parametrize(("row", "maker", "reason"), [
    (kicad_row("TPS54331", "http://www.ti.com/lit/ds/symlink/tps54331.pdf"), "texas-instruments", ""),
    (kicad_row("MJE13003", "https://www.mouser.com/datasheet/2/308/MJE13003-D-1811484.pdf"), None,
     "datasheet-domain-not-a-makers"),
    (kicad_row("Si570", "http://www.hiqsdr.com/images/3/3e/Si570.pdf"), None, "datasheet-domain-not-listed"),
    (LibraryRow(DIGIKEY, "TPS2051BDBVR", "Texas Instruments",
                "http://www.ti.com/general/docs/suppproductinfo.tsp?distId=10&gotoUrl=http%3A%2F%2Fwww.ti.com",
                "PMIC-Power-Distribution-Switches-Load-Drivers", "", "dk_PMIC.lib", "d4bd68f42e6c"),
     "texas-instruments", ""),
    # Digi-Key's maker field, but a datasheet on another maker's site: neither is trusted
    (LibraryRow(DIGIKEY, "TPS2051BDBVR", "Texas Instruments", "https://www.st.com/resource/en/datasheet/x.pdf",
                "PMIC-Power-Distribution-Switches-Load-Drivers", "", "dk_PMIC.lib", "d4bd68f42e6c"),
     None, "datasheet-domain-names-another-maker"),
    (LibraryRow(JLCPCB, "SMAJ20CA", "hongjiacheng", "https://wmsc.lcsc.com/x.pdf", "Diodes,Zener Diodes", "",
                "symbols/JLCPCB-Diodes.kicad_sym", "e37fb96f4a4b"), None, "maker-not-in-catalog"),
])
def test_a_rows_maker_comes_only_from_the_reviewed_tables(row: LibraryRow, maker: str | None, reason: str,
                                                          tables: Tables, curated: Catalog) -> None:
    assert row_maker(row, tables, curated) == (maker, reason)


# --- the wildcard and part-number rules -----------------------------------------------------------

@pytest.mark.parametrize(("name", "stem"), [
    ("STM32F103C8Tx", "STM32F103C8T"),
    ("MCP6002-xSN", "MCP6002"),
    ("OPA2333xxDGK", "OPA2333"),
    ("LTC6102HVxDD", "LTC6102HV"),
    ("ATxmega128A1U-AU", None),  # Atmel prints the lower-case x
    ("ATmega328P-AU", None),
    ("TPS54331", None),
])
def test_kicads_lower_case_x_is_a_wildcard_not_a_part_number(name: str, stem: str | None) -> None:
    assert wildcard_stem(name) == stem


def test_no_shipped_part_number_holds_a_kicad_wildcard() -> None:
    with (SHIPPED / PARTS_FILE).open(encoding="utf-8", newline="") as handle:
        numbers = [r["part_number"] for r in csv.DictReader(handle) if r["source"].startswith("KiCad")]
    assert len(numbers) > 1000
    assert [n for n in numbers if "x" in n.replace("ATxmega", "")] == []


@pytest.mark.parametrize(("name", "library", "is_part"), [
    ("TPS54331", KICAD, True),
    ("ATmega328P-AU", KICAD, True),
    ("R_Small", KICAD, False),
    ("C_Small", KICAD, False),
    ("Conn_01x04", KICAD, False),
    ("Opamp_Dual", KICAD, False),
    ("LTC2309_QFN", KICAD, False),  # a KiCad variant name, not as the maker prints it
    ("555", KICAD, False),
    ("SFH 203 FA", DIGIKEY, True),
])
def test_a_part_row_needs_a_name_that_is_a_part_number(name: str, library: str, is_part: bool) -> None:
    assert looks_like_part_number(name, library) is is_part


@pytest.mark.parametrize(("key", "clone"), [
    ("LM358", True), ("74HC00", True), ("BC847", True), ("2N2222", True), ("1N4148", True), ("S8050", True),
    ("TPS54331", False), ("ATMEGA328P", False), ("BSC030N08NS5", False), ("SST25VF016B", False),
])
def test_multi_source_designations_are_known(key: str, clone: bool, tables: Tables) -> None:
    assert is_clone_designation(key, tables.clones) is clone


@pytest.mark.parametrize(("key", "prefix"), [
    ("TPS54331", "TPS54"), ("ATMEGA328PAU", "ATMEGA32"), ("74HC00", None), ("ADT1.51", None), ("AD8", None),
])
def test_a_series_prefix_is_the_leading_letters_and_two_more(key: str, prefix: str | None) -> None:
    assert natural_prefix(key) == prefix


def test_a_datasheet_url_names_a_prefix_when_it_spells_it() -> None:
    assert datasheet_names("https://www.silabs.com/documents/public/data-sheets/Si824x.pdf", "SI82")
    assert not datasheet_names("https://www.onsemi.com/pub/Collateral/NCD5702-D.PDF", "SI82")


# --- parts and families from real library rows -----------------------------------------------------

def claim(number: str, maker: str, category: str, library: str = KICAD, datasheet: str = "") -> Claim:
    return Claim(number, part_key(number), maker, category, "", f"test {number}", library, datasheet)


# KiCad/kicad-symbols@4e17d75 Analog_DAC/Regulator_Switching and RF_Filter: three ADI ADP2108 regulators
# and Mini-Circuits' ADP-2-1W power splitter, whose key ADP21W starts with ADI's series prefix ADP21.
ADP2108 = [claim(n, "analog-devices", "power-ic", datasheet="https://www.analog.com/media/en/"
                 "technical-documentation/data-sheets/ADP2108.pdf")
           for n in ("ADP2108AUJ-1.0", "ADP2108AUJ-1.1", "ADP2108AUJ-1.2")]
ADP_2_1W = claim("ADP-2-1W", "mini-circuits", "filter", datasheet="https://www.minicircuits.com/pdfs/ADP-2-1W+.pdf")


def families_of(claims: list[Claim], curated: Catalog, tables: Tables) -> dict[str, str]:
    state = _State(claims=list(claims))
    _, attested = accept_parts(state, curated, tables)
    return {f.key: f.maker for f in derive_families(state, attested, curated, tables)}


def test_three_parts_of_one_maker_make_a_family(curated: Catalog, tables: Tables) -> None:
    assert families_of(ADP2108, curated, tables) == {"ADP21": "analog-devices"}


def test_a_prefix_another_makers_real_part_starts_with_is_no_family(curated: Catalog, tables: Tables) -> None:
    state = _State(claims=[*ADP2108, ADP_2_1W])
    _, attested = accept_parts(state, curated, tables)
    assert derive_families(state, attested, curated, tables) == []
    assert state.dropped["families"]["shared-prefix:a-library-part-of-another-maker-starts-with-it"] == 1


def test_a_prefix_nested_in_another_makers_curated_family_is_no_family(curated: Catalog, tables: Tables) -> None:
    """The curated MAX8 family is Maxim's and u-blox's (MAX-8 modules): Maxim's MAX86xx parts make no
    family of their own under it."""
    maxim = [claim(n, "maxim-integrated", "sensor-ic") for n in ("MAX86140", "MAX86141", "MAX86150")]
    state = _State(claims=maxim)
    _, attested = accept_parts(state, curated, tables)
    assert len(attested) == 3
    assert derive_families(state, attested, curated, tables) == []
    assert state.dropped["families"]["shared-prefix:nests-with-another-makers-curated-family"] == 1


def test_two_makers_claiming_one_part_number_drop_it_unless_generic(curated: Catalog, tables: Tables) -> None:
    """KiCad links REF02 symbols to TI's and to ADI's datasheets; REF02 is no curated generic family."""
    ti = claim("REF02AU", "texas-instruments", "power-ic", datasheet="http://www.ti.com/lit/ds/symlink/ref02.pdf")
    adi = claim("REF02AU", "analog-devices", "power-ic", datasheet="https://www.analog.com/REF01_02_03.pdf")
    state = _State(claims=[ti, adi])
    accepted, _ = accept_parts(state, curated, tables)
    assert accepted == []
    assert state.dropped[KICAD]["claimed-by-another-maker"] == 2


def test_a_symbol_linking_another_makers_datasheet_in_a_contested_series_is_dropped(
        curated: Catalog, tables: Tables) -> None:
    """KiCad's Si8244BB (a Silicon Labs driver) links onsemi's NCD5702 datasheet; Si8241BB links Si824x.pdf."""
    silabs = claim("Si8241BB", "silicon-labs", "amplifier",
                   datasheet="https://www.silabs.com/documents/public/data-sheets/Si824x.pdf")
    wrong = claim("Si8244BB", "onsemi", "amplifier", datasheet="https://www.onsemi.com/pub/Collateral/NCD5702-D.PDF")
    accepted, _ = accept_parts(_State(claims=[silabs, wrong]), curated, tables)
    assert [(c.part_number, c.maker) for c in accepted] == [("Si8241BB", "silicon-labs")]


def test_shipped_library_families_hold_no_part_of_another_maker(shipped: Catalog) -> None:
    with (SHIPPED / FAMILIES_FILE).open(encoding="utf-8", newline="") as handle:
        families = {part_key(r["prefix"]): r["manufacturer"] for r in csv.DictReader(handle)}
    assert len(families) > 1000
    wrong = [(key, maker, part.part_number, part.manufacturer) for key, maker in families.items()
             for k in shipped.keys_starting_with(key) for part in shipped.by_key.get(k) or ()
             if part.manufacturer != maker]
    assert wrong == []


def test_shipped_library_families_are_never_generic_and_name_one_maker() -> None:
    with (SHIPPED / FAMILIES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["ambiguous"] for r in rows} == {"no"}
    assert [r["prefix"] for r in rows if "|" in r["manufacturer"]] == []


# --- the parsers, on real text of the snapshots ----------------------------------------------------

DCM = """EESchema-DOCLIB  Version 2.0
#
$CMP STM32F100C4Tx
D ARM Cortex-M3 MCU, 16KB flash, 4KB RAM, 24MHz, 2-3.6V, 37 GPIO, LQFP-48
K ARM Cortex-M3 STM32F1 STM32F100 Value Line
F http://www.st.com/st-web-ui/static/active/en/resource/technical/document/datasheet/CD00251732.pdf
$ENDCMP
#
#End Doc Library
"""

LIB = '''EESchema-LIBRARY Version 2.3
#
# NX3225GD-8MHZ-STD-CRA-3
#
DEF NX3225GD-8MHZ-STD-CRA-3 U 0 40 Y Y 1 F N
F0 "XTAL" 0 150 50 H V C C N N
F5 "NX3225GD-8MHZ-STD-CRA-3" 200 500 60 H I L CNN "MPN"
F11 "NDK America, Inc." 200 1100 60 H I L CNN "Manufacturer"
ENDDEF
'''

KICAD_SYM = '''(kicad_symbol_lib
	(version 20231120)
	(symbol "Gate, AND, 4 Channel, 74HC08D,653"
		(property "Datasheet" "https://www.lcsc.com/datasheet/x.pdf"
			(at -2.286 0.127 0)
		)
		(property "Manufacturer" "Nexperia"
			(at 0 0 0)
		)
		(property "Part" "74HC08D,653"
			(at 0 0 0)
		)
		(symbol "Gate, AND, 4 Channel, 74HC08D,653_0_1"
			(property "Part" "not this one")
		)
	)
)
'''


def test_the_parsers_read_each_librarys_own_format() -> None:
    assert list(parse_dcm(DCM)) == [("STM32F100C4Tx", ("http://www.st.com/st-web-ui/static/active/en/resource/"
                                     "technical/document/datasheet/CD00251732.pdf"),
                                     "ARM Cortex-M3 MCU, 16KB flash, 4KB RAM, 24MHz, 2-3.6V, 37 GPIO, LQFP-48")]
    fields = next(parse_lib_fields(LIB))
    assert (fields["name"], fields["MPN"], fields["Manufacturer"]) == (
        "NX3225GD-8MHZ-STD-CRA-3", "NX3225GD-8MHZ-STD-CRA-3", "NDK America, Inc.")
    assert list(parse_kicad_sym(KICAD_SYM)) == [{"name": "Gate, AND, 4 Channel, 74HC08D,653", "Part": "74HC08D,653",
                                                 "Datasheet": "https://www.lcsc.com/datasheet/x.pdf",
                                                 "Manufacturer": "Nexperia"}]


def test_every_part_row_cites_its_library_file_and_licence() -> None:
    with (SHIPPED / PARTS_FILE).open(encoding="utf-8", newline="") as handle:
        sources = [r["source"] for r in csv.DictReader(handle)]
    pattern = re.compile(r"^(KiCad symbols 2020 \(CC-BY-SA 4\.0\), KiCad/kicad-symbols"
                         r"|Digi-Key KiCad library 2022 \(CC-BY-SA 4\.0\), Digi-Key/digikey-kicad-library"
                         r"|JLCPCB KiCad library 2026 \(MIT\), CDFER/JLCPCB-Kicad-Library)@[0-9a-f]{12} \S")
    assert [s for s in sources if not pattern.match(s)] == []
