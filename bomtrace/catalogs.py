"""Catalogs: load, validate and index the shipped catalog and any user catalogs layered over it.

A catalog is a folder of CSV tables (see catalogs/README.md). Validation names file, line and
column for every problem; loading refuses a catalog with problems. User rows win over shipped ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii

from bomtrace import resources
from bomtrace.errors import CatalogError
from bomtrace.models import CatalogInfo, Restriction
from bomtrace.normalize import fold_lookalikes, is_ordinary_word, maker_key, part_key
from bomtrace.partindex import Part, PartIndex

TABLES: dict[str, tuple[str, ...]] = {
    "manufacturers": ("id", "name", "aliases", "country", "domain", "parent", "source"),
    "ownership": ("manufacturer", "date", "event", "other", "source"),
    "families": ("prefix", "manufacturer", "category", "series", "ambiguous", "source"),
    "parts": ("part_number", "manufacturer", "category", "description", "markings", "source"),
    "categories": ("category", "hs6", "label", "source"),
    "chpl": ("hs6", "tier", "description", "source"),
    "keywords": ("keyword", "manufacturer", "kind", "source"),
    "restrictions": ("date", "jurisdiction", "measure", "targets", "source"),
}
#: `ambiguous` in families: no; yes (a prefix several makers use for their own parts); generic (the
#: same designations are made by several makers). Empty means no.
AMBIGUITY_VALUES = {"", "no", "n", "false", "0", "yes", "y", "true", "1", "generic"}
OWNERSHIP_EVENTS = {"acquired_by", "merged_into", "renamed_to", "spun_off_from", "majority_sold_to",
                    "became_independent"}
#: Events after which `other` owns the company.
OWNING_EVENTS = {"acquired_by", "merged_into", "majority_sold_to"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Manufacturer:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    domain: str
    parent: str
    source: str


@dataclass(frozen=True)
class OwnershipEvent:
    manufacturer: str
    date: str
    event: str
    other: str
    source: str


@dataclass(frozen=True)
class Family:
    prefix: str
    key: str
    manufacturers: tuple[str, ...]
    category: str
    series: str
    ambiguous: bool
    source: str
    #: the same designations are made by several makers (LM358, 2N2222, SS34), so a part listed
    #: under one of them may be another's; a merely shared prefix (INA: TI and Avago) is not generic
    generic: bool = False


@dataclass(frozen=True)
class Category:
    category: str
    hs6: str
    label: str
    source: str


@dataclass(frozen=True)
class Row:
    """A CSV row with its place, for messages that name file, line and column."""

    file: str
    line: int
    values: dict[str, str]

    def where(self, column: str | None = None) -> str:
        return f"{self.file}:{self.line}" + (f": column {column}" if column else "")


@dataclass
class Catalog:
    """All tables merged and indexed; build it with `load_catalogs`."""

    manufacturers: dict[str, Manufacturer] = field(default_factory=dict)
    ownership: dict[str, list[OwnershipEvent]] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    parts: dict[tuple[str, str], Part] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    chpl: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, str] = field(default_factory=dict)
    restrictions: list[Restriction] = field(default_factory=list)
    infos: list[CatalogInfo] = field(default_factory=list)
    as_of: str = ""
    # indexes, filled by build_indexes()
    #: parts by key, filled by build_indexes() (catalog.parts is emptied then: the index holds them)
    by_key: PartIndex = field(default_factory=lambda: PartIndex(()))
    by_marking: dict[str, list[Part]] = field(default_factory=dict)
    family_by_key: dict[str, Family] = field(default_factory=dict)
    family_lengths: list[int] = field(default_factory=list)
    maker_by_key: dict[str, str] = field(default_factory=dict)
    #: the keys of maker_by_key as a list, for fuzzy name matching without rebuilding it per line
    maker_keys: list[str] = field(default_factory=list)
    #: makers' own distinctive names as they may appear in free text, filled by build_indexes()
    name_keywords: dict[str, str] = field(default_factory=dict)
    # where each family, part and keyword row was read: (table, key) -> "file:line"
    places: dict[tuple[str, str], str] = field(default_factory=dict)
    rows_read: int = 0

    def build_indexes(self) -> None:
        """Index parts by key and marking, families by prefix key, makers by every name's key."""
        self.by_key = PartIndex(self.parts.values())
        self.parts = {}
        by_marking: dict[str, list[Part]] = defaultdict(list)
        for mark, parts in self.by_key.marked().items():
            by_marking[part_key(mark)].extend(parts)
        self.by_marking = dict(by_marking)
        self.family_by_key = {f.key: f for f in self.families.values()}
        self.family_lengths = sorted({len(k) for k in self.family_by_key}, reverse=True)
        self.maker_by_key = {}
        self.maker_keys = []
        for maker in self.manufacturers.values():
            for name in (maker.name, *maker.aliases):
                key = maker_key(name)
                if key and key not in self.maker_by_key:
                    self.maker_by_key[key] = maker.id
                    self.maker_keys.append(key)
        self.name_keywords = names_in_text(self.manufacturers.values())

    def keys_starting_with(self, prefix: str, limit: int | None = None) -> list[str]:
        """Catalog part keys that begin with `prefix`, in order (the first `limit` if given)."""
        return self.by_key.keys_starting_with(prefix, limit)

    def all_parts(self) -> Iterator[Part]:
        """Every part of an indexed catalog."""
        return self.by_key.parts()

    def family_for(self, key: str, text: str | None = None) -> Family | None:
        """The family with the longest prefix that `key` starts with. A prefix written with a dash
        must be printed with it when the text without the dash belongs to another maker's shorter
        prefix too ('MAX6001' is Maxim, not u-blox MAX-6), or when the dash ends the prefix
        ('BNX023' is not a 'BN-' part); otherwise it may be left out ('NEOM8N' is a NEO-M8 part)."""
        printed = dashed_form(text) if text is not None else None
        found = [self.family_by_key[key[:n]] for n in self.family_lengths
                 if n <= len(key) and key[:n] in self.family_by_key]
        for i, family in enumerate(found):
            if printed is None or "-" not in family.prefix or printed.startswith(dashed_form(family.prefix)):
                return family
            shorter = found[i + 1] if i + 1 < len(found) else None
            if family.prefix.endswith("-") or (shorter and set(shorter.manufacturers) != set(family.manufacturers)):
                continue
            return family
        return None

    def fuzzy_block(self, key: str, spread: int) -> list[str]:
        """Part keys sharing `key`'s first characters whose length is within `spread` of its own."""
        return self.by_key.fuzzy_block(key, spread)

    def keyword_maker(self, text: str) -> str | None:
        """The maker a brand or trade name in free text names (the keywords table first, then the
        makers' own distinctive names), or None."""
        key = " ".join(text.upper().split())
        if found := self.keywords.get(key):
            return found
        return self.name_keywords.get(key if key.isascii() else " ".join(anyascii(key).split()))

    def owner_of(self, maker_id: str) -> str:
        """The ultimate parent today (following `parent` up), the company itself if independent."""
        seen = {maker_id}
        current = maker_id
        while (parent := self.manufacturers[current].parent) and parent not in seen:
            seen.add(parent)
            current = parent
        return current


