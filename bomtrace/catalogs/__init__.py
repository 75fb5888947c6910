"""Catalogs: load, validate and index the shipped catalog and any user catalogs layered over it.

A catalog is a folder of CSV tables (see catalogs/README.md). Validation names file, line and
column for every problem; loading refuses a catalog with problems. User rows win over shipped ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bomtrace import resources
from bomtrace.catalogs.checks import check_references
from bomtrace.catalogs.index import Catalog, dashed_form, names_in_text
from bomtrace.catalogs.read import folder_hash, merge_folder, read_meta, read_rows, table_files
from bomtrace.catalogs.schema import (
    AMBIGUITY_VALUES,
    OWNERSHIP_EVENTS,
    OWNING_EVENTS,
    TABLES,
    Category,
    Family,
    Manufacturer,
    OwnershipEvent,
    Row,
)
from bomtrace.errors import CatalogError

__all__ = [
    "AMBIGUITY_VALUES", "OWNERSHIP_EVENTS", "OWNING_EVENTS", "TABLES", "Catalog", "Category", "Family",
    "Manufacturer", "OwnershipEvent", "Row", "build_catalog", "check_references", "dashed_form",
    "folder_hash", "load_catalogs", "merge_folder", "names_in_text", "read_meta", "read_rows", "stats",
    "table_files", "validate_folder",
]


def load_catalogs(user_folders: Iterable[str | Path] = (), *, shipped: bool = True,
                  cache: bool = True) -> Catalog:
    """The shipped catalog with user catalogs layered over it, from the index cache when its files are
    unchanged; raises CatalogError on any problem."""
    folders = ([resources.catalogs_dir()] if shipped else []) + [Path(f) for f in user_folders]
    for folder in folders:
        if not folder.is_dir():
            raise CatalogError(f"Catalog folder not found: {folder}", fix="Check the --catalog path.")
    from bomtrace import __version__, catalog_cache

    if not cache:
        with catalog_cache.gc_paused():
            return build_catalog(folders)
    key = catalog_cache.cache_key(__version__, [f"{f.resolve()}:{folder_hash(f)}" for f in folders])
    with catalog_cache.gc_paused():  # and kept before it runs again
        cached = catalog_cache.load(key)
        if isinstance(cached, Catalog):
            return catalog_cache.kept(cached)
        catalog = build_catalog(folders)
        catalog_cache.save(key, catalog)
        return catalog_cache.kept(catalog)


def build_catalog(folders: list[Path]) -> Catalog:
    """Read, validate and index catalog folders, later folders winning."""
    catalog = Catalog()
    problems: list[str] = []
    for folder in folders:
        merge_folder(catalog, folder, problems)
    problems.extend(check_references(catalog))
    if problems:
        raise CatalogError(
            f"Catalog has {len(problems)} problem(s), first: {problems[0]}",
            problems,
            "Run `bomtrace catalog validate` on it and fix the rows it names.",
        )
    catalog.places.clear()  # only needed to name rows in problems; large for big catalogs
    catalog.build_indexes()
    return catalog


def validate_folder(folder: str | Path, *, with_shipped: bool = False) -> list[str]:
    """Every problem in a catalog folder (file, line, column), checked against the shipped one if asked."""
    catalog = Catalog()
    problems: list[str] = []
    if with_shipped:
        merge_folder(catalog, resources.catalogs_dir(), problems)
    merge_folder(catalog, Path(folder), problems)
    problems.extend(check_references(catalog))
    return problems


def stats(catalog: Catalog) -> dict[str, Any]:
    """Counts of what the catalog holds, for `bomtrace catalog stats`: makers by tier (curated rows,
    open-registry rows by confidence) and by country, families, grammar rules, parts and the rest."""
    makers = [*catalog.manufacturers.values(), *catalog.registry.values()]
    by_country = Counter(m.country for m in makers)
    return {
        "manufacturers": len(makers),
        "manufacturers_with_country_and_source": sum(1 for m in makers if m.country and m.source),
        "manufacturers_by_tier": {"curated": len(catalog.manufacturers), "registry": len(catalog.registry)},
        "registry_by_confidence": dict(sorted(Counter(m.confidence for m in catalog.registry.values()).items())),
        "manufacturers_by_country": dict(sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0]))),
        "countries": len(by_country),
        "ownership_events": sum(len(e) for e in catalog.ownership.values()),
        "families": len(catalog.families),
        "grammar_rules": len(catalog.rules),
        "grammar_rules_shared": len(catalog.shared_rules),
        "parts": catalog.by_key.rows,
        "marking_codes": len(catalog.by_marking),
        "categories": len(catalog.categories),
        "keywords": len(catalog.keywords),
    }
