"""Makers by name: exact look-ups of curated and registry names, and a fuzzy look-up of curated names
that does not scan every maker.

The fuzzy look-up answers what `rapidfuzz.process.extractOne(key, keys, scorer=token_sort_ratio,
score_cutoff=c)` answers over every curated key (exactly in a catalog of up to EXACT_KEYS curated keys,
below), but scores only keys that may reach the cutoff:
token_sort_ratio is the Indel ratio of the token-sorted strings, so a key of length m can score c
against a query of length n only if |n - m| <= D and the two share at least |bigrams(query)| - 2D
distinct bigrams, where D = (1 - c/100)(n + m) is the most edits the cutoff allows (each edit breaks
at most two bigrams), and so share one of the query's |bigrams| - needed + 1 rarest bigrams. Only
keys of a length within reach found in those bigrams' postings are scored (by rapidfuzz, in C); both
filters are exact, so the answer is the same as the full scan's.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from rapidfuzz import fuzz, process

#: Distinct reported names whose resolution is remembered (a teardown repeats its makers).
RESOLVED_CACHE = 65_536
#: Most postings the exact bigram filter reads for one name in a catalog of more than EXACT_KEYS
#: curated keys. Past it (a long name among tens of thousands of curated makers) the look-up reads only
#: the keys sharing one of the name's two rarest words or its first or last four letters: the cost per
#: name stays flat, and a key spelt differently in every word and at both ends can be missed.
EXACT_READS = 1500
#: Catalogs with at most this many curated keys are always searched exactly (the shipped one has 1,602;
#: tests/test_makers.py checks its answers equal a full scan). Reading every posting then costs at most
#: a few milliseconds per distinct name, and each is resolved once per run.
EXACT_KEYS = 20_000
#: Bounds are widened by this much so float rounding (1 - 0.9 is 0.0999...) never narrows them.
_ROUNDING = 1e-9


def sorted_tokens(key: str) -> str:
    """A key's words in sorted order, as token_sort_ratio compares them."""
    return " ".join(sorted(key.split()))


def bigrams(text: str) -> set[str]:
    """The distinct two-character pieces of a text."""
    return {text[i:i + 2] for i in range(len(text) - 1)}