def names_in_text(makers: Iterable[Manufacturer]) -> dict[str, str]:
    """The makers' names and aliases that can name them in free text ('PIERBURG' on a fuel pump):
    one to three words once legal forms are gone, with at least one that is no ordinary English word
    (a laser range finder is not Finder S.p.A.); a single word only in Latin script (a Russian
    «Исток» is also the word for a transistor's source) and of five letters or more. Non-Latin names
    are compared transliterated ('Тексас Інструментс'). A name two makers share names neither."""
    found: dict[str, str] = {}
    shared: set[str] = set()
    for maker in makers:
        for name in (maker.name, *maker.aliases):
            key = maker_key(name).upper()
            if not _distinctive_in_text(key) or (" " not in key and not _latin_script(name)):
                continue
            if found.get(key, maker.id) != maker.id:
                shared.add(key)
            found[key] = maker.id
    return {key: maker_id for key, maker_id in found.items() if key not in shared}


def _distinctive_in_text(key: str) -> bool:
    words = key.split()
    if not 1 <= len(words) <= 3 or not all(w.isascii() and w.isalpha() for w in words):
        return False
    if len(words) == 1 and len(key) < 5:
        return False
    return not all(is_ordinary_word(w) for w in words)


def _latin_script(text: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in text)


# --- loading -------------------------------------------------------------------------------------

def dashed_form(text: str) -> str:
    """A part number as printed, for dash checks: look-alikes folded, only letters, digits, dots and
    dashes kept."""
    return re.sub(r"[^A-Z0-9.\-]", "", fold_lookalikes(text))


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
                yield Row(path.name, reader.line_num, clean)


