"""The shipped catalogs: valid, unique, consistent, sourced; user catalogs layer over them."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bomtrace import resources
from bomtrace.catalogs import (
    TABLES,
    Catalog,
    Manufacturer,
    load_catalogs,
    names_in_text,
    read_meta,
    table_files,
    validate_folder,
)
from bomtrace.countries import is_country
from bomtrace.errors import CatalogError
from bomtrace.normalize import maker_key
from tests.conftest import MINI

SHIPPED = resources.catalogs_dir()


def rows(table: str) -> list[dict[str, str]]:
    found = []
    for path in table_files(SHIPPED, table):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == TABLES[table], path.name
            found.extend(reader)
    return found


def test_shipped_catalog_validates() -> None:
    assert validate_folder(SHIPPED) == []


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_row_has_a_source(table: str) -> None:
    missing = [r for r in rows(table) if not (r.get("source") or "").strip()]
    assert missing == []


def test_manufacturer_ids_unique_and_countries_iso() -> None:
    makers = rows("manufacturers")
    assert [i for i, n in Counter(r["id"] for r in makers).items() if n > 1] == []
    assert [r["id"] for r in makers if not is_country(r["country"])] == []


def test_no_name_or_alias_names_two_makers() -> None:
    owners: dict[str, set[str]] = {}
    for r in rows("manufacturers"):
        for name in [r["name"], *r["aliases"].split("|")]:
            if name.strip():
                owners.setdefault(maker_key(name), set()).add(r["id"])
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_ownership_dates_iso_and_in_order(shipped: Catalog) -> None:
    for maker, events in shipped.ownership.items():
        dates = [dt.date.fromisoformat(e.date) for e in events]
        assert dates == sorted(dates), maker


def test_parent_agrees_with_latest_acquisition(shipped: Catalog) -> None:
    """A maker's parent is the company named by its latest acquired_by/merged_into event."""
    disagree = []
    for maker_id, events in shipped.ownership.items():
        owning = [e for e in events if e.event in ("acquired_by", "merged_into")]
        later_sale = any(e.event == "majority_sold_to" and owning and e.date > owning[-1].date for e in events)
        if owning and not later_sale and shipped.manufacturers[maker_id].parent != owning[-1].other:
            disagree.append((maker_id, shipped.manufacturers[maker_id].parent, owning[-1].other))
    assert disagree == []


def test_families_and_parts_name_existing_makers_and_categories(shipped: Catalog) -> None:
    for family in shipped.families.values():
        assert set(family.manufacturers) <= set(shipped.manufacturers), family.prefix
        assert family.category in shipped.categories, family.prefix
    for part in shipped.all_parts():
        assert part.manufacturer in shipped.manufacturers, part.part_number
        assert part.category in shipped.categories, part.part_number


def test_every_category_has_an_hs6(shipped: Catalog) -> None:
    assert [c for c in shipped.categories.values() if not re.fullmatch(r"\d{6}", c.hs6)] == []


def test_prefixes_shared_by_several_makers_are_ambiguous(shipped: Catalog) -> None:
    assert [f.prefix for f in shipped.families.values() if len(f.manufacturers) > 1 and not f.ambiguous] == []


def test_chpl_tiers_are_the_published_ones(shipped: Catalog) -> None:
    assert set(shipped.chpl.values()) <= {"1", "2", "3.A", "3.B", "4.A", "4.B"}
    assert len(shipped.chpl) == 50


def test_user_catalog_rows_win(tmp_path: Path) -> None:
    (tmp_path / "manufacturers.csv").write_text(
        "id,name,aliases,country,domain,parent,source\n"
        "texas-instruments,Texas Instruments,TI,JP,,,a test override\n", encoding="utf-8")
    catalog = load_catalogs([tmp_path], cache=False)
    assert catalog.manufacturers["texas-instruments"].country == "JP"
    assert [c.name for c in catalog.infos][-1] == tmp_path.name


def test_a_copy_of_the_shipped_catalogs_validates_over_them(tmp_path: Path) -> None:
    """A user folder that starts as a copy restates every maker's history; nothing is doubled."""
    copy = tmp_path / "ours"
    shutil.copytree(SHIPPED, copy)
    assert validate_folder(copy, with_shipped=True) == []
    assert load_catalogs([copy], cache=False).ownership == load_catalogs(cache=False).ownership


