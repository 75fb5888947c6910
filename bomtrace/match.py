"""Match: a parsed line against the catalog: exact -> marking code -> base part -> misread ->
truncated -> family -> fuzzy, then the maker named by the source. Every match explains itself.

Rules, in the order they decide:
- A part number several makers make (LM358, 2N2222) names no maker alone: the maker named by the
  source or on the marking chooses among them, else the line stays unresolved with `ambiguous_part`.
- A maker named by the source that is not the part's maker (nor in its group) is kept, flagged
  `maker_conflict` and lowered to `possible`: the source is not silently overwritten.
- Look-alike misreads are tried only when the marking as read finds nothing, and say so.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bomtrace.catalogs import Catalog, Family, Manufacturer
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.grammar import Rule, describe
from bomtrace.models import Candidate, Confidence, MakerOption, Match, ParsedLine
from bomtrace.names import name_evidence
from bomtrace.normalize import fold_lookalikes, maker_key, split_maker_name
from bomtrace.partindex import Part

# Rank of each method: lower is stronger evidence.
#: A truncated number that begins more catalog part numbers than this is left to the family.
TRUNCATED_MOST = 100
#: Methods that resolve a single catalog part (family and truncated resolve a maker, not a part).
PART_METHODS = frozenset({"exact", "marking-code", "base-part", "misread", "fuzzy"})
#: Shortest top-marking code that names its part at `probable` without a maker named.
SURE_MARKING_CODE = 5
#: Methods that read a whole orderable part number: only these may contradict the maker a source names.
WHOLE_PART_METHODS = frozenset({"exact", "base-part"})
METHOD_RANK = {"exact": 0, "marking-code": 1, "base-part": 2, "grammar": 3, "misread": 4, "truncated": 5,
               "family": 6, "fuzzy": 7}
#: Characters a marking is misread as, in groups that look alike; each may stand for any other.
MISREAD_GROUPS = ("0OQD", "1IL", "5S", "8B", "2Z")
MISREADS = {c: group.replace(c, "") for group in MISREAD_GROUPS for c in group}
NOT_A_MAKER = {"", "not identified", "unknown", "n a", "na", "none", "невідомо", "не встановлено",
               "неизвестно", "не установлено", "not known", "unidentified"}


@dataclass(frozen=True)
class Evidence:
    """What one candidate found: the method, a score, the parts or family reached, and how."""

    method: str
    score: float
    candidate: Candidate
    parts: tuple[Part, ...] = ()
    family: Family | None = None
    detail: str = ""
    #: an ambiguous family the part number belongs to: its makers may make this part too
    shared_by: tuple[str, ...] = ()
    #: the makers' part-number grammar rules the candidate fits
    rules: tuple[Rule, ...] = ()
    #: a rule that fit also fits a part another maker lists: it decides at `possible` at most
    shared_rule: bool = False

    @property
    def makers(self) -> tuple[str, ...]:
        if self.parts:
            return tuple(dict.fromkeys([*(p.manufacturer for p in self.parts), *self.shared_by]))
        if self.rules:
            return tuple(dict.fromkeys([*(r.manufacturer for r in self.rules), *self.shared_by]))
        return self.family.manufacturers if self.family else ()

    @property
    def rank(self) -> tuple[int, float]:
        return (METHOD_RANK[self.method], -self.score)


@dataclass(frozen=True)
class MakerEvidence:
    """A maker named by the source or on the marking, how sure the name is, and from which kind of
    evidence: a curated catalog row, an open-registry row, or the name itself."""

    maker: str
    how: str  # "name" | "alias-fuzzy" | "bracket" | "keyword" | "registry" | "logo"
    score: float
    text: str
    evidence: str = "curated"  # "curated" | "registry"


# --- the maker named by the source -----------------------------------------------------------------

def resolve_maker(name: str, catalog: Catalog, thresholds: Thresholds = DEFAULT) -> MakerEvidence | None:
    """The maker a reported name means: a curated name, alias or brand (the name, then its parts, then
    a bracketed name), else a curated name close enough by token_sort_ratio, else an open-registry name
    equal to it (never fuzzy: two companies with one short name is how that goes wrong)."""
    if maker_key(name) in NOT_A_MAKER:
        return None
    parts = split_maker_name(name)
    curated = catalog.makers.curated
    for text in (parts.primary, name):
        found = curated.get(maker_key(text)) or catalog.keyword_maker(text)
        if found:
            return MakerEvidence(found, "name", 100.0, name)
    for text in parts.alternates:
        found = curated.get(maker_key(text))
        if found:
            return MakerEvidence(found, "name", 100.0, name)
    for text in parts.bracketed:
        found = curated.get(maker_key(text))
        if found:
            return MakerEvidence(found, "bracket", 90.0, name)
    for text in (parts.primary, name, *parts.alternates, *parts.bracketed):
        found = catalog.makers.registry.get(maker_key(text))
        if found:
            return MakerEvidence(found, "registry", 100.0, name, "registry")
    key = maker_key(parts.primary or name)
    if len(key) >= 4:
        best = catalog.makers.fuzzy(key, thresholds.maker_fuzzy_min)
        if best:
            return MakerEvidence(curated[best[0]], "alias-fuzzy", best[1], name)
    return None


def same_group(catalog: Catalog, a: str, b: str) -> bool:
    """True when two makers are one, or one owns the other, or they share an owner."""
    return a == b or catalog.owner_of(a) == catalog.owner_of(b)


# --- part evidence -------------------------------------------------------------------------------

def evidence_for(candidate: Candidate, catalog: Catalog, thresholds: Thresholds = DEFAULT
                 ) -> Evidence | None:
    """The strongest thing one candidate finds, with the makers of a generic family it belongs to
    (LM317 listed under one maker is still an LM317 many makers make; INA219 stays TI's, though
    Avago also used the INA prefix)."""
    found = _strongest(candidate, catalog, thresholds)
    if found is None or not found.parts or found.method == "marking-code":
        return found
    family = catalog.family_for(found.parts[0].key, found.parts[0].part_number)
    if family is None or not family.generic:
        return found
    return replace(found, shared_by=family.manufacturers,
                   detail=f"{found.detail} (prefix {family.prefix} is shared by several makers)")


def _strongest(candidate: Candidate, catalog: Catalog, thresholds: Thresholds) -> Evidence | None:
    key = candidate.key
    for finder in (_exact, _marking_code):
        found = finder(candidate, key, catalog, thresholds)
        if found:
            return found
    base = _base_part(candidate, key, catalog, thresholds)
    if base and not any(c.isdigit() for c in key[len(base.parts[0].key):]):
        return base
    # A whole catalog part number one or two look-alike misreads away is a better reading than a
    # maker's grammar (STM32F1O3C8T6 is STM32F103C8T6, though ST's scheme allows a letter there), and
    # than a base part whose suffix holds digits ('SS36L77H' is SS36177H, not SS36).
    variants = catalog_variants(candidate, catalog, thresholds)
    whole = _misread(candidate, catalog, variants, thresholds, exact_only=True)
    if whole:
        return whole
    grammar = _grammar(candidate, key, catalog, thresholds)
    if grammar:
        return grammar
    found = (None if base else _misread(candidate, catalog, variants, thresholds)) or base
    if found:
        return found
    for finder in (_truncated, _family, _fuzzy):
        found = finder(candidate, key, catalog, thresholds)
        if found:
            return found
    return None


def _exact(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    parts = catalog.by_key.get(key)
    if not parts:
        return None
    return Evidence("exact", 100.0, candidate, tuple(parts),
                    detail=f"{candidate.text!r} is catalog part {parts[0].part_number}")


def _marking_code(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    parts = catalog.by_marking.get(key)
    if not parts:
        return None
    return Evidence("marking-code", 95.0, candidate, tuple(parts),
                    detail=f"{candidate.text!r} is the top marking of {parts[0].part_number}")


def base_part_key(key: str, catalog: Catalog, t: Thresholds = DEFAULT, breaks: AbstractSet[int] = frozenset()
                  ) -> str | None:
    """The longest catalog part number that `key` starts with, leaving an ordering suffix; the cut
    never falls inside a number unless the printed text separates it there (`breaks`, from
    separator_positions: 'XC7Z020-1CLG400C')."""
    for length in range(len(key) - 1, t.min_base - 1, -1):
        if len(key) - length > t.max_suffix:
            break
        if key[:length] in catalog.by_key and (length in breaks or not _splits_a_number(key, length)):
            return key[:length]
    return None


def separator_positions(text: str) -> set[int]:
    """Positions in the key of `text` that the printed text had a dash, space or slash before."""
    positions, count, pending = set(), 0, False
    for char in fold_lookalikes(text):
        if char.isalnum() or char == ".":
            if pending:
                positions.add(count)
            count, pending = count + 1, False
        elif char in "-/ _":
            pending = count > 0
    return positions


def _splits_a_number(key: str, at: int) -> bool:
    """True when cutting at `at` would cut through a number ('LM3171' is not 'LM317' + '1')."""
    return key[at - 1].isdigit() and key[at].isdigit()


def _base_part(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    base = base_part_key(key, catalog, t, separator_positions(candidate.text))
    if base is None:
        return None
    parts = catalog.by_key[base]
    suffix = key[len(base):]
    return Evidence("base-part", max(85.0, 100.0 - 2 * len(suffix)), candidate, tuple(parts),
                    detail=f"{candidate.text!r} is {parts[0].part_number} with ordering suffix {suffix!r}")


def _grammar(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    """The whole key fits one or more makers' published part-number grammar; a generic family the
    key belongs to (clones under the same number) adds its makers, so the rule decides nothing alone."""
    rules = tuple(catalog.rule_index.matching(key))
    if not rules:
        return None
    shared = any((r.pattern, r.manufacturer) in catalog.shared_rules for r in rules)
    family = catalog.family_for(key, candidate.text)
    generic = family.manufacturers if family and family.generic else ()
    rule = rules[0]
    detail = describe(rule, candidate.text, catalog.maker(rule.manufacturer).name)
    if shared:
        detail += "; the scheme also fits a part another maker lists"
    if generic:
        detail += f" (prefix {family.prefix if family else ''} is shared by several makers)"
    return Evidence("grammar", 90.0, candidate, rules=rules, shared_by=generic, shared_rule=shared,
                    detail=detail)


def misread_variants(key: str, limit: int = 2, viable: Callable[[str], bool] | None = None
                     ) -> Iterator[tuple[str, list[tuple[int, str, str]]]]:
    """Keys with up to `limit` look-alike characters swapped (0/O/Q/D, 1/I/L, 5/S, 8/B, 2/Z): one swap,
    then two, positions and swaps in order. With `viable`, a variant is given up as soon as its text
    up to a swapped character is not `viable` (no catalog key begins so): the rest keep their order."""
    positions = [i for i, c in enumerate(key) if c in MISREADS]
    for count in range(1, limit + 1):
        for chosen in itertools.combinations(positions, count):
            yield from _swapped(key, chosen, list(key), [], viable)


def _swapped(key: str, chosen: tuple[int, ...], chars: list[str], swaps: list[tuple[int, str, str]],
             viable: Callable[[str], bool] | None) -> Iterator[tuple[str, list[tuple[int, str, str]]]]:
    """Every variant of `chars` swapping each of the `chosen` positions in turn, the first outermost."""
    if len(swaps) == len(chosen):
        yield "".join(chars), list(swaps)
        return
    i = chosen[len(swaps)]
    for replacement in MISREADS[key[i]]:
        chars[i] = replacement
        if viable is None or viable("".join(chars[:i + 1])):
            swaps.append((i, key[i], replacement))
            yield from _swapped(key, chosen, chars, swaps, viable)
            swaps.pop()
    chars[i] = key[i]


Variants = list[tuple[str, list[tuple[int, str, str]]]]


def catalog_variants(candidate: Candidate, catalog: Catalog, t: Thresholds) -> Variants:
    """The candidate's misread variants that some catalog key begins like up to their last swap (any
    other can find neither a whole part nor a base part holding the swap); none for a short key."""
    if len(candidate.key) < t.min_base + 1:
        return []
    begins: dict[str, bool] = {}

    def viable(prefix: str) -> bool:
        found = begins.get(prefix)
        if found is None:
            found = begins[prefix] = catalog.by_key.begins_a_key(prefix)
        return found

    return list(misread_variants(candidate.key, t.max_misreads, viable))


def _misread(candidate: Candidate, catalog: Catalog, variants: Variants, t: Thresholds,
             exact_only: bool = False) -> Evidence | None:
    """Whole part numbers a few look-alike swaps away first, then base parts (the swap inside the
    base, never only in the suffix)."""
    for variant, swaps in variants:
        if variant in catalog.by_key:
            return _misread_evidence(candidate, catalog.by_key[variant], swaps)
    if exact_only:
        return None
    breaks = separator_positions(candidate.text)
    for variant, swaps in variants:
        base = base_part_key(variant, catalog, t, breaks)
        if base and len(base) > max(i for i, _, _ in swaps):
            return _misread_evidence(candidate, catalog.by_key[base], swaps)
    return None


def _misread_evidence(candidate: Candidate, parts: list[Part], swaps: list[tuple[int, str, str]]
                      ) -> Evidence:
    said = ", ".join(f"{a} read as {b}" for _, b, a in swaps)
    return Evidence("misread", 90.0 - 5 * len(swaps), candidate, tuple(parts),
                    detail=f"{candidate.text!r} matches {parts[0].part_number} if {said}")


def _truncated(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    if len(key) < t.min_truncated:
        return None
    keys = catalog.keys_starting_with(key, limit=TRUNCATED_MOST + 1)
    if not keys or len(keys) > TRUNCATED_MOST:
        return None  # too broad to stand for a part: the family reading decides
    parts = tuple(p for k in keys for p in catalog.by_key[k])
    shown = ", ".join(dict.fromkeys(p.part_number for p in parts[:3]))
    return Evidence("truncated", 80.0, candidate, parts,
                    detail=f"{candidate.text!r} begins {len(keys)} catalog part number(s): {shown}")


def _family(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    family = catalog.family_for(key, candidate.text)
    if family is None:
        return None
    kind = "shared by several makers" if family.ambiguous else family.series or family.category
    return Evidence("family", 70.0 + min(len(family.key), 10), candidate, family=family,
                    detail=f"{candidate.text!r} begins with family prefix {family.prefix} ({kind})")


def misread_like(a: str, b: str) -> bool:
    """True when every edit between two keys could be a marking misread: no digit changed to another
    digit, no digit or dot added or dropped."""
    for edit in Levenshtein.editops(a, b):
        op, i, j = edit.tag, edit.src_pos, edit.dest_pos
        if op == "replace":
            x, y = a[i], b[j]
            if x.isdigit() and y.isdigit():
                return False
            if x == "." or y == ".":
                return False
        elif op == "delete" and (a[i].isdigit() or a[i] == ".") or op == "insert" and (b[j].isdigit() or b[j] == "."):
            return False
    return True


def _fuzzy(candidate: Candidate, key: str, catalog: Catalog, t: Thresholds) -> Evidence | None:
    if len(key) < t.min_truncated:
        return None
    block = catalog.fuzzy_block(key, t.fuzzy_spread)
    if not block:
        return None
    for found, score, _ in process.extract(key, block, scorer=fuzz.ratio, score_cutoff=t.fuzzy_min,
                                            limit=5):
        if misread_like(key, found):
            parts = tuple(catalog.by_key[found])
            return Evidence("fuzzy", float(score), candidate, parts,
                            detail=f"{candidate.text!r} is close to {parts[0].part_number} "
                                   f"(ratio {score:.0f})")
    return None


# --- deciding ------------------------------------------------------------------------------------

def best_evidence(parsed: ParsedLine, catalog: Catalog, thresholds: Thresholds = DEFAULT
                  ) -> list[Evidence]:
    """Every candidate's evidence, strongest first (method rank, then score, then order found); the
    last-resort joins only when no other candidate gives any."""
    for last_resort in (False, True):
        found = [e for c in parsed.candidates
                 if c.last_resort == last_resort and (e := evidence_for(c, catalog, thresholds))]
        if found:
            return sorted(found, key=lambda e: e.rank)
    return []


#: Most makers offered to a reviewer from a line's own evidence.
MOST_OPTIONS = 6


def match_line(parsed: ParsedLine, reported: str, catalog: Catalog, thresholds: Thresholds = DEFAULT
               ) -> Match:
    """Decide a line's maker and part from its evidence and the maker the source names; the match
    lists the catalog makers its evidence names, for a reviewer."""
    named = resolve_maker(reported, catalog, thresholds) if reported.strip() else None
    evidence = best_evidence(parsed, catalog, thresholds)
    match = _decide(parsed, reported, named, evidence, catalog, thresholds)
    ids = [*([named.maker] if named else []), *(m for e in evidence[:2] for m in e.makers)]
    options = tuple(MakerOption(m.id, m.name, m.country) for i in dict.fromkeys(ids)
                    if (m := _known(catalog, i)) is not None)[:MOST_OPTIONS]
    return replace(match, maker_options=options)


def _known(catalog: Catalog, maker_id: str) -> Manufacturer | None:
    try:
        return catalog.maker(maker_id)
    except KeyError:
        return None


def _decide(parsed: ParsedLine, reported: str, named: MakerEvidence | None, evidence: list[Evidence],
            catalog: Catalog, thresholds: Thresholds) -> Match:
    if named is None and parsed.makers_named:
        named = MakerEvidence(parsed.makers_named[0], "keyword", 95.0, parsed.makers_named[0])
    flags: list[str] = []
    if reported.strip() and named is None and maker_key(reported) not in NOT_A_MAKER:
        flags.append("unknown_maker")
    if named is None and (logo := _logo(parsed, catalog)):
        named = logo
        if evidence and not any(same_group(catalog, m, logo.maker) for m in evidence[0].makers):
            flags.append("logo_disagrees")  # a two-letter mark does not overrule the part's evidence
            named = None
    if not evidence:
        return _maker_only(named, catalog, flags) if named else _by_name_alone(reported, flags)
    top = evidence[0]
    runner = _runner_up(evidence, top, catalog, named.maker if named else None)
    makers = top.makers
    if named is not None:
        agreeing = [m for m in makers if same_group(catalog, m, named.maker)]
        if agreeing:
            return _decided(top, named.maker, agreeing[0], named, runner, catalog, thresholds, flags)
        if len(makers) > 1 or (top.family and top.family.ambiguous):
            flags.append("ambiguous_part")
            return _maker_only(named, catalog, flags, top)
        if _confidence(top, False, thresholds) not in ("confirmed", "probable"):
            return _maker_only(named, catalog, flags, top)  # weak evidence does not contradict a name
        if top.method not in WHOLE_PART_METHODS:
            flags.append("marking_disagrees")  # a top mark or a prefix is no orderable number: the name stands
            return _maker_only(named, catalog, flags, top)
        flags.append("maker_conflict")
        part_maker = catalog.maker(makers[0]).name
        return Match(
            "maker-name", min(top.score, named.score), "possible", named.maker,
            catalog_part=_part_label(top), category=_category(top), runner_up=runner,
            detail=f"{top.detail}, made by {part_maker}, but the source names "
                   f"{catalog.maker(named.maker).name}: kept, for review",
            source=_source(top, catalog), flags=tuple(flags), matched_text=top.candidate.text,
            evidence=named.evidence)
    if len(makers) != 1 or (top.family and top.family.ambiguous):
        flags.append("ambiguous_part")
        if (by_name := _by_name_alone(reported, flags, top)).manufacturer:
            return by_name  # a generic part: the maker the source names decides, by its name alone
        names = ", ".join(catalog.maker(m).name for m in makers[:4])
        return Match(top.method, top.score, "unresolved", None, catalog_part=_part_label(top),
                     category=_category(top), runner_up=runner,
                     detail=f"{top.detail}; made by several makers ({names}) and no maker is named",
                     source=_source(top, catalog), flags=tuple(flags), matched_text=top.candidate.text)
    return _decided(top, makers[0], makers[0], None, runner, catalog, thresholds, flags)


def _logo(parsed: ParsedLine, catalog: Catalog) -> MakerEvidence | None:
    """A maker's logo or mark printed on the part as text ('TI', 'ST'), the first on the marking."""
    for mark in parsed.marks:
        if maker := catalog.logos.get(mark):
            return MakerEvidence(maker, "logo", 70.0, mark)
    return None


