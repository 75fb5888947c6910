"""Match: each method and confidence level, the ambiguous-generic rule, maker conflicts.

Every row is a real part in tests/fixtures/catalog-mini; each case states the rule it checks.
"""

from __future__ import annotations

import pytest

from bomtrace.catalogs import Catalog
from bomtrace.match import match_line, misread_like, resolve_maker
from bomtrace.normalize import parse_line
from tests.conftest import raw

CASES = [
    # fields, method, confidence, maker id, flags, rule
    ({"part_number": "STM32F405RGT6"}, "exact", "confirmed", "stmicroelectronics", (),
     "a long exact catalog part number is confirmed without a maker"),
    ({"part_number": "AD9364", "manufacturer": "Analog Devices"}, "exact", "confirmed", "analog-devices", (),
     "an exact part whose maker agrees is confirmed"),
    ({"part_number": "ADR03"}, "exact", "probable", "analog-devices", (),
     "a short exact part number (under six characters) without a maker is probable"),
    ({"marking": "CAN transceiver VP230 27M APP2"}, "marking-code", "probable", "texas-instruments", (),
     "a top-marking code alone is probable"),
    ({"marking": "VP230", "manufacturer": "Texas Instruments"}, "marking-code", "confirmed",
     "texas-instruments", (), "a top-marking code with its maker is confirmed"),
    ({"part_number": "SN65HVD230DR"}, "base-part", "probable", "texas-instruments", (),
     "a catalog part plus an ordering suffix is probable"),
    ({"part_number": "TPS54331DR", "manufacturer": "TI"}, "base-part", "confirmed", "texas-instruments", (),
     "a base part with its maker (by abbreviation) is confirmed"),
    ({"marking": "RF transceiver AD 9364BBCZ #2116"}, "base-part", "probable", "analog-devices", (),
     "a space inside the marking is closed up"),
    ({"part_number": "STM32F1O3C8T6"}, "misread", "possible", "stmicroelectronics", ("misread",),
     "a look-alike misread without a maker is possible"),
    ({"part_number": "STM32F1O3C8T6", "manufacturer": "ST"}, "misread", "probable", "stmicroelectronics",
     ("misread",), "a misread whose maker agrees is probable"),
    ({"part_number": "XC7Z020-1CLG400C"}, "base-part", "probable", "xilinx", (),
     "a dash lets a base part end next to a number: XC7Z020 with speed grade and package -1CLG400C"),
    ({"part_number": "XC7Z0201CLG400C"}, "family", "probable", "xilinx", (),
     "without the dash the cut would split the number 0201, so only the family-level reading remains"),
    ({"part_number": "NED-M8N", "manufacturer": "u-blox"}, "misread", "probable", "u-blox", ("misread",),
     "look-alike groups are symmetric: D may stand for O"),
    ({"part_number": "STM32F405"}, "truncated", "probable", "stmicroelectronics", (),
     "a truncated part number that begins catalog parts of one maker is probable"),
    ({"part_number": "STM32F407VGT6"}, "family", "probable", "stmicroelectronics", (),
     "an unambiguous family prefix of four characters or more is probable"),
    ({"part_number": "XC7Z045"}, "family", "probable", "xilinx", (),
     "Zynq family prefix"),
    ({"part_number": "ADXL362BCCZ"}, "family", "probable", "analog-devices", (),
     "ADXL family names ADI"),
    ({"marking": "SoC XILINX ZYNQ XC7Z020 CLG484"}, "exact", "confirmed", "xilinx", (),
     "a brand named on the marking counts as the maker named"),
    ({"part_number": "LM358"}, "exact", "unresolved", None, ("ambiguous_part",),
     "a multi-source generic part stays unresolved without a maker"),
    ({"part_number": "LM2596S-5.0"}, "base-part", "unresolved", None, ("ambiguous_part",),
     "a part listed under one maker but in a family several makers share stays ambiguous"),
    ({"part_number": "LM2596S-5.0", "manufacturer": "TI"}, "base-part", "confirmed", "texas-instruments",
     ("shared_family",), "the maker named decides a shared-family part, flagged for review"),
    ({"part_number": "MAX8903A"}, "exact", "confirmed", "maxim-integrated", (),
     "a part in a prefix family two makers use for different parts keeps its own maker"),
    ({"part_number": "MAX8999"}, "family", "unresolved", None, ("ambiguous_part",),
     "a prefix two makers use decides nothing alone"),
    ({"part_number": "LM358", "manufacturer": "onsemi"}, "exact", "confirmed", "onsemi", ("shared_family",),
     "a multi-source part is decided by the maker named, flagged for review"),
    ({"part_number": "LM2904", "manufacturer": "Texas Instruments"}, "family", "probable",
     "texas-instruments", ("shared_family",), "an ambiguous family is decided by a maker named among its makers"),
    ({"part_number": "LM2904", "manufacturer": "u-blox"}, "maker-name", "probable", "u-blox",
     ("ambiguous_part",), "an ambiguous family with another maker named: the name decides, flagged"),
    ({"part_number": "LM2904"}, "family", "unresolved", None, ("ambiguous_part",),
     "an ambiguous family prefix decides nothing alone"),
    ({"part_number": "IRF540N", "manufacturer": "NXP"}, "maker-name", "possible", "nxp", ("maker_conflict",),
     "a maker named that disagrees with the part's maker is kept, flagged and lowered"),
    ({"marking": "VP230", "manufacturer": "u-blox"}, "maker-name", "probable", "u-blox", ("marking_disagrees",),
     "a top-marking code is no orderable number: the maker named stands, flagged for review"),
    ({"part_number": "STM32F407VGT6", "manufacturer": "NXP"}, "maker-name", "probable", "nxp",
     ("marking_disagrees",), "a family prefix does not contradict a maker named either: flagged, not lowered"),
    ({"part_number": "HS-5085MG", "manufacturer": "Texas Instruments"}, "maker-name", "probable",
     "texas-instruments", (), "weak evidence (a two-letter family) does not contradict a maker named"),
    ({"part_number": "MAX3232ECPE+", "manufacturer": "Analog Devices"}, "base-part", "confirmed",
     "analog-devices", (), "the owner named for a brand's part is the same group: the source's name is kept"),
    ({"part_number": "IRF540NPBF", "manufacturer": "International Rectifier (Infineon Technologies)"},
     "base-part", "confirmed", "international-rectifier", (), "the brand named, owner in brackets"),
    ({"manufacturer": "Texas Instruments Incorporated"}, "maker-name", "probable", "texas-instruments", (),
     "a maker named without a part resolves the company at probable"),
    ({"manufacturer": "Тексас Інструментс"}, "maker-name", "probable", "texas-instruments", (),
     "a Cyrillic maker name resolves through its alias"),
    ({"manufacturer": "Texas Instrument"}, "maker-name", "possible", "texas-instruments", (),
     "a near maker name resolves fuzzily at possible"),
    ({"manufacturer": "Acme Widgets"}, "none", "unresolved", None, ("unknown_maker",),
     "an unknown maker is unresolved and flagged"),
    ({"manufacturer": "HEBEI ATUN TRADING CO., LTD."}, "name-evidence", "possible", "name:hebei atun trading",
     ("unknown_maker",), "a maker no catalog knows, placed by the province its name starts with (OFAC SDN 32313)"),
    ({"part_number": "LM358", "manufacturer": "HEBEI ATUN TRADING CO., LTD."}, "name-evidence", "possible",
     "name:hebei atun trading", ("unknown_maker", "ambiguous_part"),
     "a generic part and a maker known only by its name: the name decides, at possible"),
    ({"manufacturer": "Phoenix Contact"}, "none", "unresolved", None, ("unknown_maker",),
     "a Western place in a company's name tells nothing (Phoenix Contact is German)"),
    ({"manufacturer": "Not identified", "marking": "Capacitor"}, "none", "unresolved", None, (),
     "'Not identified' names no maker"),
    ({"part_number": "1.5SMC68CA"}, "none", "unresolved", None, (),
     "a number that differs is a different part: 6.8 is not 68"),
    ({"part_number": "1.5SMC6.8CA"}, "exact", "confirmed", "littelfuse", (), "dots are kept in keys"),
    ({"part_number": "NEO-M8N-0-10"}, "base-part", "probable", "u-blox", (), "u-blox ordering code"),
    ({"part_number": "NEOM8Q"}, "family", "probable", "u-blox", (),
     "a dash inside a family prefix may be left out (NEOM8Q is a NEO-M8 part)"),
    ({"part_number": "HS-5085MG"}, "family", "possible", "hitec", (),
     "a prefix ending in a dash matches the printed dash"),
    ({"part_number": "HSM7990"}, "none", "unresolved", None, (),
     "a prefix ending in a dash needs the dash: HSM7990 is not an HS- part"),
    ({"marking": "RF driver amplifier ADL 5321"}, "exact", "probable", "analog-devices", (),
     "a number that also reads as a date code joins its prefix as a last resort, at most probable"),
    ({"marking": "RF driver amplifier ADL 5321", "manufacturer": "ADI"}, "exact", "confirmed",
     "analog-devices", (), "a last-resort join whose maker agrees is confirmed"),
    ({"marking": "STM32F407VGT6 ADL 5321"}, "family", "probable", "stmicroelectronics", (),
     "a last-resort join is not tried when another candidate gives evidence"),
    ({"marking": "Power MOSFET Infineon 1935"}, "keyword", "probable", "infineon", (),
     "a maker's own distinctive name in the marking names it, listed as a keyword or not"),
    ({"marking": "Тексас Інструментс LM358"}, "exact", "confirmed", "texas-instruments", ("shared_family",),
     "a maker named in Cyrillic in the marking decides a generic part, flagged for review"),
    ({"marking": "VP230 TI"}, "marking-code", "probable", "texas-instruments", (),
     "a logo printed as text that agrees with the part supports it, never beyond probable"),
    ({"marking": "VP230 ST"}, "marking-code", "probable", "texas-instruments", ("logo_disagrees",),
     "a logo that disagrees with the part's evidence does not overrule it: flagged"),
    ({"marking": "Microcontroller ST"}, "logo", "possible", "stmicroelectronics", (),
     "a logo alone is possible"),
    ({"marking": "Microcontroller st"}, "none", "unresolved", None, (),
     "a logo counts only as printed, in capitals"),
]