def test_user_ownership_rows_replace_a_makers_shipped_history(tmp_path: Path) -> None:
    (tmp_path / "ownership.csv").write_text(
        "manufacturer,date,event,other,source\n"
        "altera,2015-12-28,acquired_by,intel,a test override\n", encoding="utf-8")
    catalog = load_catalogs([tmp_path], cache=False)
    assert [(e.date, e.source) for e in catalog.ownership["altera"]] == [("2015-12-28", "a test override")]


def test_index_cache_is_invalidated_when_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "cat"
    folder.mkdir()
    path = folder / "parts.csv"
    path.write_text("part_number,manufacturer,category,description,markings,source\n"
                    "TPS5450,texas-instruments,power-ic,,,https://www.ti.com/product/TPS5450\n",
                    encoding="utf-8")
    first = load_catalogs([MINI, folder], shipped=False)
    assert "TPS5450" in first.by_key
    path.write_text(path.read_text(encoding="utf-8").replace("TPS5450", "TPS5430"), encoding="utf-8")
    second = load_catalogs([MINI, folder], shipped=False)
    assert "TPS5430" in second.by_key and "TPS5450" not in second.by_key


def test_bad_user_catalog_problems_name_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "parts.csv").write_text(
        "part_number,manufacturer,category,description,markings,source\n"
        "TPS54331,nobody-inc,power-ic,,,basis\n"
        "TPS5430,texas-instruments,no-such-category,,,basis\n", encoding="utf-8")
    (tmp_path / "keywords.csv").write_text("keyword,manufacturer\nXILINX,xilinx\n", encoding="utf-8")
    problems = validate_folder(tmp_path, with_shipped=True)
    assert problems == [
        "keywords.csv:1: missing column(s) kind, source",
        "parts.csv:2: column manufacturer: 'nobody-inc' is not a manufacturer",
        "parts.csv:3: column category: 'no-such-category' is not a category",
    ]
    with pytest.raises(CatalogError):
        load_catalogs([tmp_path], cache=False)


def test_no_part_falls_in_another_makers_unambiguous_family(shipped: Catalog) -> None:
    """A part's own family (longest prefix, dashes as printed) names its maker or its group, or is
    marked ambiguous: the check that found u-blox's MAX-6 prefix swallowing Maxim's MAX6xxx parts."""
    from bomtrace.match import same_group

    wrong = [(p.part_number, p.manufacturer, f.prefix) for p in shipped.all_parts()
             if (f := shipped.family_for(p.key, p.part_number)) and not f.ambiguous
             and not any(same_group(shipped, p.manufacturer, m) for m in f.manufacturers)]
    assert wrong == []


def test_winbond_marking_families_are_catalog_parts_without_the_w(shipped: Catalog) -> None:
    """Winbond's datasheets: 'The W prefix is not included on the part marking'. Each marking family
    stands for a W25Q part in the catalog, so another maker's '25Q32ET' falls in none of them."""
    marked = [f.prefix for f in shipped.families.values() if f.prefix.startswith("25Q")]
    assert len(marked) >= 10
    parts = [p.key for p in shipped.all_parts() if p.manufacturer == "winbond"]
    assert [m for m in marked if not any(k.startswith("W" + m) for k in parts)] == []
    assert shipped.family_for("25Q64JVSIQ", "25Q64JVSIQ").manufacturers == ("winbond",)
    assert shipped.family_for("25Q32ET", "25Q32ET") is None


def test_quectel_module_families_need_the_printed_dash(shipped: Catalog) -> None:
    """Quectel prints 'EG25-G'; EGmicro's EG2134 gate driver shares the letters, not the dash."""
    assert shipped.family_for("EG21G", "EG21-G").manufacturers == ("quectel",)
    assert shipped.family_for("EG2134", "EG2134") is None


def maker(ident: str, name: str, *aliases: str) -> Manufacturer:
    return Manufacturer(ident, name, aliases, "XX", "", "", "test")


def test_a_makers_distinctive_names_name_it_in_free_text() -> None:
    found = names_in_text([maker("pierburg", "Pierburg GmbH", "Pierburg Pump Technology"),
                           maker("ti", "Texas Instruments", "Тексас Інструментс"),
                           maker("elmos", "Elmos Semiconductor", "Elmos")])
    assert found == {"PIERBURG": "pierburg", "PIERBURG PUMP TECHNOLOGY": "pierburg",
                     "TEKSAS INSTRUMENTS": "ti", "ELMOS": "elmos", "ELMOS SEMICONDUCTOR": "elmos"}


