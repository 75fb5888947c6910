"""Reading catalog folders: each table's CSV files into the catalog, every row checked as it is read
(problems name file, line and column); a later folder's rows replace an earlier one's."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

from bomtrace.catalogs.index import Catalog
from bomtrace.catalogs.schema import (
    AMBIGUITY_VALUES,
    ID_PATTERN,
    LOGO,
    OWNERSHIP_EVENTS,
    REFUSE_EVALUATION_SOURCES,
    REGISTRY_CONFIDENCES,
    TABLES,
    Category,
    Family,
    Manufacturer,
    Marking,
    OwnershipEvent,
    Row,
    cites_evaluation_records,
)
from bomtrace.grammar import RuleSyntaxError, rule_from_row
from bomtrace.models import CatalogInfo, Restriction
from bomtrace.normalize import part_key
from bomtrace.partindex import Part


def table_files(folder: Path, table: str) -> list[Path]:
    """`table.csv` and `table.<anything>.csv` in a folder, sorted."""
    return sorted(p for p in folder.glob(f"{table}*.csv") if p.name == f"{table}.csv"
                  or p.name.startswith(f"{table}."))


def read_rows(folder: Path, table: str, problems: list[str], catalog: Catalog | None = None
              ) -> Iterator[Row]:
    """Every row of a table's files (counted in `catalog.rows_read`); missing columns are problems and
    the file is skipped."""
    for path in table_files(folder, table):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in TABLES[table] if c not in (reader.fieldnames or [])]
            if missing:
                problems.append(f"{path.name}:1: missing column(s) {', '.join(missing)}")
                continue
            for values in reader:
                clean = {k: (v or "").strip() for k, v in values.items() if k is not None}
                if catalog is not None:
                    catalog.rows_read += 1
                row = Row(path.name, reader.line_num, clean)
                if catalog is not None and catalog.refusing_evaluation_sources and \
                        cites_evaluation_records(clean.get("source", "")):
                    problems.append(f"{row.where('source')}: cites the GUR War & Sanctions records (or a copy), "
                                    "which bomtrace is measured against; cite the maker's own site, a filing or "
                                    "a registry instead")
                    continue
                yield row


def folder_hash(folder: Path) -> str:
    """SHA-256 over the names and bytes of the catalog files in a folder."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")) + sorted(folder.glob("catalog.toml")):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:  # a block at a time: a distributor's table can be large
            while block := handle.read(1 << 20):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def read_meta(folder: Path) -> dict[str, str]:
    meta_path = folder / "catalog.toml"
    meta: dict[str, str] = {"name": folder.name, "version": "", "as_of": ""}
    if meta_path.exists():
        meta.update({k: str(v) for k, v in tomllib.loads(meta_path.read_text("utf-8")).items()})
    return meta


