"""The part index: catalog parts in columns, sorted by key, looked up like a dict of key -> parts.

A catalog imported from a distributor can hold millions of parts. Keeping them as columns of
shared strings (one object per distinct maker, category or source) instead of one object per part
keeps memory and the on-disk cache small, and a Part is only made for the rows a look-up returns.
"""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

FUZZY_PREFIX = 3


@dataclass(frozen=True)
class Part:
    """One catalog part row."""

    part_number: str
    key: str
    manufacturer: str
    category: str
    description: str
    markings: tuple[str, ...]
    source: str


class PartIndex:
    """Parts by normalised key: `index.get(key)`, `key in index`, `index[key]` give the parts with
    that key; `keys_starting_with` and `fuzzy_block` serve the truncated and fuzzy matchers."""

    def __init__(self, parts: Iterable[Part]) -> None:
        rows = sorted(parts, key=lambda p: (p.key, p.manufacturer))
        shared: dict[str, str] = {}

        def one(text: str) -> str:
            return shared.setdefault(text, text)

        self._makers = [one(p.manufacturer) for p in rows]
        self._categories = [one(p.category) for p in rows]
        self._descriptions = [one(p.description) for p in rows]
        self._sources = [one(p.source) for p in rows]
        self._markings = {i: p.markings for i, p in enumerate(rows) if p.markings}
        self.keys: list[str] = []
        self._numbers: list[str] = []
        starts = array("l")
        for i, part in enumerate(rows):
            if not self.keys or self.keys[-1] != part.key:
                self.keys.append(part.key)
                starts.append(i)
            # a number written as its key (most are) is the key's own string: one object to unpickle
            self._numbers.append(self.keys[-1] if part.part_number == part.key else part.part_number)
        starts.append(len(rows))
        self._starts = starts
        self._build_lookups()

    def _build_lookups(self) -> None:
        self._position = dict(zip(self.keys, range(len(self.keys)), strict=True))
        self._blocks: dict[tuple[str, int], list[str]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_position"], state["_blocks"]  # rebuilt on load: cheaper than unpickling them
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._build_lookups()

    def _part(self, row: int) -> Part:
        return Part(self._numbers[row], self.keys[bisect.bisect_right(self._starts, row) - 1],
                    self._makers[row], self._categories[row], self._descriptions[row],
                    self._markings.get(row, ()), self._sources[row])

    def get(self, key: str) -> list[Part] | None:
        """The parts with this key, or None."""
        position = self._position.get(key)
        if position is None:
            return None
        start, end = self._starts[position], self._starts[position + 1]
        return [Part(self._numbers[r], key, self._makers[r], self._categories[r], self._descriptions[r],
                     self._markings.get(r, ()), self._sources[r]) for r in range(start, end)]

    def __getitem__(self, key: str) -> list[Part]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._position

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    @property
    def rows(self) -> int:
        return len(self._numbers)

    def keys_and_makers(self) -> Iterator[tuple[str, str]]:
        """(key, maker) of every part row, in key order, without making Part objects."""
        for position, key in enumerate(self.keys):
            for row in range(self._starts[position], self._starts[position + 1]):
                yield key, self._makers[row]

    def parts(self) -> Iterator[Part]:
        """Every part, in key order."""
        return (self._part(row) for row in range(len(self._numbers)))

    def marked(self) -> dict[str, list[Part]]:
        """Parts by each top-marking code they carry, keyed by `key_of(marking)` later."""
        found: dict[str, list[Part]] = defaultdict(list)
        for row, marks in self._markings.items():
            part = self._part(row)
            for mark in marks:
                found[mark].append(part)
        return dict(found)

    def begins_a_key(self, prefix: str) -> bool:
        """Whether some part key begins with `prefix`."""
        keys = self.keys
        start = bisect.bisect_left(keys, prefix)
        return start < len(keys) and keys[start].startswith(prefix)

    def keys_starting_with(self, prefix: str, limit: int | None = None) -> list[str]:
        """Part keys that begin with `prefix`, in order (the first `limit` of them if given)."""
        keys = self.keys
        start = bisect.bisect_left(keys, prefix)
        end = bisect.bisect_left(keys, prefix + "\uffff", start)
        return keys[start:end if limit is None else min(end, start + limit)]

    def fuzzy_block(self, key: str, spread: int) -> list[str]:
        """Keys sharing `key`'s first characters whose length is within `spread` of its own."""
        if self._blocks is None:
            blocks: dict[tuple[str, int], list[str]] = defaultdict(list)
            for known in self.keys:
                blocks[(known[:FUZZY_PREFIX], len(known))].append(known)
            self._blocks = dict(blocks)
        start = key[:FUZZY_PREFIX]
        found: list[str] = []
        for length in range(len(key) - spread, len(key) + spread + 1):
            found.extend(self._blocks.get((start, length), ()))
        return found
