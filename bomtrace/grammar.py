"""Part-number grammar rules: a maker's ordering scheme as a restricted pattern, and an index.

A rule says "a part key of this shape is this maker's" (`ADM3[0-9]{3}E?[ABJK]?(?:R|RM|RZ)?Z?`).
Patterns use a strict subset of Python `re` (RULES_SPEC.md): literals A-Z 0-9 and `\\.`, classes
of literals and ranges, `{n}` / `{n,m}` (m <= 12) / `?` after a single atom, and non-nested groups
`(?:AB|CD)` of literal strings, optionally `?`. The subset is checked by the small tokenizer below,
not by `re`. It has no unbounded repetition, so a rule never matches a key longer than its
`max_length`, and the number of ways the backtracking engine can try to align a pattern with a key
(the product of each element's choices) is capped at `MAX_ALIGNMENTS`: the work per rule and key is
bounded by a constant of the pattern, never by what a user's spreadsheet contains.

Every rule begins with at least two literal characters, or with literals, small classes and groups
of literal alternatives that expand to a few literal prefixes of two characters or more
(`(?:NEO|LEA)M?8` gives NEO and LEA); `RuleIndex` files a rule under each of its prefixes and tests a
key only against the rules whose prefix the key starts with.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from bomtrace.normalize import part_key

MAX_COUNT = 12
MIN_LITERAL_PREFIX = 2
MAX_ALIGNMENTS = 120_000
#: At most this many literal prefixes a rule's leading literals, groups and classes expand to.
MAX_PREFIXES = 64
#: A leading group or class expands into prefixes only when it has at most this many choices.
_MAX_LEADING_CHOICES = 16
_LITERAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_COUNT = re.compile(r"\{(\d{1,2})(?:,(\d{1,2}))?\}")
_FIELDS = ("pattern", "manufacturer", "category", "series", "fields", "example", "source")


class RuleSyntaxError(ValueError):
    """A pattern outside the restricted syntax; the message is one sentence naming the problem."""


@dataclass(frozen=True)
class _Element:
    """One element of a pattern: a set of strings it may consume, repeated low..high times."""

    strings: frozenset[str]
    low: int
    high: int
    literal: str | None  # the one literal character when the element is an unquantified literal
    is_group: bool

    @property
    def choices(self) -> int:
        """Ways a backtracking engine may try this element: each count, or each alternative."""
        if self.is_group:
            return len(self.strings) + (self.high - self.low)
        return self.high - self.low + 1


@dataclass(frozen=True)
class Rule:
    """One maker's ordering scheme for a series, as a restricted full-match pattern."""

    pattern: str
    manufacturer: str
    category: str
    series: str
    fields: str
    example: str
    source: str
    prefixes: tuple[str, ...] = field(compare=False, repr=False)
    min_length: int = field(compare=False, repr=False)
    max_length: int = field(compare=False, repr=False)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern, made on first use: a cached index of hundreds of rules then loads
        without compiling them all (a small teardown meets a few of them)."""
        return re.compile(self.pattern)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the compiled pattern, which unpickling would compile again at once."""
        return {k: v for k, v in self.__dict__.items() if k != "regex"}

    def matches(self, key: str) -> bool:
        """The pattern matches the whole key."""
        return self.min_length <= len(key) <= self.max_length and bool(self.regex.fullmatch(key))


def parse_rule_pattern(pattern: str) -> str | None:
    """None when the pattern is inside the restricted syntax, else one sentence naming the problem."""
    try:
        _parse(pattern)
    except RuleSyntaxError as problem:
        return str(problem)
    return None


def make_rule(pattern: str, manufacturer: str, category: str, series: str, fields: str,
              example: str, source: str) -> Rule:
    """A Rule from its seven cells; raises RuleSyntaxError when the pattern is outside the subset."""
    elements = _parse(pattern)
    re.compile(pattern)  # a pattern the subset admits but re refuses fails here, not at first use
    return Rule(pattern, manufacturer, category, series, fields, example, source,
                prefixes=_literal_prefixes(elements),
                min_length=sum(min(len(s) for s in e.strings) * e.low for e in elements),
                max_length=sum(max(len(s) for s in e.strings) * e.high for e in elements))


def rule_from_row(row: Mapping[str, str]) -> Rule:
    """A Rule from a rules-table row (columns pattern ... source); raises RuleSyntaxError."""
    return make_rule(*(row.get(name, "").strip() for name in _FIELDS))


# --- the tokenizer --------------------------------------------------------------------------------

