"""Libraries: catalogs/parts.libraries.csv and families.libraries.csv built from the open parts
libraries' extracts (bomtrace.build.library_sources) and the curated catalog.

A library row names a maker only through a reviewed table: the datasheet URL's domain (KiCad) or the
library's maker field (Digi-Key, JLCPCB). A part row is kept only when nothing the curated catalog or
another library says contradicts it; families are derived conservatively. Every row left out is
counted by reason in the report, never raised.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bomtrace.build.library_rules import (
    MIN_KEY,
    Claim,
    Tables,
    datasheet_names,
    domain_maker,
    is_clone_designation,
    looks_like_part_number,
    natural_prefix,
    nests,
    wildcard_stem,
)
from bomtrace.build.library_sources import (
    DIGIKEY,
    EXTRACTS,
    KICAD,
    LIBRARIES,
    TITLES,
    LibraryRow,
    read_library,
)
from bomtrace.catalogs import TABLES, Catalog, Family, build_catalog
from bomtrace.match import same_group
from bomtrace.normalize import part_key

PARTS_FILE = "parts.libraries.csv"
FAMILIES_FILE = "families.libraries.csv"
REPORT_FILE = Path("libraries-build.json")
#: the reviewed tables under catalogs/sources/
DOMAINS = Path(KICAD) / "domains.csv"
MAKER_FIELDS = {DIGIKEY: Path(DIGIKEY) / "makers.csv", "jlcpcb-kicad-library": Path("jlcpcb-kicad-library") / "makers.csv"}
CATEGORIES = Path("libraries") / "categories.csv"
CLONES = Path("libraries") / "clone-designations.csv"
#: where each library's rows can be found, for a row's source
ORIGINS = {KICAD: "KiCad/kicad-symbols", DIGIKEY: "Digi-Key/digikey-kicad-library",
           "jlcpcb-kicad-library": "CDFER/JLCPCB-Kicad-Library"}
#: library parts of one maker that must share a prefix before it becomes a family
MIN_FAMILY_PARTS = 3
#: defining parts a family's source names before 'and N more'
PARTS_LISTED = 4
@dataclass
class LibraryBuild:
    """The built part and family rows (sorted) and the report of what was read, kept and dropped."""

    parts: list[tuple[str, ...]] = field(default_factory=list)
    families: list[tuple[str, ...]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


# --- reading -------------------------------------------------------------------------------------

def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_tables(sources: Path) -> Tables:
    """The reviewed tables under `sources`."""
    return Tables(
        {r["domain"].lower(): r["manufacturer"] for r in _csv(sources / DOMAINS)},
        {lib: {r["manufacturer_field"]: r["manufacturer"] for r in _csv(sources / path)}
         for lib, path in MAKER_FIELDS.items()},
        {(r["library"], r["group"]): r["category"] for r in _csv(sources / CATEGORIES)},
        tuple(part_key(r["prefix"]) for r in _csv(sources / CLONES)),
    )


def curated_catalog(catalogs: Path) -> Catalog:
    """The catalog folder's tables without this build's own output, read and indexed."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in catalogs.iterdir():
            if path.is_file() and path.name not in (PARTS_FILE, FAMILIES_FILE):
                (Path(tmp) / path.name).symlink_to(path.resolve())
        return build_catalog([Path(tmp)])


# --- claims --------------------------------------------------------------------------------------

def row_maker(row: LibraryRow, tables: Tables, catalog: Catalog) -> tuple[str | None, str]:
    """A row's maker id, or None and the reason: the datasheet's domain (KiCad); the library's maker
    field, unless its datasheet's domain names a maker of another group (Digi-Key, JLCPCB)."""
    by_domain = domain_maker(row.datasheet, tables.domains)
    if row.library == KICAD:
        if by_domain is None:
            return None, "datasheet-domain-not-listed"
        return (by_domain, "") if by_domain else (None, "datasheet-domain-not-a-makers")
    maker = tables.maker_fields[row.library].get(row.manufacturer)
    if not maker:
        return None, "maker-not-in-catalog" if maker == "" else "maker-field-not-listed"
    if by_domain and not same_group(catalog, by_domain, maker):
        return None, "datasheet-domain-names-another-maker"
    return maker, ""


