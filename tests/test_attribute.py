"""Attribute: company, owner and country on each basis; the input's own country never decides."""

from __future__ import annotations

import pytest

from bomtrace.analysis import analyze_line
from bomtrace.attribute import parse_country
from bomtrace.catalogs import Catalog
from tests.conftest import raw

BASES = [
    # fields, basis, company, owner, country, rule
    ({"part_number": "IRF540N"}, "brand", "International Rectifier", "Infineon Technologies", "US",
     "brand basis: the company marked on the part, though Infineon owns it"),
    ({"part_number": "IRF540N"}, "owner", "International Rectifier", "Infineon Technologies", "DE",
     "owner basis: the ultimate parent's country"),
    ({"part_number": "XC7Z020"}, "owner", "Xilinx", "AMD", "US", "owner in the same country"),
    ({"manufacturer": "NXP USA, Inc."}, "brand", "NXP USA, Inc.", "NXP Semiconductors", "US",
     "a named subsidiary is a company of its own"),
    ({"manufacturer": "NXP USA, Inc."}, "owner", "NXP USA, Inc.", "NXP Semiconductors", "NL",
     "the owner basis moves a subsidiary to its group's country"),
    ({"part_number": "STM32F405RGT6"}, "brand", "STMicroelectronics", "STMicroelectronics", "CH",
     "an independent company owns itself"),
    ({"part_number": "LM358"}, "brand", None, None, None, "unresolved lines have no company or country"),
]


@pytest.mark.parametrize("fields,basis,company,owner,country,rule", BASES, ids=[b[-1] for b in BASES])
def test_basis(mini: Catalog, fields: dict[str, str], basis: str, company: str | None, owner: str | None,
               country: str | None, rule: str) -> None:
    result = analyze_line(raw(**fields), mini, basis)  # type: ignore[arg-type]
    a = result.attribution
    assert (a.company, a.owner, a.country) == (company, owner, country)


def test_category_gives_hs6_and_chpl_tier(mini: Catalog) -> None:
    a = analyze_line(raw(part_number="STM32F405RGT6"), mini).attribution
    assert (a.category, a.hs6, a.chpl_tier) == ("mcu", "854231", "1")


def test_reported_country_is_compared_never_used(mini: Catalog) -> None:
    result = analyze_line(raw(part_number="STM32F405RGT6", country="US"), mini)
    assert result.attribution.country == "CH"
    assert "country_conflict" in result.flags
    agreeing = analyze_line(raw(part_number="STM32F405RGT6", country="Швейцарія"), mini)
    assert "country_conflict" not in agreeing.flags


@pytest.mark.parametrize("text,code", [
    ("US", "US"), ("us", "US"), ("US (Dallas-based)", "US"), ("Switzerland", "CH"), ("США", "US"),
    ("Китай", "CN"), ("Японія", "JP"), ("Germany / Poland / UK (as reported)", "DE"), ("", None),
    ("Hong Kong (Hong Kong-based)", "HK"), ("unknown", None),
])
def test_parse_country(text: str, code: str | None) -> None:
    assert parse_country(text) == code


def test_a_maker_placed_by_its_name_keeps_the_name_and_that_country(mini: Catalog) -> None:
    a = analyze_line(raw(manufacturer="HEBEI ATUN TRADING CO., LTD."), mini).attribution  # OFAC SDN 32313
    assert (a.company, a.company_id, a.owner, a.country) == (
        "HEBEI ATUN TRADING CO., LTD.", "name:hebei atun trading", "HEBEI ATUN TRADING CO., LTD.", "CN")