def _decided(top: Evidence, company: str, part_maker: str, named: MakerEvidence | None,
             runner: str | None, catalog: Catalog, t: Thresholds, flags: list[str]) -> Match:
    confidence = _confidence(top, named is not None, t)
    if named is not None and named.how == "logo":
        # a printed mark supports the part's evidence up to probable, never to confirmed
        alone = _confidence(top, False, t)
        confidence = alone if alone == "confirmed" else "probable" if confidence == "confirmed" else confidence
    if top.method == "misread":
        flags.append("misread")
    if len(top.makers) > 1 or top.shared_by or (top.family is not None and top.family.ambiguous):
        flags.append("shared_family")  # the maker named chose among makers of one designation: review
    detail = top.detail
    if top.candidate.last_resort:
        detail += " (read across the space; nothing else on the line is a known part)"
    if named is not None and company != part_maker:
        detail += (f"; a {catalog.maker(part_maker).name} part, the source names "
                   f"{catalog.maker(company).name} (same group)")
    elif named is not None and named.how == "keyword":
        detail += f"; the marking names {catalog.maker(company).name}"
    elif named is not None and named.how == "logo":
        detail += f"; the mark {named.text!r} printed on it is {catalog.maker(company).name}'s"
    elif named is not None:
        detail += f"; maker {catalog.maker(company).name} agrees"
    return Match(top.method, top.score, confidence, company, catalog_part=_part_label(top),
                 category=_category(top), runner_up=runner, detail=detail, source=_source(top, catalog),
                 flags=tuple(flags), matched_text=top.candidate.text, evidence="curated")


