"""Screening: the companies a line names (maker, owner, suppliers, importers) against sanctions lists.

The rule, and nothing fuzzier: a party's name and a list entry's name, alias or former name are equal
after the catalog's normaliser (`maker_key`: transliterated, lower case, legal forms and punctuation
gone, so 'ООО X' and 'АО X' are equal) and the English legal forms it leaves at either end ('JSC X',
'Limited Liability Company X', data/screening_legal_forms.txt); and where both sides give a country,
the party's is one of the entry's listed address countries. A key shorter than four characters decides nothing (an acronym
matches too many companies). A hit says that a name matches a list entry, never that the party is
the listed entity: its detail shows both full names, legal forms included, for a reader to weigh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from bomtrace import resources
from bomtrace.models import ScreeningHit
from bomtrace.normalize import maker_key
from bomtrace.sanctions.tables import ListEntry, file_date

#: The shortest normalised name that is screened, on either side.
MIN_KEY = 4


@lru_cache(maxsize=1)
def _legal_forms() -> tuple[tuple[str, ...], ...]:
    """The legal forms of data/screening_legal_forms.txt as word tuples, longest first."""
    text = resources.data_file("screening_legal_forms.txt").read_text(encoding="utf-8")
    forms = {tuple(line.split()) for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


@lru_cache(maxsize=65536)
def screening_key(name: str) -> str:
    """A name as screening compares it: the catalog's normaliser (maker_key), then the legal forms it
    leaves at the start or end in English or transliterated ('JSC', 'Limited Liability Company')
    removed, as long as a name remains."""
    words = maker_key(name).split()
    changed = True
    while changed:
        changed = False
        for form in _legal_forms():
            size = len(form)
            if len(words) > size and tuple(words[:size]) == form:
                words, changed = words[size:], True
            elif len(words) > size and tuple(words[-size:]) == form:
                words, changed = words[:-size], True
    return " ".join(words)


@dataclass(frozen=True)
class NamedParty:
    """A company a line names, in a role, with the country known for it (None when unknown)."""

    role: str
    name: str
    country: str | None
    #: the company as the line names it, when `name` is another name the catalog gives it
    named_as: str = ""


@dataclass
class ScreeningIndex:
    """List entries by the normalised key of each of their names: (entry, name, kind) per key."""

    entries: list[ListEntry] = field(default_factory=list)
    by_key: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[ListEntry]) -> ScreeningIndex:
        """An index of every name, alias and former name whose key is long enough."""
        index = cls(list(entries))
        found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for i, entry in enumerate(index.entries):
            names = [(entry.name, "name")] + [(a, "alias") for a in entry.aliases] + \
                    [(f, "former name") for f in entry.former_names]
            for name, kind in names:
                key = screening_key(name) if name else ""
                if len(key) >= MIN_KEY and (i, name, kind) not in found[key]:
                    found[key].append((i, name, kind))
        index.by_key = dict(found)
        return index

    def screen(self, party: NamedParty) -> list[ScreeningHit]:
        """The list entries whose name equals the party's after normalisation and whose countries,
        where both sides give one, agree; one hit per entry (its first matching name)."""
        key = screening_key(party.name)
        if len(key) < MIN_KEY:
            return []
        hits: dict[tuple[str, str], ScreeningHit] = {}
        for i, name, kind in self.by_key.get(key, ()):
            entry = self.entries[i]
            if party.country and entry.countries and party.country not in entry.countries:
                continue
            source = entry.name_from if kind == "name" else entry.aliases_from
            hits.setdefault((entry.list, entry.entry), ScreeningHit(
                party.role, party.name, party.country, entry.list, entry.entry, entry.name, name, kind,
                entry.programs, entry.countries, file_date(source) or entry.published, entry.published,
                entry.designated, party.named_as))
        return list(hits.values())


def unique_parties(parties: Iterable[NamedParty]) -> list[NamedParty]:
    """Each company once by normalised name, the first role it is named in winning (the maker as
    reported, then as the catalog names it, its owners, then suppliers, importers, involved)."""
    seen: set[str] = set()
    unique = []
    for party in parties:
        key = screening_key(party.name) if party.name else ""
        if key and key not in seen:
            seen.add(key)
            unique.append(party)
    return unique


def screen_parties(index: ScreeningIndex, parties: Iterable[NamedParty]) -> tuple[ScreeningHit, ...]:
    """Every list entry some party's name matches, once (the first party to match it), in the
    parties' order."""
    hits: dict[tuple[str, str], ScreeningHit] = {}
    for party in parties:
        for hit in index.screen(party):
            hits.setdefault((hit.list, hit.entry), hit)
    return tuple(hits.values())