def _parse(pattern: str) -> list[_Element]:
    if not pattern:
        raise RuleSyntaxError("the pattern is empty")
    elements: list[_Element] = []
    i = 0
    while i < len(pattern):
        strings, i, is_group = _atom(pattern, i)
        low, high, i = _quantifier(pattern, i, is_group)
        single = next(iter(strings)) if len(strings) == 1 and not is_group else None
        literal = single if single is not None and (low, high) == (1, 1) else None
        elements.append(_Element(frozenset(strings), low, high, literal, is_group))
    prefixes = _literal_prefixes(elements)
    if not prefixes or min(len(p) for p in prefixes) < MIN_LITERAL_PREFIX:
        raise RuleSyntaxError(f"the pattern must begin with at least {MIN_LITERAL_PREFIX} literal "
                              f"characters, or with small groups or classes (at most {_MAX_LEADING_CHOICES} "
                              f"choices each, {MAX_PREFIXES} prefixes in all) that spell them")
    alignments = 1
    for element in elements:
        alignments *= element.choices
    if alignments > MAX_ALIGNMENTS:
        raise RuleSyntaxError(f"the pattern has too many optional parts ({alignments} ways to align "
                              f"it, at most {MAX_ALIGNMENTS}): split it into several rules")
    return elements


def _atom(pattern: str, i: int) -> tuple[set[str], int, bool]:
    char = pattern[i]
    if char in _LITERAL:
        return {char}, i + 1, False
    if char == "\\":
        if pattern[i + 1 : i + 2] != ".":
            raise RuleSyntaxError(f"'{pattern[i:i + 2]}' at {i}: the only escape allowed is '\\.'")
        return {"."}, i + 2, False
    if char == "[":
        return _char_class(pattern, i), pattern.index("]", i) + 1, False
    if char == "(":
        strings, end = _group(pattern, i)
        return strings, end, True
    what = {".": "the '.' wildcard (write '\\.' for a dot)", "*": "'*'", "+": "'+'",
            "^": "an anchor", "$": "an anchor", "?": "a '?' with nothing before it",
            "{": "a count with nothing before it", "|": "'|' outside a group"}.get(char)
    if what:
        raise RuleSyntaxError(f"{what} at {i} is not allowed")
    if char.isalpha():
        raise RuleSyntaxError(f"'{char}' at {i}: write letters in upper case (keys are upper case)")
    raise RuleSyntaxError(f"'{char}' at {i} is not allowed: only A-Z, 0-9, '\\.', classes and groups")


def _char_class(pattern: str, start: int) -> set[str]:
    end = pattern.find("]", start)
    if end < 0:
        raise RuleSyntaxError(f"the class opened at {start} is not closed")
    body = pattern[start + 1 : end]
    if not body:
        raise RuleSyntaxError(f"the class at {start} is empty")
    members: set[str] = set()
    j = 0
    while j < len(body):
        if body[j : j + 2] == "\\.":
            members.add(".")
            j += 2
        elif body[j] in _LITERAL and body[j + 1 : j + 2] == "-" and j + 2 < len(body):
            first, last = body[j], body[j + 2]
            if not _same_kind(first, last) or first > last:
                raise RuleSyntaxError(f"the range '{first}-{last}' in the class at {start} is not "
                                      "a range of digits or of letters")
            members.update(chr(c) for c in range(ord(first), ord(last) + 1))
            j += 3
        elif body[j] in _LITERAL:
            members.add(body[j])
            j += 1
        else:
            raise RuleSyntaxError(f"'{body[j]}' in the class at {start} is not allowed: classes "
                                  "hold only A-Z, 0-9, '\\.' and ranges (no negation, no escapes)")
    return members


def _same_kind(first: str, last: str) -> bool:
    return (first.isdigit() and last.isdigit()) or (first.isalpha() and last.isalpha())


def _group(pattern: str, start: int) -> tuple[set[str], int]:
    if not pattern.startswith("(?:", start):
        raise RuleSyntaxError(f"the group at {start} must be a non-capturing '(?:...)' of literals "
                              "(no capturing groups, look-arounds or back-references)")
    end = pattern.find(")", start)
    if end < 0:
        raise RuleSyntaxError(f"the group opened at {start} is not closed")
    body = pattern[start + 3 : end]
    if "(" in body:
        raise RuleSyntaxError(f"the group at {start} contains another group: groups may not nest")
    alternatives = body.split("|")
    strings: set[str] = set()
    for alternative in alternatives:
        text = alternative.replace("\\.", ".")
        if not text:
            raise RuleSyntaxError(f"the group at {start} has an empty alternative: make it optional "
                                  "with '?' instead")
        if any(c not in _LITERAL and c != "." for c in text) or "." in alternative.replace("\\.", ""):
            raise RuleSyntaxError(f"'{alternative}' in the group at {start} is not a literal string "
                                  "(no classes, quantifiers or escapes but '\\.' inside groups)")
        strings.add(text)
    return strings, end + 1