def _confidence(top: Evidence, maker_agrees: bool, t: Thresholds) -> Confidence:
    confidence = _confidence_of_method(top, maker_agrees, t)
    if top.candidate.last_resort and not maker_agrees and confidence == "confirmed":
        return "probable"  # the join across a space is itself a guess
    return confidence


def _confidence_of_method(top: Evidence, maker_agrees: bool, t: Thresholds) -> Confidence:
    method = top.method
    if method == "exact":
        return "confirmed" if maker_agrees or len(top.candidate.key) >= t.confirmed_len else "probable"
    if method == "marking-code" and len(top.candidate.key) < SURE_MARKING_CODE and not maker_agrees:
        return "possible"  # a four-character code is too easily some other maker's code or a lot code
    if method in ("marking-code", "base-part"):
        return "confirmed" if maker_agrees else "probable"
    if method == "grammar":
        if maker_agrees:
            return "probable" if top.shared_rule else "confirmed"
        return "possible" if top.shared_rule else "probable"
    if method in ("misread", "truncated"):
        return "probable" if maker_agrees or method == "truncated" else "possible"
    if method == "family":
        assert top.family is not None
        long_prefix = len(top.family.key) >= t.family_probable_len
        return "probable" if maker_agrees or long_prefix else "possible"
    return "probable" if maker_agrees and top.score >= 95 else "possible"