def row_source(row: LibraryRow) -> str:
    """'KiCad symbols 2020 (CC-BY-SA 4.0), KiCad/kicad-symbols@4e17d7595f96 MCU_ST_STM32F1.lib
    STM32F103C8Tx, datasheet www.st.com/…': library, commit, file, name, maker field, datasheet."""
    text = f"{TITLES[row.library]}, {ORIGINS[row.library]}@{row.commit} {row.file} {row.name}"
    if row.manufacturer:
        text += f", manufacturer {row.manufacturer}"
    datasheet = re.sub(r"^[a-z]+://", "", row.datasheet.strip(), flags=re.IGNORECASE)
    return text + (f", datasheet {datasheet}" if datasheet else "")


def row_category(row: LibraryRow, family: Family | None, maker: str, tables: Tables, catalog: Catalog
                 ) -> str:
    """The reviewed table's category for the row's library group; where the table leaves it open,
    the category of the curated family the part falls in when that family is its maker's group's."""
    category = tables.categories.get((row.library, row.group))
    if category:
        return category
    if category == "" and family and any(same_group(catalog, maker, m) for m in family.manufacturers):
        return family.category
    return ""


def brand(maker: str, family: Family | None, catalog: Catalog) -> str:
    """The maker as the curated catalog files the part: an unambiguous curated family's maker when it
    is of the same group (an ATmega under microchip.com is Atmel's; an LTC part on analog.com Linear's)."""
    if family and not family.ambiguous and family.manufacturers[0] != maker \
            and same_group(catalog, maker, family.manufacturers[0]):
        return family.manufacturers[0]
    return maker


# --- the build -----------------------------------------------------------------------------------

@dataclass
class _State:
    """What the build collects while it reads the libraries."""

    claims: list[Claim] = field(default_factory=list)
    stems: list[tuple[str, Claim]] = field(default_factory=list)  # KiCad wildcard stems
    dropped: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    read: Counter[str] = field(default_factory=Counter)


def _claim(row: LibraryRow, tables: Tables, catalog: Catalog, state: _State) -> None:
    state.read[row.library] += 1
    drop = state.dropped[row.library]
    maker, reason = row_maker(row, tables, catalog)
    if maker is None:
        drop[reason] += 1
        return
    stem = wildcard_stem(row.name) if row.library == KICAD else None
    text = stem if stem is not None else row.name
    if not looks_like_part_number(text, row.library):
        drop["wildcard-stem-not-a-prefix" if stem is not None else "not-a-part-number"] += 1
        return
    key = part_key(text)
    family = catalog.family_for(key, text)
    maker = brand(maker, family, catalog)
    category = row_category(row, family, maker, tables, catalog)
    if not category:
        drop["no-category"] += 1
        return
    claim = Claim(text, key, maker, category, row.description, row_source(row), row.library, row.datasheet)
    if stem is not None:
        state.stems.append((row.name, claim))
        drop["wildcard-to-family-prefix"] += 1
        return
    state.claims.append(claim)


def _part_conflict(claim: Claim, makers: set[str], catalog: Catalog, clones: tuple[str, ...],
                   contested: bool = False) -> str:
    """Why a claim may not become a part row ('' when it may). `contested`: makers of several groups
    claim parts of its series prefix and its datasheet's URL does not spell that prefix."""
    family = catalog.family_for(claim.key, claim.part_number)
    generic = bool(family and family.generic)
    if claim.library == KICAD and generic:
        return "kicad-generic-designation"
    if not generic and is_clone_designation(claim.key, clones):
        return "clone-designation"
    if family and not family.ambiguous and not any(same_group(catalog, claim.maker, m)
                                                  for m in family.manufacturers):
        return "in-another-makers-curated-family"
    if any(rule.manufacturer != claim.maker for rule in catalog.rule_index.matching(claim.key)):
        return "fits-another-makers-rule"
    curated = {p.manufacturer for p in catalog.by_key.get(claim.key) or ()}
    if claim.maker in curated:
        return "already-curated"
    if (curated or len(makers) > 1) and not generic:
        return "claimed-by-another-maker"
    if contested and not generic:
        return "contested-prefix-datasheet-does-not-name-it"
    return ""


