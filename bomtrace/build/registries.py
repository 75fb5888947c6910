"""Registries: the maker registry table (catalogs/registry.csv) built from the open-registry extracts
under catalogs/sources/, with the curated maker tables on top.

One row per maker key (`bomtrace.normalize.maker_key`, the matcher's own normaliser) whose records all
state one country. Each rule is a small function below; every record or key left out is counted by
reason in the report, never raised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bomtrace.build.records import DATASETS, EXTRACTS, IEEE, OFAC, Record, read_records
from bomtrace.countries import is_country
from bomtrace.normalize import is_ordinary_word, maker_key

HEADER = ("id", "name", "key", "country", "confidence", "source")
PROBABLE = "probable"
POSSIBLE = "possible"
#: keys shorter than this name nothing ('ab', '')
MIN_KEY_LENGTH = 3
#: a one-word key this short or shorter is an acronym many companies share ('ace', 'abb')
MAX_ACRONYM_LENGTH = 3
#: a key of at most this many words, all generic ones, names no company ('advanced systems')
MAX_GENERIC_WORDS = 3
#: the generic words, under catalogs/sources/
GENERIC_WORDS = Path("generic-words.txt")
#: how many record identities a row's source lists before 'and N more'
SOURCES_LISTED = 3


@dataclass(frozen=True)
class RegistryRow:
    """A maker of the registry: its most common spelling, key, country, and the records it rests on."""

    id: str
    name: str
    key: str
    country: str
    confidence: str
    source: str

    def values(self) -> tuple[str, ...]:
        return (self.id, self.name, self.key, self.country, self.confidence, self.source)


@dataclass
class RegistryBuild:
    """The built rows (sorted by key) and the report of what was read, kept and left out."""

    rows: list[RegistryRow] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


# --- the rules -----------------------------------------------------------------------------------

def is_valid_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code, upper case, known to pycountry."""
    return len(code) == 2 and code.isupper() and is_country(code)


def is_generic_key(key: str, generic_words: frozenset[str] = frozenset()) -> bool:
    """A key too common to identify a company: only digits; one word that is an ordinary English word
    or plural ('apple', 'sharp') or of three characters or fewer ('ace'); or up to three words all in
    `generic_words` ('advanced systems', 'digital electronics')."""
    words = key.split()
    if all(w.isdigit() for w in words):
        return True
    if len(words) == 1 and (len(key) <= MAX_ACRONYM_LENGTH or is_ordinary_word(key)):
        return True
    return len(words) <= MAX_GENERIC_WORDS and all(w in generic_words for w in words)


def read_generic_words(path: Path) -> frozenset[str]:
    """The words of a word list: one a line, '#' starts a comment."""
    text = path.read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if (word := line.split("#")[0].strip()))


def registry_slug(key: str) -> str:
    """'r-' + the key in ASCII lower case, each run of other characters one '-', trimmed."""
    return "r-" + re.sub(r"[^a-z0-9]+", "-", key.lower().encode("ascii", "ignore").decode()).strip("-")