@dataclass
class MakerIndex:
    """Curated makers' name keys (exact and fuzzy) and registry makers' keys (exact only)."""

    curated: dict[str, str] = field(default_factory=dict)
    registry: dict[str, str] = field(default_factory=dict)
    #: curated keys in the order they were added, the order a full scan would see them
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._build_blocks()

    def add_curated(self, key: str, maker_id: str) -> None:
        """A curated name's key; the first maker to claim a key keeps it."""
        if key and key not in self.curated:
            self.curated[key] = maker_id
            self.keys.append(key)

    def add_registry(self, key: str, maker_id: str) -> bool:
        """A registry name's key, unless a curated name or an earlier registry row has it."""
        if not key or key in self.curated or key in self.registry:
            return False
        self.registry[key] = maker_id
        return True

    def finish(self) -> None:
        """Build the fuzzy blocks once every key is in."""
        self._build_blocks()

    def _build_blocks(self) -> None:
        self._sorted = [sorted_tokens(k) for k in self.keys]
        self._lengths = [len(text) for text in self._sorted]
        self._by_length: dict[int, list[int]] = defaultdict(list)
        self._by_bigram: dict[str, list[int]] = defaultdict(list)
        # words and name ends by length too, so the bounded look-up reads only keys of a length in reach
        self._word_counts: dict[str, int] = defaultdict(int)
        self._by_word: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._by_end: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for i, text in enumerate(self._sorted):
            length = len(text)
            self._by_end[("head", text[:4], length)].append(i)
            self._by_end[("tail", text[-4:], length)].append(i)
            self._by_length[length].append(i)
            for gram in bigrams(text):
                self._by_bigram[gram].append(i)
            for word in set(text.split()):
                self._word_counts[word] += 1
                self._by_word[(word, length)].append(i)
        self._resolved: dict[tuple[str, float], tuple[str, float] | None] = {}
        self._registry_keys: list[str] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """The keys and their blocks (unpickling the blocks is several times quicker than building them
        again); not what was resolved."""
        return {name: dict(value) if isinstance(value, defaultdict) else value
                for name, value in self.__dict__.items() if name not in ("_resolved", "_registry_keys")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._resolved = {}
        self._registry_keys = None

    def candidates(self, key: str, cutoff: float) -> list[int]:
        """Indexes of the curated keys that may score `cutoff` against `key`, in key order: those of a
        length within reach that share one of the query's rarest bigrams (every key scoring `cutoff`
        does), or past EXACT_READS one of its rarest words or an end."""
        query = sorted_tokens(key)
        n = len(query)
        slack = 1 - cutoff / 100
        longest = math.floor(n * (1 + slack) / (1 - slack) + _ROUNDING)
        shortest = math.ceil(n * (1 - slack) / (1 + slack) - _ROUNDING)
        grams = bigrams(query)
        most_edits = math.floor(slack * (n + longest) + _ROUNDING)
        needed = len(grams) - 2 * most_edits
        if needed <= 0:  # a short name: the bigram bound says nothing, every key of a fitting length may
            return sorted(i for m in range(shortest, longest + 1) for i in self._by_length.get(m, ()))
        # A key sharing `needed` of the query's bigrams shares at least one of any len - needed + 1 of
        # them: read only the postings of the rarest ones.
        rarest = sorted(grams, key=lambda g: len(self._by_bigram.get(g, ())))[: len(grams) - needed + 1]
        postings = [self._by_bigram.get(g, ()) for g in rarest]
        if len(self.keys) > EXACT_KEYS and sum(len(p) for p in postings) > EXACT_READS:
            # Too many to read (a long name, a large catalog): only the keys of a length in reach that
            # share one of the query's two rarest words, or its first or last four letters, which a
            # one- or two-letter misspelling mostly leaves intact.
            known = [w for w in set(query.split()) if w in self._word_counts]  # a misspelt word has none
            words = sorted(known, key=lambda w: (self._word_counts[w], w))[:2]
            lengths = range(shortest, longest + 1)
            postings = [self._by_word.get((w, m), ()) for w in words for m in lengths]
            postings += [self._by_end.get((end, text, m), ()) for end, text in (("head", query[:4]),
                                                                                ("tail", query[-4:])) for m in lengths]
            return sorted(set().union(*postings))
        lengths_of = self._lengths
        return sorted(i for i in set().union(*postings) if shortest <= lengths_of[i] <= longest)

    def fuzzy(self, key: str, cutoff: float) -> tuple[str, float] | None:
        """The best curated key scoring at least `cutoff` by token_sort_ratio, and its score; the first
        in key order on a tie (as a full scan gives). Remembered per key and cutoff. Scored by rapidfuzz
        as the Indel ratio of the token-sorted texts, which is token_sort_ratio with the keys' words
        sorted once, when the index was built."""
        remembered = (key, cutoff)
        if remembered in self._resolved:
            return self._resolved[remembered]
        indexes = self.candidates(key, cutoff)
        choices = itemgetter(*indexes)(self._sorted) if len(indexes) > 1 else [self._sorted[i] for i in indexes]
        best = process.extractOne(sorted_tokens(key), choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        found = (self.keys[indexes[best[2]]], float(best[1])) if best else None
        if len(self._resolved) >= RESOLVED_CACHE:
            self._resolved.clear()
        self._resolved[remembered] = found
        return found

    def search(self, key: str, limit: int = 20) -> list[str]:
        """Maker ids whose name or alias key holds `key` (a maker_key), for a type-ahead: curated keys
        equal to it, then beginning with it, then holding it; then registry keys beginning with it."""
        if not key:
            return []
        curated = sorted((0 if k == key else 1 if k.startswith(key) else 2, len(k), k) for k in self.curated
                         if key in k)
        found = [self.curated[k] for _, _, k in curated]
        if self._registry_keys is None:
            self._registry_keys = sorted(self.registry)
        start = bisect.bisect_left(self._registry_keys, key)
        for k in itertools.islice(self._registry_keys, start, None):
            if not k.startswith(key) or len(found) >= 4 * limit:
                break
            found.append(self.registry[k])
        return list(dict.fromkeys(found))[:limit]

    def full_scan(self, key: str, cutoff: float) -> tuple[str, float] | None:
        """The fuzzy answer by scoring every curated key (what `fuzzy` must equal; for tests and benches)."""
        best = process.extractOne(key, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff)
        return (best[0], float(best[1])) if best else None


def maker_index(curated: Iterable[tuple[str, str]], registry: Iterable[tuple[str, str]] = ()) -> MakerIndex:
    """An index of (key, maker id) pairs: curated first (first claim wins), then registry rows whose
    key no curated name has."""
    index = MakerIndex()
    for key, maker_id in curated:
        index.add_curated(key, maker_id)
    for key, maker_id in registry:
        index.add_registry(key, maker_id)
    index.finish()
    return index
