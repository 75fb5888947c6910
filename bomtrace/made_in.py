"""Made in: the country of assembly a chip's marking prints ('MALAYSIA', 'CHN', 'MADE IN KOREA'),
read conservatively from the words in data/made_in_words.csv.

A mark counts only as a token of its own in the marking, or as the country word after a phrase such
as MADE IN; never inside a company's name: not when a name word follows it ('TAIWAN SEMICONDUCTOR',
'KOREA ELECTRIC TERMINAL'), not after 'OF' ('BANK OF CHINA'), not when it and its neighbours are a
maker's name the catalog knows. A maker's own short codes count only on that maker's lines (ST's
three-letter country of origin, 'MYS'). Two different countries on one marking decide nothing: the
line is flagged instead. Evidence printed on the part, never an attribution basis.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bomtrace import resources
from bomtrace.models import MadeIn
from bomtrace.normalize import split_marking

#: The flag of a line whose marking prints two different countries.
CONFLICT_FLAG = "made_in_conflict"
#: How many tokens a catalog maker's name may span around a country word.
_NAME_WINDOW = 4


@dataclass(frozen=True)
class Words:
    """The made-in vocabulary: marks standing alone (with the makers they are limited to), phrases,
    the country words a phrase may open, and the words that make a country word part of a name."""

    marks: dict[str, tuple[str, frozenset[str]]]
    phrases: tuple[tuple[str, ...], ...]
    countries: dict[tuple[str, ...], str]
    name_after: frozenset[str]
    name_before: frozenset[str]


@lru_cache(maxsize=1)
def words() -> Words:
    """The vocabulary of data/made_in_words.csv."""
    marks: dict[str, tuple[str, frozenset[str]]] = {}
    phrases: list[tuple[str, ...]] = []
    countries: dict[tuple[str, ...], str] = {}
    after: set[str] = set()
    before: set[str] = set()
    with resources.data_file("made_in_words.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text, kind = row["text"].strip().upper().rstrip(".:"), row["kind"].strip()
            if kind == "mark":
                makers = frozenset(m for m in row["makers"].split("|") if m)
                marks[text] = (row["country"], makers)
            elif kind == "phrase":
                phrases.append(tuple(text.split()))
            elif kind == "country":
                countries[tuple(text.split())] = row["country"]
            elif kind == "name_word":
                after.add(text)
            elif kind == "name_before":
                before.add(text)
    return Words(marks, tuple(phrases), countries, frozenset(after), frozenset(before))


def read_made_in(marking: str, maker_id: str | None = None,
                 names_company: Callable[[str], bool] | None = None) -> tuple[MadeIn | None, bool]:
    """The country of assembly a marking prints and whether it prints two (then None and True):
    a phrase and its country word ('MADE IN KOREA'), or a mark standing alone outside any name."""
    tokens = [t for t in (t.rstrip(".:") for t in split_marking(marking)) if t]
    upper = [t.upper() for t in tokens]
    vocabulary = words()
    found: list[MadeIn] = []
    in_phrase: set[int] = set()
    for i in range(len(upper)):
        stated = _phrase_at(upper, i, vocabulary)
        if stated:
            mark, country, used = stated
            found.append(MadeIn(country, mark))
            in_phrase.update(used)
    for i, token in enumerate(upper):
        entry = vocabulary.marks.get(token)
        if entry is None or i in in_phrase:
            continue
        country, makers = entry
        if makers and maker_id not in makers:
            continue
        if _inside_a_name(tokens, upper, i, vocabulary, names_company):
            continue
        found.append(MadeIn(country, tokens[i]))
    if len({m.country for m in found}) > 1:
        return None, True
    return (found[0], False) if found else (None, False)


def _phrase_at(upper: Sequence[str], i: int, vocabulary: Words) -> tuple[str, str, range] | None:
    """A phrase starting at token i and the longest country word after it: (mark, country, tokens)."""
    for phrase in vocabulary.phrases:
        end = i + len(phrase)
        if tuple(upper[i:end]) != phrase:
            continue
        for size in (3, 2, 1):
            words_after = tuple(upper[end:end + size])
            if len(words_after) == size and words_after in vocabulary.countries:
                return " ".join(phrase + words_after), vocabulary.countries[words_after], range(i, end + size)
    return None


def _inside_a_name(tokens: Sequence[str], upper: Sequence[str], i: int, vocabulary: Words,
                   names_company: Callable[[str], bool] | None) -> bool:
    """A country word that is part of a company's name: a name word follows it, 'OF' precedes it, or
    it and its neighbours are a name the catalog knows."""
    if i + 1 < len(upper) and upper[i + 1] in vocabulary.name_after:
        return True
    if i > 0 and upper[i - 1] in vocabulary.name_before:
        return True
    if names_company is None:
        return False
    for start in range(max(0, i - _NAME_WINDOW + 1), i + 1):
        for end in range(i + 1, min(len(tokens), start + _NAME_WINDOW) + 1):
            if end - start >= 2 and names_company(" ".join(tokens[start:end])):
                return True
    return False