@pytest.mark.parametrize("fields,method,confidence,maker,flags,rule", CASES, ids=[c[-1] for c in CASES])
def test_match_rules(mini: Catalog, fields: dict[str, str], method: str, confidence: str,
                     maker: str | None, flags: tuple[str, ...], rule: str) -> None:
    line = raw(**fields)
    match = match_line(parse_line(line, mini.keyword_maker), line.get("manufacturer"), mini)
    assert (match.method, match.confidence, match.manufacturer, match.flags) == (method, confidence, maker,
                                                                                 flags)
    assert match.detail


def test_every_match_explains_itself_and_names_its_source(mini: Catalog) -> None:
    line = raw(part_number="SN65HVD230DR")
    match = match_line(parse_line(line), "", mini)
    assert match.detail == "'SN65HVD230DR' is SN65HVD230 with ordering suffix 'DR'"
    assert match.source == "https://www.ti.com/product/SN65HVD230"
    assert match.catalog_part == "SN65HVD230"
    assert match.score == 96.0


def test_runner_up_names_the_other_maker_of_a_generic_part(mini: Catalog) -> None:
    line = raw(part_number="LM358", manufacturer="STMicroelectronics")
    match = match_line(parse_line(line), line.get("manufacturer"), mini)
    assert match.runner_up == "LM358 by onsemi (exact 100)"