@pytest.mark.parametrize("name,rule", [
    ("Finder S.p.A.", "an ordinary English word: a laser range finder is not a Finder relay"),
    ("Diodes Incorporated", "the plural of an ordinary word"),
    ("Swatch Group", "every word ordinary"),
    ("Исток", "a single word outside Latin script (the Russian word for a transistor's source)"),
    ("WIMA GmbH", "a single word under five letters"),
    ("Beijing UniStrong Science & Technology Co., Ltd.", "more than three words"),
])
def test_names_that_could_be_ordinary_text_name_no_maker(name: str, rule: str) -> None:
    assert names_in_text([maker("m", name)]) == {}


def test_a_name_two_makers_share_names_neither() -> None:
    # illustrative: both rows given the alias "Hitec" for the test's sake
    found = names_in_text([maker("hitec", "Hitec RCD Korea Inc.", "Hitec"),
                           maker("hitec-rcd-usa", "Hitec RCD USA, Inc.", "Hitec")])
    assert "HITEC" not in found
    assert found == {"HITEC RCD KOREA": "hitec", "HITEC RCD USA": "hitec-rcd-usa"}


# --- rows must not rest on the records bomtrace is measured against (issue 18) -------------------

@pytest.mark.parametrize("source,cites", [
    ("https://war-sanctions.gur.gov.ua/en/components/647", True),
    ("named as maker in GUR War & Sanctions component records", True),
    ("War and Sanctions portal, component 12", True),
    ("https://github.com/cognis-digital/awesome-drone-warfare-osint/blob/main/data/components.csv", True),
    ("GUR component 648", True),
    ("https://www.ti.com/about-ti/company/overview.html", False),
    ("maker datasheet: configuration guide, figure 3", False),
    ("https://www.gurit.com/ (Gurit Holding AG)", False),
])
def test_a_source_citing_the_evaluation_records_is_recognised(source: str, cites: bool) -> None:
    from bomtrace.catalogs.schema import cites_evaluation_records

    assert cites_evaluation_records(source) is cites


def test_the_shipped_catalog_refuses_rows_citing_the_evaluation_records() -> None:
    assert read_meta(SHIPPED).get("refuse_evaluation_sources") == "True"


def portal_row_folder(tmp_path: Path, refuse: bool) -> Path:
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "catalog.toml").write_text(f'name = "ours"\nrefuse_evaluation_sources = {str(refuse).lower()}\n',
                                         encoding="utf-8")
    (folder / "manufacturers.csv").write_text(
        "id,name,aliases,country,domain,parent,source\n"
        "murata,\"Murata Manufacturing Co., Ltd.\",Murata,JP,murata.com,,https://www.murata.com/\n"
        "tdk,TDK Corporation,TDK,JP,tdk.com,,named as maker in GUR War & Sanctions component records\n",
        encoding="utf-8")
    return folder


def test_a_row_citing_the_portal_fails_validation_with_file_line_and_column(tmp_path: Path) -> None:
    problems = validate_folder(portal_row_folder(tmp_path, refuse=True))
    assert problems == [("manufacturers.csv:3: column source: cites the GUR War & Sanctions records (or a copy), "
                        "which bomtrace is measured against; cite the maker's own site, a filing or a registry "
                        "instead")]


def test_a_units_own_catalog_decides_whether_to_refuse_such_rows(tmp_path: Path) -> None:
    assert validate_folder(portal_row_folder(tmp_path, refuse=False)) == []


def test_a_dropped_catalog_is_freed_without_the_cyclic_collector() -> None:
    """load_catalogs keeps what it loads out of the collector's walks (gc.freeze), which is safe
    only while a catalog holds no reference cycles: one dropped is freed by reference counts alone."""
    import gc
    import weakref

    catalog = load_catalogs(cache=False)
    held = [weakref.ref(part) for part in (catalog, catalog.by_key, catalog.makers, catalog.rule_index)]
    gc.disable()
    try:
        del catalog
        assert [ref() for ref in held] == [None] * len(held)
    finally:
        gc.enable()
