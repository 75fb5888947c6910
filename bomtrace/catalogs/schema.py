"""The catalog's tables: their columns, the values some columns allow, and the rows they become."""

from __future__ import annotations

import re
from dataclasses import dataclass

TABLES: dict[str, tuple[str, ...]] = {
    "manufacturers": ("id", "name", "aliases", "country", "domain", "parent", "source"),
    "ownership": ("manufacturer", "date", "event", "other", "source"),
    "families": ("prefix", "manufacturer", "category", "series", "ambiguous", "source"),
    "parts": ("part_number", "manufacturer", "category", "description", "markings", "source"),
    "categories": ("category", "hs6", "label", "source"),
    "chpl": ("hs6", "tier", "description", "source"),
    "keywords": ("keyword", "manufacturer", "kind", "source"),
    "restrictions": ("date", "jurisdiction", "measure", "targets", "source"),
    "registry": ("id", "name", "key", "country", "confidence", "source"),
    "rules": ("pattern", "manufacturer", "category", "series", "fields", "example", "source"),
    "markings": ("marking", "part_number", "manufacturer", "source"),
}
#: How sure a registry row is of its maker's country: `probable` when a listed-company or
#: sanctions-list record gives it (or two datasets agree), `possible` on one IEEE record alone.
REGISTRY_CONFIDENCES = ("probable", "possible")
#: `ambiguous` in families: no; yes (a prefix several makers use for their own parts); generic (the
#: same designations are made by several makers). Empty means no.
AMBIGUITY_VALUES = {"", "no", "n", "false", "0", "yes", "y", "true", "1", "generic"}
OWNERSHIP_EVENTS = {"acquired_by", "merged_into", "renamed_to", "spun_off_from", "majority_sold_to",
                    "became_independent"}
#: Events after which `other` owns the company.
OWNING_EVENTS = {"acquired_by", "merged_into", "majority_sold_to"}
#: Sources a catalog row must not rest on: the GUR "War & Sanctions" portal and copies of it, where the
#: records bomtrace is measured against come from.
_EVALUATION_SOURCE = re.compile(r"war-sanctions\.gur\.gov\.ua|war\s*(?:&|and)\s*sanctions|awesome-drone-warfare-osint",
                                re.IGNORECASE)
_GUR = re.compile(r"\bGUR\b")
#: catalog.toml key that turns the check on for a folder (on for the shipped catalog).
REFUSE_EVALUATION_SOURCES = "refuse_evaluation_sources"


def cites_evaluation_records(source: str) -> bool:
    """True when a row's source names the GUR portal (its domain, "War & Sanctions", "GUR") or a
    known copy of it."""
    return bool(_EVALUATION_SOURCE.search(source) or _GUR.search(source))


#: keywords `kind` of a maker's logo or mark as printed ('TI', 'ST'): too short to name the maker alone
#: with confidence, so it decides at `possible` alone and helps decide what a part's evidence supports
LOGO = "logo"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Manufacturer:
    """A maker: a curated row (manufacturers*.csv) or a registry row (registry*.csv, built from open
    datasets; `key` precomputed, `confidence` how sure its country is)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    domain: str
    parent: str
    source: str
    evidence: str = "curated"
    key: str = ""
    confidence: str = ""


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


@dataclass(frozen=True)
class Marking:
    """A code a maker prints on the package instead of the part number (a top-marking code)."""

    marking: str
    part_key: str
    manufacturer: str
    source: str
