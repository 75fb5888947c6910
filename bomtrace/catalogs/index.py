"""The merged catalog and its indexes: parts by key and marking, families by prefix, makers by name."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from anyascii import anyascii

from bomtrace.catalogs.makers import MakerIndex, maker_index
from bomtrace.catalogs.schema import Category, Family, Manufacturer, Marking, OwnershipEvent
from bomtrace.grammar import Rule, RuleIndex, conflicts
from bomtrace.models import CatalogInfo, Restriction
from bomtrace.normalize import fold_lookalikes, is_ordinary_word, maker_key, part_key
from bomtrace.partindex import Part, PartIndex


@dataclass
class Catalog:
    """All tables merged and indexed; build it with `load_catalogs`."""

    manufacturers: dict[str, Manufacturer] = field(default_factory=dict)
    #: makers known only from open registries (catalogs/registry*.csv), by id; matched only by exact name
    registry: dict[str, Manufacturer] = field(default_factory=dict)
    ownership: dict[str, list[OwnershipEvent]] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    parts: dict[tuple[str, str], Part] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    chpl: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, str] = field(default_factory=dict)
    #: makers' logos or marks as printed (keywords of kind `logo`), by the mark in upper case
    logos: dict[str, str] = field(default_factory=dict)
    #: part-number grammar rules by (pattern, maker)
    rules: dict[tuple[str, str], Rule] = field(default_factory=dict)
    #: top-marking codes by (marking key, part key, maker)
    markings: dict[tuple[str, str, str], Marking] = field(default_factory=dict)
    restrictions: list[Restriction] = field(default_factory=list)
    infos: list[CatalogInfo] = field(default_factory=list)
    as_of: str = ""
    # indexes, filled by build_indexes()
    #: parts by key, filled by build_indexes() (catalog.parts is emptied then: the index holds them)
    by_key: PartIndex = field(default_factory=lambda: PartIndex(()))
    by_marking: dict[str, list[Part]] = field(default_factory=dict)
    family_by_key: dict[str, Family] = field(default_factory=dict)
    family_lengths: list[int] = field(default_factory=list)
    #: makers by name key: curated names (exact and fuzzy), registry names (exact only)
    makers: MakerIndex = field(default_factory=MakerIndex)
    #: makers' own distinctive names as they may appear in free text, filled by build_indexes()
    name_keywords: dict[str, str] = field(default_factory=dict)
    #: the grammar rules by literal prefix, filled by build_indexes()
    rule_index: RuleIndex = field(default_factory=lambda: RuleIndex(()))
    #: rules that also fit a part another maker lists: they decide a maker at `possible` at most
    shared_rules: frozenset[tuple[str, str]] = frozenset()
    # where each family, part and keyword row was read: (table, key) -> "file:line"
    places: dict[tuple[str, str], str] = field(default_factory=dict)
    rows_read: int = 0
    #: while a folder is read: refuse rows citing the records bomtrace is measured against
    refusing_evaluation_sources: bool = False

    def build_indexes(self) -> None:
        """Index parts by key and marking, families by prefix key, makers by every name's key."""
        self.by_key = PartIndex(self.parts.values())
        self.parts = {}
        by_marking: dict[str, list[Part]] = defaultdict(list)
        for mark, parts in self.by_key.marked().items():
            by_marking[part_key(mark)].extend(parts)
        for (mark, key, maker), _ in sorted(self.markings.items()):
            listed = [p for p in self.by_key.get(key) or () if p.manufacturer == maker]
            by_marking[mark].extend(p for p in listed if p not in by_marking[mark])
        self.by_marking = dict(by_marking)
        self.rule_index = RuleIndex(self.rules.values())
        self.shared_rules = frozenset((r.pattern, r.manufacturer)
                                      for r in conflicts(self.rules.values(), self.by_key.keys_and_makers()))
        self.family_by_key = {f.key: f for f in self.families.values()}
        self.family_lengths = sorted({len(k) for k in self.family_by_key}, reverse=True)
        curated = ((maker_key(name), maker.id) for maker in self.manufacturers.values()
                   for name in (maker.name, *maker.aliases))
        self.makers = maker_index(curated, ((m.key, m.id) for m in self.registry.values()))
        self.registry = {i: m for i, m in self.registry.items() if self.makers.registry.get(m.key) == i}
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

    def country_of_name(self, name: str) -> str | None:
        """The country of the curated or registry maker a name is, exactly (name or alias), else None."""
        key = maker_key(name)
        maker_id = self.makers.curated.get(key) or self.makers.registry.get(key)
        return self.maker(maker_id).country if maker_id else None

    def maker(self, maker_id: str) -> Manufacturer:
        """A curated or registry maker by id."""
        found = self.manufacturers.get(maker_id) or self.registry.get(maker_id)
        if found is None:
            raise KeyError(maker_id)
        return found

    def owner_of(self, maker_id: str) -> str:
        """The ultimate parent today (following `parent` up), the company itself if independent."""
        if maker_id not in self.manufacturers:
            return maker_id  # a registry maker: no owner is known
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


def dashed_form(text: str) -> str:
    """A part number as printed, for dash checks: look-alikes folded, only letters, digits, dots and
    dashes kept."""
    return re.sub(r"[^A-Z0-9.\-]", "", fold_lookalikes(text))