def merge_folder(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    """Read one folder's tables into the catalog, its rows replacing earlier ones with the same key."""
    meta = read_meta(folder)
    catalog.as_of = meta.get("as_of") or catalog.as_of
    catalog.refusing_evaluation_sources = meta.get(REFUSE_EVALUATION_SOURCES, "").lower() == "true"
    _merge_manufacturers(catalog, folder, problems)
    _merge_ownership(catalog, folder, problems)
    _merge_categories(catalog, folder, problems)
    _merge_families(catalog, folder, problems)
    _merge_parts(catalog, folder, problems)
    _merge_keywords(catalog, folder, problems)
    _merge_registry(catalog, folder, problems)
    _merge_rules(catalog, folder, problems)
    _merge_markings(catalog, folder, problems)
    for row in read_rows(folder, "restrictions", problems, catalog):
        if _check_date(row, "date", problems):
            targets = tuple(t.strip() for t in row.values["targets"].split(";") if t.strip())
            catalog.restrictions.append(Restriction(row.values["date"], row.values["jurisdiction"],
                                                    row.values["measure"], targets, row.values["source"]))
    catalog.restrictions.sort(key=lambda r: r.date)
    rows, catalog.rows_read = catalog.rows_read, 0
    catalog.infos.append(CatalogInfo(meta["name"], meta.get("version", ""), rows, folder_hash(folder),
                                     meta.get("as_of", "")))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


def _require(row: Row, columns: Iterable[str], problems: list[str]) -> bool:
    ok = True
    for column in columns:
        if not row.values.get(column):
            problems.append(f"{row.where(column)}: empty")
            ok = False
    return ok


def _check_date(row: Row, column: str, problems: list[str]) -> bool:
    try:
        dt.date.fromisoformat(row.values[column])
    except ValueError:
        problems.append(f"{row.where(column)}: {row.values[column]!r} is not a date (YYYY-MM-DD)")
        return False
    return True


def _check_country(row: Row, problems: list[str]) -> bool:
    from bomtrace.countries import is_country

    if not is_country(row.values["country"]):
        problems.append(f"{row.where('country')}: {row.values['country']!r} is not an ISO 3166-1 "
                        "alpha-2 country code")
        return False
    return True


def _merge_manufacturers(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    seen: dict[str, Row] = {}
    for row in read_rows(folder, "manufacturers", problems, catalog):
        v = row.values
        if not _require(row, ("id", "name", "country", "source"), problems):
            continue
        if not ID_PATTERN.match(v["id"]):
            problems.append(f"{row.where('id')}: {v['id']!r} is not a lowercase slug")
            continue
        if v["id"] in seen:
            problems.append(f"{row.where('id')}: {v['id']!r} repeats {seen[v['id']].where()}")
            continue
        seen[v["id"]] = row
        if _check_country(row, problems):
            catalog.manufacturers[v["id"]] = Manufacturer(
                v["id"], v["name"], _split(v["aliases"]), v["country"].upper(), v["domain"], v["parent"],
                v["source"])


def _merge_ownership(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    """A folder that gives any events for a maker gives its whole history: it replaces the earlier
    folders' events for that maker (as its other rows replace theirs), never doubles them."""
    restated: set[str] = set()
    for row in read_rows(folder, "ownership", problems, catalog):
        v = row.values
        if not _require(row, ("manufacturer", "date", "event", "other", "source"), problems):
            continue
        if v["event"] not in OWNERSHIP_EVENTS:
            problems.append(f"{row.where('event')}: {v['event']!r} is not one of "
                            f"{', '.join(sorted(OWNERSHIP_EVENTS))}")
            continue
        if _check_date(row, "date", problems):
            event = OwnershipEvent(v["manufacturer"], v["date"], v["event"], v["other"], v["source"])
            if v["manufacturer"] not in restated:
                restated.add(v["manufacturer"])
                catalog.ownership[v["manufacturer"]] = []
            events = catalog.ownership[v["manufacturer"]]
            if events and events[-1].date > event.date:
                problems.append(f"{row.where('date')}: events for {v['manufacturer']!r} are not in date "
                                "order")
            events.append(event)


def _merge_categories(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    for row in read_rows(folder, "categories", problems, catalog):
        v = row.values
        if not _require(row, ("category", "hs6", "source"), problems):
            continue
        if not re.fullmatch(r"\d{6}", v["hs6"]):
            problems.append(f"{row.where('hs6')}: {v['hs6']!r} is not a six-digit HS code")
            continue
        catalog.categories[v["category"]] = Category(v["category"], v["hs6"], v["label"], v["source"])
    for row in read_rows(folder, "chpl", problems, catalog):
        if _require(row, ("hs6", "tier", "source"), problems):
            catalog.chpl[row.values["hs6"]] = row.values["tier"]


def _merge_families(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    seen: dict[str, Row] = {}
    for row in read_rows(folder, "families", problems, catalog):
        v = row.values
        if not _require(row, ("prefix", "manufacturer", "category", "source"), problems):
            continue
        key = part_key(v["prefix"])
        if key in seen:
            problems.append(f"{row.where('prefix')}: {v['prefix']!r} repeats {seen[key].where()}")
            continue
        seen[key] = row
        makers = _split(v["manufacturer"])
        value = v["ambiguous"].lower()
        if value not in AMBIGUITY_VALUES:
            problems.append(f"{row.where('ambiguous')}: {v['ambiguous']!r} is not one of no, yes, generic")
            continue
        ambiguous = value in {"yes", "generic", "true", "1", "y"}
        if len(makers) > 1 and not ambiguous:
            problems.append(f"{row.where('ambiguous')}: several makers but ambiguous is not 'yes' or 'generic'")
        catalog.families[key] = Family(v["prefix"], key, makers, v["category"], v["series"],
                                       ambiguous or len(makers) > 1, v["source"], value == "generic")
        catalog.places[("families", key)] = row.where()


def _merge_parts(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    seen: dict[tuple[str, str], Row] = {}
    for row in read_rows(folder, "parts", problems, catalog):
        v = row.values
        if not _require(row, ("part_number", "manufacturer", "category", "source"), problems):
            continue
        key = part_key(v["part_number"])
        ident = (key, v["manufacturer"])
        if ident in seen:
            problems.append(f"{row.where('part_number')}: {v['part_number']!r} by {v['manufacturer']!r} "
                            f"repeats {seen[ident].where()}")
            continue
        seen[ident] = row
        catalog.parts[ident] = Part(v["part_number"], key, v["manufacturer"], v["category"],
                                    v["description"], _split(v["markings"]), v["source"])
        catalog.places[("parts", f"{key}|{v['manufacturer']}")] = row.where()


def _merge_keywords(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    seen: dict[str, Row] = {}
    for row in read_rows(folder, "keywords", problems, catalog):
        v = row.values
        if not _require(row, ("keyword", "manufacturer", "source"), problems):
            continue
        key = " ".join(v["keyword"].upper().split())
        earlier = catalog.keywords.get(key) or catalog.logos.get(key)
        if key in seen and earlier != v["manufacturer"]:
            problems.append(f"{row.where('keyword')}: {v['keyword']!r} already names "
                            f"{earlier!r} at {seen[key].where()}")
            continue
        seen[key] = row
        if v["kind"] == LOGO:
            catalog.logos[key] = v["manufacturer"]
            catalog.keywords.pop(key, None)
        else:
            catalog.keywords[key] = v["manufacturer"]
            catalog.logos.pop(key, None)
        catalog.places[("keywords", key)] = row.where()


def _merge_registry(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    """Registry makers, with their name keys as the build computed them (not re-keyed here: there
    are tens of thousands)."""
    seen: dict[str, Row] = {}
    for row in read_rows(folder, "registry", problems, catalog):
        v = row.values
        if not _require(row, ("id", "name", "key", "country", "confidence", "source"), problems):
            continue
        if not ID_PATTERN.match(v["id"]):
            problems.append(f"{row.where('id')}: {v['id']!r} is not a lowercase slug")
            continue
        if v["id"] in seen or v["id"] in catalog.manufacturers:
            problems.append(f"{row.where('id')}: {v['id']!r} repeats "
                            f"{seen[v['id']].where() if v['id'] in seen else 'a manufacturer id'}")
            continue
        seen[v["id"]] = row
        if v["confidence"] not in REGISTRY_CONFIDENCES:
            problems.append(f"{row.where('confidence')}: {v['confidence']!r} is not one of "
                            f"{', '.join(REGISTRY_CONFIDENCES)}")
            continue
        if _check_country(row, problems):
            catalog.registry[v["id"]] = Manufacturer(v["id"], v["name"], (), v["country"].upper(), "", "",
                                                     v["source"], "registry", v["key"], v["confidence"])


def _merge_rules(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    """Part-number grammar rules (bomtrace.grammar); a folder's rule for a pattern and maker replaces
    an earlier folder's. The example must fit the pattern."""
    for row in read_rows(folder, "rules", problems, catalog):
        if not _require(row, ("pattern", "manufacturer", "category", "example", "source"), problems):
            continue
        try:
            rule = rule_from_row(row.values)
        except RuleSyntaxError as error:
            problems.append(f"{row.where('pattern')}: {error}")
            continue
        if not rule.matches(part_key(rule.example)):
            problems.append(f"{row.where('example')}: {rule.example!r} does not fit the pattern {rule.pattern!r}")
            continue
        catalog.rules[(rule.pattern, rule.manufacturer)] = rule
        catalog.places[("rules", f"{rule.pattern}|{rule.manufacturer}")] = row.where()


def _merge_markings(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    """Top-marking codes, each naming a part of the parts tables."""
    for row in read_rows(folder, "markings", problems, catalog):
        v = row.values
        if not _require(row, ("marking", "part_number", "manufacturer", "source"), problems):
            continue
        key = part_key(v["part_number"])
        catalog.markings[(part_key(v["marking"]), key, v["manufacturer"])] = Marking(
            v["marking"], key, v["manufacturer"], v["source"])
        catalog.places[("markings", f"{key}|{v['manufacturer']}")] = row.where()