@pytest.mark.parametrize("a,b,allowed", [
    ("ATMEGA3282", "ATMEGA328P", True),
    ("STM32F1O3C8T6", "STM32F103C8T6", True),
    ("1.5SMC68CA", "1.5SMC6.8CA", False),
    ("LM2596", "LM2576", False),
    ("TPS54331", "TPS5433", False),
    ("ADV7180W", "ADV7180", True),
])
def test_fuzzy_allows_only_misread_like_edits(a: str, b: str, allowed: bool) -> None:
    assert misread_like(a, b) is allowed


@pytest.mark.parametrize("name,maker,how", [
    ("International Rectifier (Infineon Technologies)", "international-rectifier", "name"),
    ("NXP USA, Inc.", "nxp-usa", "name"),
    ("Maxim Integrated Products (Analog Devices)", "maxim-integrated", "name"),
    ("Foo Bar (Infineon Technologies)", "infineon", "bracket"),
    ("not identified", None, None),
])
def test_resolve_maker(mini: Catalog, name: str, maker: str | None, how: str | None) -> None:
    found = resolve_maker(name, mini)
    assert (found.maker, found.how) == (maker, how) if found else maker is None


def test_a_line_offers_the_makers_its_evidence_names(mini: Catalog) -> None:
    parsed = parse_line(raw(part_number="LM358"), mini.keyword_maker)
    options = match_line(parsed, "", mini).maker_options
    assert len(options) >= 2 and {"texas-instruments", "onsemi"} <= {o.id for o in options}
    named = match_line(parse_line(raw(part_number="IRF540N"), mini.keyword_maker), "NXP", mini).maker_options
    assert [o.id for o in named][:2] == ["nxp", "international-rectifier"]
    assert named[0].country == "NL"


def test_misread_variants_given_up_early_are_exactly_those_no_catalog_key_begins_like() -> None:
    from bomtrace.match import misread_variants

    wanted = ("STM32F103", "STM32F1O3", "5TM")
    def viable(prefix: str) -> bool:
        return any(k.startswith(prefix) for k in wanted)
    every = list(misread_variants("STM32F1O3C8T6"))
    kept = list(misread_variants("STM32F1O3C8T6", viable=viable))
    assert kept == [(v, s) for v, s in every if all(viable(v[:i + 1]) for i, _, _ in s)]
    assert ("STM32F103C8T6", [(7, "O", "0")]) in kept and len(kept) < len(every) / 5