def assign_ids(keys: Iterable[str]) -> dict[str, str]:
    """Each key's id: its slug, or the slug with '-2', '-3' … for later keys (in key order) that give
    a slug already taken."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(keys):
        slug = base = registry_slug(key)
        n = 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        ids[key] = slug
    return ids


def choose_name(records: Sequence[Record]) -> str:
    """The spelling most records give; on a tie the first in sort order."""
    counts = Counter(r.name for r in records)
    return min(counts, key=lambda name: (-counts[name], name))


def confidence(records: Sequence[Record]) -> str:
    """'probable' when a listed-company or sanctions-list record names the maker, or IEEE and another
    dataset agree (the build keeps only keys whose records agree); 'possible' on IEEE alone."""
    return POSSIBLE if {r.dataset for r in records} == {IEEE} else PROBABLE


def source_text(records: Sequence[Record]) -> str:
    """The distinct record identities, listed companies first, then sanctions, then IEEE, each in
    order; three at most, then 'and N more'."""
    identities = sorted({(DATASETS.index(r.dataset), r.identity) for r in records})
    listed = "; ".join(identity for _, identity in identities[:SOURCES_LISTED])
    more = len(identities) - SOURCES_LISTED
    return f"{listed} and {more} more" if more > 0 else listed


def curated_keys(curated: Path) -> set[str]:
    """The maker keys of every name and alias in the curated manufacturers*.csv tables."""
    keys: set[str] = set()
    for path in _manufacturer_files(curated):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for name in [row.get("name") or "", *(row.get("aliases") or "").split("|")]:
                    if name.strip():
                        keys.add(maker_key(name.strip()))
    keys.discard("")
    return keys


def _manufacturer_files(curated: Path) -> list[Path]:
    return sorted(p for p in curated.glob("manufacturers*.csv")
                  if p.name == "manufacturers.csv" or p.name.startswith("manufacturers."))


# --- the build -----------------------------------------------------------------------------------

def build_registry(sources: Path, curated: Path) -> RegistryBuild:
    """The registry rows from the extracts under `sources`, keys of the curated makers under `curated`
    left to them; records and keys left out are counted by reason in the report."""
    ofac_unplaced: Counter[str] = Counter()
    records = read_records(sources, ofac_unplaced)
    read = Counter(r.dataset for r in records) + Counter({OFAC: sum(ofac_unplaced.values())})
    dropped_records: dict[str, Counter[str]] = {reason: Counter({OFAC: n}) for reason, n in ofac_unplaced.items()}
    groups = _group_by_key(records, dropped_records)
    taken = curated_keys(curated)
    generic_words = read_generic_words(sources / GENERIC_WORDS)
    dropped_keys: dict[str, Counter[str]] = defaultdict(Counter)
    kept: dict[str, list[Record]] = {}
    for key in sorted(groups):
        reason = _key_drop_reason(key, groups[key], taken, generic_words)
        if reason:
            dropped_keys[reason]["keys"] += 1
            dropped_keys[reason]["records"] += len(groups[key])
        else:
            kept[key] = groups[key]
    ids = assign_ids(kept)
    rows = [RegistryRow(ids[key], choose_name(recs), key, recs[0].country, confidence(recs), source_text(recs))
            for key, recs in kept.items()]
    report = _report(sources, curated, rows, kept, read, dropped_records, dropped_keys, len(taken))
    return RegistryBuild(rows, report)


def _group_by_key(records: Iterable[Record], dropped: dict[str, Counter[str]]) -> dict[str, list[Record]]:
    """Records by maker key, without those whose name keys to under three characters, whose country
    is not ISO 3166-1, or that repeat a record exactly (same dataset, identity, name and country)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    seen: set[Record] = set()
    for record in records:
        key = maker_key(record.name)
        reason = ("name-too-short" if len(key) < MIN_KEY_LENGTH
                  else "invalid-country" if not is_valid_country(record.country)
                  else "duplicate" if record in seen else None)
        if reason:
            dropped.setdefault(reason, Counter())[record.dataset] += 1
        else:
            seen.add(record)
            groups[key].append(record)
    return groups


def _key_drop_reason(key: str, records: Sequence[Record], curated: set[str], generic_words: frozenset[str]
                     ) -> str | None:
    if key in curated:
        return "curated"
    if is_generic_key(key, generic_words):
        return "generic"
    if len({r.country for r in records}) > 1:
        return "conflicting-countries"
    return None


def _report(sources: Path, curated: Path, rows: Sequence[RegistryRow], kept: Mapping[str, Sequence[Record]],
            read: Mapping[str, int], dropped_records: Mapping[str, Mapping[str, int]],
            dropped_keys: Mapping[str, Mapping[str, int]], curated_count: int) -> dict[str, Any]:
    by_dataset = Counter(d for recs in kept.values() for d in {r.dataset for r in recs})
    by_country = Counter(row.country for row in rows)
    return {
        "sources": {str(path.as_posix()): {"rows": _count_rows(sources / path),
                                           "sha256": hashlib.sha256((sources / path).read_bytes()).hexdigest()}
                    for path in (EXTRACTS[d] for d in sorted(EXTRACTS))},
        "curated": {"files": [p.name for p in _manufacturer_files(curated)], "keys": curated_count},
        "records_read": {d: read.get(d, 0) for d in sorted(EXTRACTS)},
        "records_dropped": {reason: dict(sorted(c.items())) for reason, c in sorted(dropped_records.items())},
        "keys_dropped": {reason: dict(sorted(c.items())) for reason, c in sorted(dropped_keys.items())},
        "rows": len(rows),
        "by_confidence": dict(sorted(Counter(row.confidence for row in rows).items())),
        "by_dataset": dict(sorted(by_dataset.items())),
        "by_datasets": dict(sorted(Counter("+".join(sorted({r.dataset for r in recs}))
                                           for recs in kept.values()).items())),
        "by_country": dict(sorted(by_country.items(), key=lambda item: (-item[1], item[0]))),
    }


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


# --- writing -------------------------------------------------------------------------------------

def registry_csv(build: RegistryBuild) -> str:
    """The table as CSV text: the header, then one line per row, '\\n' line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(row.values() for row in build.rows)
    return buffer.getvalue()


def report_json(build: RegistryBuild) -> str:
    """The report as indented JSON text ending in a newline."""
    return json.dumps(build.report, indent=2, ensure_ascii=False) + "\n"


def write_registry(build: RegistryBuild, out_csv: Path, report_json_path: Path) -> None:
    """Write the table and its report as UTF-8 files."""
    out_csv.write_text(registry_csv(build), encoding="utf-8", newline="")
    report_json_path.write_text(report_json(build), encoding="utf-8", newline="")