def _maker_only(named: MakerEvidence | None, catalog: Catalog, flags: list[str],
                top: Evidence | None = None) -> Match:
    category = _category(top) if top else None
    if named is None:
        detail = top.detail + "; no maker named" if top else "no part number found and no maker named"
        return Match("none", 0.0, "unresolved", None, category=category, detail=detail,
                     flags=tuple(flags))
    maker = catalog.maker(named.maker)
    confidence: Confidence = "probable" if named.how in ("name", "keyword") else "possible"
    if named.how == "registry":
        confidence = "probable" if maker.confidence == "probable" else "possible"
    how = {"name": "the source names", "keyword": "the marking names", "bracket": "the source names, "
           "in brackets,", "alias-fuzzy": f"the source's name is close ({named.score:.0f}) to",
           "registry": "the source names", "logo": f"the mark {named.text!r} printed on it is that of"}[named.how]
    said = f"{how} {maker.name}"
    if named.how == "registry":
        said += f", a company open registries place in {maker.country} ({maker.source})"
    detail = said + (f"; {top.detail}" if top else "; no part number matched")
    method = {"keyword": "keyword", "logo": "logo"}.get(named.how, "maker-name")
    return Match(method, named.score, confidence,
                 named.maker, category=category, detail=detail, source=maker.source, flags=tuple(flags),
                 matched_text=top.candidate.text if top else None, evidence=named.evidence)