def folder_hash(folder: Path) -> str:
    """SHA-256 over the names and bytes of the catalog files in a folder."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")) + sorted(folder.glob("catalog.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_meta(folder: Path) -> dict[str, str]:
    meta_path = folder / "catalog.toml"
    meta: dict[str, str] = {"name": folder.name, "version": "", "as_of": ""}
    if meta_path.exists():
        meta.update({k: str(v) for k, v in tomllib.loads(meta_path.read_text("utf-8")).items()})
    return meta


def load_catalogs(user_folders: Iterable[str | Path] = (), *, shipped: bool = True,
                  cache: bool = True) -> Catalog:
    """The shipped catalog with user catalogs layered over it, from the index cache when its files are
    unchanged; raises CatalogError on any problem."""
    folders = ([resources.catalogs_dir()] if shipped else []) + [Path(f) for f in user_folders]
    for folder in folders:
        if not folder.is_dir():
            raise CatalogError(f"Catalog folder not found: {folder}", fix="Check the --catalog path.")
    if not cache:
        return build_catalog(folders)
    from bomtrace import __version__, catalog_cache

    key = catalog_cache.cache_key(__version__, [f"{f.resolve()}:{folder_hash(f)}" for f in folders])
    cached = catalog_cache.load(key)
    if isinstance(cached, Catalog):
        return cached
    catalog = build_catalog(folders)
    catalog_cache.save(key, catalog)
    return catalog


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


def merge_folder(catalog: Catalog, folder: Path, problems: list[str]) -> None:
    """Read one folder's tables into the catalog, its rows replacing earlier ones with the same key."""
    meta = read_meta(folder)
    catalog.as_of = meta.get("as_of") or catalog.as_of
    _merge_manufacturers(catalog, folder, problems)
    _merge_ownership(catalog, folder, problems)
    _merge_categories(catalog, folder, problems)
    _merge_families(catalog, folder, problems)
    _merge_parts(catalog, folder, problems)
    _merge_keywords(catalog, folder, problems)
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
        if not _ID.match(v["id"]):
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
        if key in seen and catalog.keywords.get(key) != v["manufacturer"]:
            problems.append(f"{row.where('keyword')}: {v['keyword']!r} already names "
                            f"{catalog.keywords[key]!r} at {seen[key].where()}")
            continue
        seen[key] = row
        catalog.keywords[key] = v["manufacturer"]
        catalog.places[("keywords", key)] = row.where()


def check_references(catalog: Catalog) -> list[str]:
    """Problems across tables: unknown makers and categories, alias collisions, ownership order."""
    problems: list[str] = []
    makers = catalog.manufacturers

    def place(table: str, key: str) -> str:
        return catalog.places.get((table, key), table)

    for maker in makers.values():
        if maker.parent and maker.parent not in makers:
            problems.append(f"manufacturers: {maker.id}: parent {maker.parent!r} is not a manufacturer")
    rows: list[str] = []
    for key, family in catalog.families.items():
        for maker_id in family.manufacturers:
            if maker_id not in makers:
                rows.append(f"{place('families', key)}: column manufacturer: {maker_id!r} is not a "
                                "manufacturer")
        if family.category not in catalog.categories:
            rows.append(f"{place('families', key)}: column category: {family.category!r} is not a "
                            "category")
    for (key, maker_id), part in catalog.parts.items():
        if maker_id not in makers:
            rows.append(f"{place('parts', f'{key}|{maker_id}')}: column manufacturer: {maker_id!r} "
                            "is not a manufacturer")
        if part.category not in catalog.categories:
            rows.append(f"{place('parts', f'{key}|{maker_id}')}: column category: {part.category!r} "
                            "is not a category")
    for keyword, maker_id in catalog.keywords.items():
        if maker_id not in makers:
            rows.append(f"{place('keywords', keyword)}: column manufacturer: {maker_id!r} is not a "
                            "manufacturer")
    problems.extend(sorted(rows, key=_place_order))
    problems.extend(_alias_collisions(catalog))
    problems.extend(_ownership_problems(catalog))
    return problems


def _place_order(problem: str) -> tuple[str, int, str]:
    """Sort 'file:line: ...' problems by file, then line number."""
    file, _, rest = problem.partition(":")
    line, _, _ = rest.partition(":")
    return (file, int(line) if line.isdigit() else 0, problem)


def _alias_collisions(catalog: Catalog) -> list[str]:
    owners: dict[str, str] = {}
    problems = []
    for maker in catalog.manufacturers.values():
        for name in (maker.name, *maker.aliases):
            key = maker_key(name)
            if key in owners and owners[key] != maker.id:
                problems.append(f"manufacturers: alias {name!r} of {maker.id!r} also names "
                                f"{owners[key]!r}")
            owners.setdefault(key, maker.id)
    return list(dict.fromkeys(problems))


def _ownership_problems(catalog: Catalog) -> list[str]:
    problems = []
    for maker_id, events in catalog.ownership.items():
        if maker_id not in catalog.manufacturers:
            problems.append(f"ownership: {maker_id!r} is not a manufacturer")
            continue
        dates = [e.date for e in events]
        if dates != sorted(dates):
            problems.append(f"ownership: events of {maker_id!r} are not in date order")
    return problems


def stats(catalog: Catalog) -> dict[str, int]:
    """Counts of what the catalog holds, for `bomtrace catalog stats`."""
    return {
        "manufacturers": len(catalog.manufacturers),
        "ownership_events": sum(len(e) for e in catalog.ownership.values()),
        "families": len(catalog.families),
        "parts": catalog.by_key.rows,
        "marking_codes": len(catalog.by_marking),
        "categories": len(catalog.categories),
        "keywords": len(catalog.keywords),
        "countries": len({m.country for m in catalog.manufacturers.values()}),
    }
