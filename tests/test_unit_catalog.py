"""A unit's own makers: added with a sourced country, refused when the name is taken (the maker that
has it is named), edited and retired by id, validated and layered like any catalog folder.

The makers added here are real companies (OFAC SDN entries, see tests/cases/name_evidence.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bomtrace.catalogs import Catalog, load_catalogs, validate_folder
from bomtrace.match import resolve_maker
from bomtrace.unit_catalog import (
    MakerError,
    UnitMaker,
    add_maker,
    edit_maker,
    read_makers,
    retire_maker,
    version,
)
from tests.conftest import MINI

BIGUANG = UnitMaker("SHENZHEN BIGUANG TRADING CO., LTD", "cn", "OFAC SDN list entry 47702 (address: China)")


def test_an_added_maker_is_offered_to_every_later_case(tmp_path: Path, mini: Catalog) -> None:
    folder = tmp_path / "unit"
    added = add_maker(folder, BIGUANG, mini)
    assert (added.id, added.country) == ("u-shenzhen-biguang-trading-co-ltd", "CN")
    assert version(folder) == 1 and validate_folder(folder) == []
    layered = load_catalogs([MINI, folder], shipped=False, cache=False)
    found = resolve_maker("Shenzhen Biguang Trading", layered)
    assert found is not None and found.maker == added.id
    assert [c.name for c in layered.infos][-1] == "unit"


@pytest.mark.parametrize("maker,field,message", [
    (UnitMaker("", "CN", "x"), "name", "The maker's name is empty"),
    (UnitMaker("Shenzhen Biguang", "XX", "x"), "country", "'XX' is not a country code"),
    (UnitMaker("Shenzhen Biguang", "CN", " "), "source", "The source is empty"),
    (UnitMaker("Texas Instruments Inc.", "US", "x"), "name", ("'Texas Instruments Inc.' is already the name of "
     "Texas Instruments (US, texas-instruments)")),
    (UnitMaker("Shenzhen Biguang", "CN", "x", aliases=("TI",)), "aliases", ("'TI' is already the name of Texas "
     "Instruments (US, texas-instruments)")),
])
def test_a_bad_maker_is_refused_naming_the_field(tmp_path: Path, mini: Catalog, maker: UnitMaker, field: str,
                                                  message: str) -> None:
    with pytest.raises(MakerError) as error:
        add_maker(tmp_path / "unit", maker, mini)
    assert error.value.field == field and error.value.what.startswith(message)
    assert read_makers(tmp_path / "unit") == []


def test_a_maker_is_edited_and_retired_by_id(tmp_path: Path, mini: Catalog) -> None:
    folder = tmp_path / "unit"
    added = add_maker(folder, BIGUANG, mini)
    with pytest.raises(MakerError):
        add_maker(folder, UnitMaker("Shenzhen Biguang Trading Co Ltd", "CN", "x"), mini)  # the unit has it
    edited = edit_maker(folder, added.id, UnitMaker(BIGUANG.name, "CN", BIGUANG.source, aliases=("Biguang",)), mini)
    assert (edited.id, edited.aliases) == (added.id, ("Biguang",))
    assert retire_maker(folder, added.id).id == added.id
    assert read_makers(folder) == [] and version(folder) == 3


def test_a_layer_over_any_catalog_names_the_unit_makers_and_leaves_the_base_alone(tmp_path: Path,
                                                                                  mini: Catalog) -> None:
    from bomtrace.unit_catalog import layered

    folder = tmp_path / "unit"
    assert layered(mini, folder) is mini
    added = add_maker(folder, BIGUANG, mini)
    unit = layered(mini, folder)
    found = resolve_maker("SHENZHEN BIGUANG TRADING CO., LTD", unit)
    assert found is not None and unit.maker(found.maker).country == "CN"
    assert resolve_maker("SHENZHEN BIGUANG TRADING CO., LTD", mini) is None
    assert [(c.name, c.version, c.entries) for c in unit.infos][-1] == ("unit", "1", 1)
    assert added.id not in mini.manufacturers