def _by_name_alone(reported: str, flags: list[str], top: Evidence | None = None) -> Match:
    """A maker no catalog knows, placed by its own name (a city or province at its start or in
    brackets, a legal form used in one country): `possible`, the company as the source writes it.
    Unresolved when the name tells nothing."""
    parts = split_maker_name(reported)
    primary, found = parts.primary, None
    if reported.strip() and maker_key(reported) not in NOT_A_MAKER:
        # the name as written, else a company named in brackets ('GXSERVO (Dongguan Gongxun ...)')
        primary, found = next(((text, ev) for text in (parts.primary, *parts.bracketed)
                               if text and (ev := name_evidence(text))), (parts.primary, None))
    if found is None:
        detail = top.detail + "; no maker named" if top else "no part number found and no maker named"
        if reported.strip() and maker_key(reported) not in NOT_A_MAKER:
            detail = (top.detail + "; " if top else "") + f"the maker named, {reported.strip()!r}, is in no catalog"
        return Match("none", 0.0, "unresolved", None, category=_category(top), detail=detail,
                     flags=tuple(flags))
    detail = (f"the source names {primary}, in no catalog; {found.detail}"
              + (f"; {top.detail}" if top else ""))
    return Match("name-evidence", 60.0, "possible", f"name:{maker_key(primary)}", category=_category(top),
                 detail=detail, source=f"the company's name ({found.kind.replace('_', ' ')}: {found.word})",
                 flags=tuple(flags), matched_text=top.candidate.text if top else None, evidence="name",
                 maker_name=primary, maker_country=found.country)