def accept_parts(state: _State, catalog: Catalog, tables: Tables) -> tuple[list[Claim], list[Claim]]:
    """The claims that become part rows (one per key and maker), and every claim that attests a
    library part of its maker (those plus the curated duplicates), for the family rule. A claim whose
    series prefix makers of several groups claim must have a datasheet URL that spells the prefix
    (a KiCad symbol that links another maker's datasheet: Si8244BB -> onsemi NCD5702-D.PDF)."""
    makers: dict[str, set[str]] = defaultdict(set)
    groups: dict[str, set[str]] = defaultdict(set)
    for claim in state.claims:
        makers[claim.key].add(claim.maker)
        if (prefix := natural_prefix(claim.key)) is not None:
            groups[prefix].add(catalog.owner_of(claim.maker))
    kept: dict[tuple[str, str], Claim] = {}
    attested: list[Claim] = []
    for claim in sorted(state.claims, key=lambda c: (LIBRARIES.index(c.library), c.key, c.source)):
        prefix = natural_prefix(claim.key)
        contested = bool(prefix and len(groups[prefix]) > 1 and not datasheet_names(claim.datasheet, prefix))
        reason = _part_conflict(claim, makers[claim.key], catalog, tables.clones, contested)
        if reason in ("", "already-curated"):
            attested.append(claim)
        if not reason and (claim.key, claim.maker) in kept:
            reason = "duplicate"
        if reason:
            state.dropped[claim.library][reason] += 1
            continue
        kept[(claim.key, claim.maker)] = claim
    return sorted(kept.values(), key=lambda c: (c.key, c.maker)), attested


@dataclass(frozen=True)
class _Candidate:
    """A family prefix the libraries suggest: key, prefix as printed, maker, category, its parts."""

    key: str
    prefix: str
    maker: str
    category: str
    series: str
    source: str
    kind: str  # 'wildcard' or 'shared-prefix'


def _wildcard_candidates(stems: list[tuple[str, Claim]]) -> list[_Candidate]:
    by_key: dict[tuple[str, str], list[tuple[str, Claim]]] = defaultdict(list)
    for name, claim in sorted(stems, key=lambda s: (s[1].key, s[1].maker, s[0])):
        by_key[(claim.key, claim.maker)].append((name, claim))
    found = []
    for (key, maker), symbols in by_key.items():
        name, first = symbols[0]
        more = f" and {len(symbols) - 1} more symbols" if len(symbols) > 1 else ""
        found.append(_Candidate(key, first.part_number, maker, first.category,
                                f"{first.part_number} (KiCad symbol {name}): {first.description}".strip(": "),
                                f"{first.source}{more}", "wildcard"))
    return found


def _shared_prefix_candidates(attested: list[Claim], catalog: Catalog, dropped: Counter[str]
                              ) -> list[_Candidate]:
    groups: dict[tuple[str, str], dict[str, Claim]] = defaultdict(dict)
    for claim in attested:
        if (prefix := natural_prefix(claim.key)) is not None:
            groups[(prefix, claim.maker)].setdefault(claim.key, claim)
    found = []
    for (prefix, maker), parts in sorted(groups.items()):
        if len(parts) < MIN_FAMILY_PARTS:
            continue
        categories = {c.category for c in parts.values()}
        if len(categories) > 1:
            dropped["mixed-categories"] += 1
            continue
        listed = [parts[k] for k in sorted(parts)]
        names = ", ".join(f"{c.part_number} ({c.source.split(',')[0]})" for c in listed[:PARTS_LISTED])
        more = f" and {len(listed) - PARTS_LISTED} more" if len(listed) > PARTS_LISTED else ""
        name = catalog.manufacturers[maker].name
        found.append(_Candidate(prefix, prefix, maker, categories.pop(),
                                f"{prefix} parts of {name} ({len(listed)} in open parts libraries)",
                                f"prefix shared by {len(listed)} {name} parts in open parts libraries, "
                                f"each with its maker's datasheet: {names}{more}", "shared-prefix"))
    return found


def _family_conflict(cand: _Candidate, catalog: Catalog, others: Mapping[str, set[str]],
                     clones: tuple[str, ...]) -> str:
    """Why a candidate prefix may not become a family ('' when it may)."""
    key = cand.key
    if len(key) < MIN_KEY:
        return "prefix-too-short"
    if is_clone_designation(key, clones):
        return "clone-designation"
    if key in catalog.family_by_key:
        return "already-a-curated-family"
    for fam in catalog.families.values():
        if set(fam.manufacturers) != {cand.maker} and nests(fam.key, key):
            return "nests-with-another-makers-curated-family"
    if any(p.manufacturer != cand.maker for k in catalog.keys_starting_with(key)
           for p in catalog.by_key.get(k) or ()):
        return "a-curated-part-of-another-maker-starts-with-it"
    if any(m != cand.maker for k, makers in others.items() if k.startswith(key) for m in makers):
        return "a-library-part-of-another-maker-starts-with-it"
    return ""


