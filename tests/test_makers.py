"""Makers by name: the blocked fuzzy look-up answers exactly what a scan of every curated name
answers, and registry names are found only when equal."""

from __future__ import annotations

import random

import pytest

from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.catalogs.makers import maker_index
from bomtrace.config import DEFAULT
from bomtrace.match import resolve_maker
from bomtrace.normalize import maker_key
from tests.conftest import MINI


def variants(key: str, rng: random.Random) -> list[str]:
    """Misspellings a teardown table holds: a letter dropped, doubled, swapped with the next, or
    replaced; the words in another order; a word dropped."""
    found = [key]
    if len(key) > 3:
        i = rng.randrange(1, len(key) - 1)
        found += [key[:i] + key[i + 1:], key[:i] + key[i] + key[i:], key[:i - 1] + key[i] + key[i - 1] + key[i + 1:],
                  key[:i] + "x" + key[i + 1:]]
    words = key.split()
    if len(words) > 1:
        found += [" ".join(reversed(words)), " ".join(words[:-1])]
    return found


def test_blocked_fuzzy_lookup_equals_the_full_scan_on_every_shipped_maker(shipped: Catalog) -> None:
    rng = random.Random(7)
    index = shipped.makers
    queries = [v for key in index.keys for v in variants(key, rng)]
    assert len(queries) > 3000
    cutoff = DEFAULT.maker_fuzzy_min
    differing = [q for q in queries if len(q) >= 4 and index.fuzzy(q, cutoff) != index.full_scan(q, cutoff)]
    assert differing == []


@pytest.mark.parametrize("cutoff", [80.0, 85.0, 90.0, 95.0])
def test_blocked_lookup_is_exact_at_other_cutoffs(shipped: Catalog, cutoff: float) -> None:
    index = shipped.makers
    rng = random.Random(int(cutoff))
    queries = [v for key in rng.sample(index.keys, 300) for v in variants(key, rng)]
    assert [q for q in queries if index.fuzzy(q, cutoff) != index.full_scan(q, cutoff)] == []


def test_a_name_spelt_close_to_a_curated_maker_is_found_fuzzily() -> None:
    index = maker_index([("texas instruments", "texas-instruments"), ("analog devices", "analog-devices")])
    assert index.fuzzy("texas instrument", 90.0) == ("texas instruments", pytest.approx(96.97, abs=0.01))
    assert index.fuzzy("devices analog", 90.0) == ("analog devices", 100.0)
    assert index.fuzzy("texas", 90.0) is None


def test_registry_names_never_shadow_curated_ones_and_are_never_fuzzy() -> None:
    index = maker_index([("murata", "murata")], [("murata", "r-murata"), ("shenzhen hi link electronic", "r-x")])
    assert index.registry == {"shenzhen hi link electronic": "r-x"}
    assert index.fuzzy("shenzhen hi lnk electronic", 80.0) is None


def registry_catalog(tmp_path, rows: str) -> Catalog:  # type: ignore[no-untyped-def]
    folder = tmp_path / "reg"
    folder.mkdir()
    (folder / "registry.csv").write_text("id,name,key,country,confidence,source\n" + rows, encoding="utf-8")
    return load_catalogs([MINI, folder], shipped=False, cache=False)


def test_a_registry_maker_is_found_by_its_exact_name_with_its_confidence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    name = "Shenzhen Hi-Link Electronic Co., Ltd."
    catalog = registry_catalog(tmp_path, f'r-hi-link,"{name}",{maker_key(name)},CN,possible,IEEE MA-L E43819 (2024-05)\n')
    found = resolve_maker("SHENZHEN HI-LINK ELECTRONIC CO.,LTD", catalog)
    assert found is not None and (found.maker, found.how, found.evidence) == ("r-hi-link", "registry", "registry")
    assert resolve_maker("Shenzhen Hi-Lnk Electronic", catalog) is None  # never fuzzy


def test_a_bad_registry_row_names_file_line_and_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bomtrace.catalogs import validate_folder

    folder = tmp_path / "reg"
    folder.mkdir()
    (folder / "registry.csv").write_text("id,name,key,country,confidence,source\n"
                                         "r-x,X Ltd,x,XX,probable,FinanceDatabase X\n"
                                         "r-y,Y Ltd,y,CN,sure,FinanceDatabase Y\n", encoding="utf-8")
    assert validate_folder(folder) == [
        "registry.csv:2: column country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "registry.csv:3: column confidence: 'sure' is not one of probable, possible"]


def test_a_type_ahead_finds_makers_by_any_part_of_a_name(shipped: Catalog) -> None:
    found = shipped.makers.search(maker_key("texas"))
    assert found[0] == "texas-instruments"
    assert "stmicroelectronics" in shipped.makers.search(maker_key("micro"), limit=200)
    registry = shipped.makers.search(maker_key("Shenzhen Hi-Link"))
    assert registry and all(shipped.maker(i).name for i in registry)
    assert shipped.makers.search("") == []