def _part_label(e: Evidence) -> str | None:
    if e.parts and e.method != "truncated":
        return e.parts[0].part_number
    if e.rules:
        return e.candidate.text
    return e.family.prefix if e.family else None


def _category(e: Evidence | None) -> str | None:
    if e is None:
        return None
    if e.parts:
        categories = {p.category for p in e.parts}
        return e.parts[0].category if len(categories) == 1 else None
    if e.rules:
        return e.rules[0].category if len({r.category for r in e.rules}) == 1 else None
    return e.family.category if e.family else None


def _source(e: Evidence, catalog: Catalog) -> str | None:
    if e.parts:
        return e.parts[0].source
    if e.rules:
        return e.rules[0].source
    return e.family.source if e.family else None


def _runner_up(evidence: list[Evidence], top: Evidence, catalog: Catalog, chosen: str | None
               ) -> str | None:
    """The best other reading: another maker of the same part (not the one the source names), or
    the next candidate's hit."""
    others = [m for m in top.makers if chosen is None or not same_group(catalog, m, chosen)]
    if len(top.makers) > 1 and others:
        pick = others[1] if chosen is None and len(others) > 1 else others[0]
        return f"{_part_label(top)} by {catalog.maker(pick).name} ({top.method} {top.score:.0f})"
    for e in evidence[1:]:
        if _part_label(e) != _part_label(top) or e.makers != top.makers:
            maker = catalog.maker(e.makers[0]).name if e.makers else "?"
            return f"{_part_label(e)} by {maker} ({e.method} {e.score:.0f})"
    return None