def derive_families(state: _State, attested: list[Claim], catalog: Catalog, tables: Tables
                    ) -> list[_Candidate]:
    """The family prefixes that pass every rule, one per key, none nested in another."""
    drop: Counter[str] = state.dropped["families"]
    others: dict[str, set[str]] = defaultdict(set)
    for claim in state.claims:
        others[claim.key].add(claim.maker)
    candidates = _wildcard_candidates(state.stems) + _shared_prefix_candidates(attested, catalog, drop)
    passed: dict[str, _Candidate] = {}
    for cand in sorted(candidates, key=lambda c: (c.key, c.kind != "wildcard", c.maker)):
        reason = _family_conflict(cand, catalog, others, tables.clones)
        if not reason and cand.key in passed:
            reason = "duplicate" if passed[cand.key].maker == cand.maker else "same-prefix-another-maker"
        if reason:
            drop[f"{cand.kind}:{reason}"] += 1
            continue
        passed[cand.key] = cand
    keys = sorted(passed)
    clash = {k for k in keys for j in keys if j != k and nests(j, k) and passed[j].maker != passed[k].maker}
    kept: list[_Candidate] = []
    for key in keys:
        cand = passed[key]
        if key in clash:
            drop[f"{cand.kind}:nests-with-another-makers-library-family"] += 1
        elif kept and key.startswith(kept[-1].key):
            drop[f"{cand.kind}:nested-in-a-library-family-of-the-same-maker"] += 1
        else:
            kept.append(cand)
    return kept


def build_libraries(sources: Path, catalogs: Path) -> LibraryBuild:
    """Part and family rows from the library extracts under `sources`, checked against the curated
    tables of `catalogs`, with the report of every count."""
    tables = read_tables(sources)
    catalog = curated_catalog(catalogs)
    state = _State()
    for library in LIBRARIES:
        for row in read_library(sources, library):
            _claim(row, tables, catalog, state)
    accepted, attested = accept_parts(state, catalog, tables)
    families = derive_families(state, attested, catalog, tables)
    build = LibraryBuild()
    build.parts = [(c.part_number, c.maker, c.category, c.description, "", c.source) for c in accepted]
    build.families = [(f.prefix, f.maker, f.category, f.series, "no", f.source) for f in families]
    build.report = _report(state, accepted, families)
    return build


def _report(state: _State, accepted: list[Claim], families: list[_Candidate]) -> dict[str, Any]:
    by_library = Counter(c.library for c in accepted)
    return {
        "rows_read": dict(state.read),
        "parts": len(accepted),
        "parts_by_library": {lib: by_library[lib] for lib in LIBRARIES},
        "parts_by_maker": dict(sorted(Counter(c.maker for c in accepted).items(), key=lambda i: (-i[1], i[0]))),
        "families": len(families),
        "families_by_kind": dict(sorted(Counter(f.kind for f in families).items())),
        "families_by_maker": dict(sorted(Counter(f.maker for f in families).items(), key=lambda i: (-i[1], i[0]))),
        "dropped": {k: dict(sorted(v.items())) for k, v in sorted(state.dropped.items())},
    }


def write_libraries(build: LibraryBuild, catalogs: Path, report: Path) -> None:
    """Write the two tables (UTF-8, LF, the catalog's columns) and the JSON report."""
    for name, table, rows in ((PARTS_FILE, "parts", build.parts), (FAMILIES_FILE, "families", build.families)):
        with (catalogs / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(TABLES[table])
            writer.writerows(rows)
    report.write_text(json.dumps(build.report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")




def build_and_write_libraries(sources: Path, catalogs: Path) -> str:
    """Rebuild the library tables of a catalogs folder from its sources/; a one-line summary (a folder
    without the library extracts is left as it is)."""
    missing = [str(sources / EXTRACTS[lib]) for lib in LIBRARIES if not (sources / EXTRACTS[lib]).is_file()]
    if missing:
        return f"library tables not rebuilt: no {', '.join(missing)}"
    build = build_libraries(sources, catalogs)
    write_libraries(build, catalogs, sources / REPORT_FILE)
    return (f"{catalogs / PARTS_FILE}: {len(build.parts)} parts; {catalogs / FAMILIES_FILE}: "
            f"{len(build.families)} families")