def _quantifier(pattern: str, i: int, is_group: bool) -> tuple[int, int, int]:
    if pattern[i : i + 1] == "?":
        low, high, i = 0, 1, i + 1
    elif pattern[i : i + 1] == "{":
        if is_group:
            raise RuleSyntaxError(f"the count at {i} follows a group: only '?' may follow a group")
        found = _COUNT.match(pattern, i)
        if not found:
            raise RuleSyntaxError(f"the count at {i} is not of the form {{n}} or {{n,m}}")
        low = int(found.group(1))
        high = int(found.group(2)) if found.group(2) is not None else low
        if not 0 <= low <= high or high < 1 or high > MAX_COUNT:
            raise RuleSyntaxError(f"the count at {i} must be {{n}} or {{n,m}} with "
                                  f"1 <= m <= {MAX_COUNT} and n <= m")
        i = found.end()
    else:
        return 1, 1, i
    if pattern[i : i + 1] in ("?", "{", "*", "+"):
        raise RuleSyntaxError(f"'{pattern[i]}' at {i} quantifies a quantifier (nested or lazy "
                              "quantifiers are not allowed)")
    return low, high, i


def _literal_prefixes(elements: list[_Element]) -> tuple[str, ...]:
    """The literal strings every key the pattern matches begins with: leading literals, unquantified
    groups and small classes spelt out; empty when there are too many."""
    prefixes = [""]
    for element in elements:
        if element.high != 1 or len(element.strings) > _MAX_LEADING_CHOICES:
            break
        choices = sorted(element.strings) + ([""] if element.low == 0 else [])
        longer = sorted({p + s for p in prefixes for s in choices})
        if len(longer) > MAX_PREFIXES:
            break
        prefixes = longer
    return tuple(prefixes)


# --- the index ------------------------------------------------------------------------------------

class RuleIndex:
    """Rules filed under their literal prefix.

    Cost of `matching(key)`: one dict probe for each prefix length of the key from 2 up to the
    longest rule prefix (P probes, P about 2-8), then a length check and one bounded full match for
    each rule filed under a prefix the key starts with: the rules of that maker's family, not the
    whole table. Building is one pass over the rules.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = list(rules)
        self._by_prefix: dict[str, list[Rule]] = defaultdict(list)
        for rule in self._rules:
            for prefix in rule.prefixes:
                self._by_prefix[prefix].append(rule)
        self._lengths = sorted({len(prefix) for prefix in self._by_prefix})

    def __len__(self) -> int:
        return len(self._rules)

    def rules(self) -> list[Rule]:
        """Every rule in the index."""
        return list(self._rules)

    def matching(self, key: str) -> list[Rule]:
        """The rules whose pattern matches the whole key, in the order they were given per prefix."""
        found: list[Rule] = []
        for length in self._lengths:
            if length > len(key):
                break
            for rule in self._by_prefix.get(key[:length], ()):
                if rule.matches(key) and rule not in found:
                    found.append(rule)
        return found


def conflicts(rules: Iterable[Rule], other_parts: Iterable[tuple[str, str]]
              ) -> dict[Rule, list[tuple[str, str]]]:
    """For each rule, the (key, maker) parts of another maker it matches, and the example keys of
    rules that another maker's rule also matches; rules without a conflict are left out.

    `other_parts` gives keys in `part_key` form with their maker ids.
    """
    index = RuleIndex(rules)
    found: dict[Rule, list[tuple[str, str]]] = defaultdict(list)
    for key, maker in other_parts:
        for rule in index.matching(key):
            if rule.manufacturer != maker:
                found[rule].append((key, maker))
    for rule in index.rules():
        example = part_key(rule.example)
        for other in index.matching(example):
            if other.manufacturer != rule.manufacturer:
                _add_once(found[rule], (example, other.manufacturer))
                _add_once(found[other], (example, rule.manufacturer))
    return dict(found)


def _add_once(items: list[tuple[str, str]], item: tuple[str, str]) -> None:
    if item not in items:
        items.append(item)


def describe(rule: Rule, key: str, maker_name: str | None = None) -> str:
    """One line a reviewer reads: the key, the maker's scheme it fits, its fields and the source."""
    name = maker_name or rule.manufacturer
    possessive = f"{name}'" if name.endswith("s") else f"{name}'s"
    fields = f" ({rule.fields})" if rule.fields else ""
    return f"'{key}' fits {possessive} ordering scheme for {rule.series}{fields} (source: {rule.source})"
