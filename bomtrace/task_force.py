"""The three questions an export-control task force asks of a teardown beyond the headline, tallied
over a run's lines: which named parties' names match sanctions-list entries, where the parts were
assembled (as their markings print it), and which parts were made before their maker changed owner.

Pure functions of the line results; the report writers (JSON, HTML, workbook) all read these.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bomtrace.countries import bare_name
from bomtrace.models import LineResult, ScreeningHit

#: The row of lines whose marking prints no country of assembly.
NOT_PRINTED = "not printed"


@dataclass(frozen=True)
class HitRow:
    """A list entry some named party's name matches, with the lines that name that party."""

    hit: ScreeningHit
    lines: tuple[str, ...]


def screening_rows(lines: Sequence[LineResult]) -> list[HitRow]:
    """Each (party, role, list entry) once with the ids of the lines naming it; by list, entry, party."""
    found: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    first: dict[tuple[str, str, str, str], ScreeningHit] = {}
    for r in lines:
        for hit in r.screening:
            key = (hit.list, hit.entry, hit.role, hit.party)
            first.setdefault(key, hit)
            found[key].append(r.id)
    rows = [HitRow(first[key], tuple(dict.fromkeys(ids))) for key, ids in found.items()]
    return sorted(rows, key=lambda row: (row.hit.list, _entry_order(row.hit.entry), row.hit.role, row.hit.party))


def _entry_order(entry: str) -> tuple[int, str]:
    return (int(entry), "") if entry.isdigit() else (0, entry)


def parties_screened(lines: Sequence[LineResult]) -> int:
    """How many lines name at least one party whose name matches a list entry."""
    return sum(1 for r in lines if r.screening)


@dataclass(frozen=True)
class MadeInRow:
    """Lines by the country of assembly their markings print; `country` None for 'not printed'."""

    country: str | None
    country_name: str
    lines: int
    quantity: int


def by_made_in(lines: Sequence[LineResult]) -> list[MadeInRow]:
    """Lines per printed country of assembly, most first (then by code), 'not printed' last."""
    counts: Counter[str | None] = Counter()
    quantity: Counter[str | None] = Counter()
    for r in lines:
        code = r.made_in.country if r.made_in else None
        counts[code] += 1
        quantity[code] += r.quantity
    rows = [MadeInRow(code, bare_name(code) if code else NOT_PRINTED, n, quantity[code])
            for code, n in counts.items()]
    return sorted(rows, key=lambda row: (row.country is None, -row.lines, row.country or ""))


@dataclass(frozen=True)
class BrandMadeInRow:
    """Lines with both a brand country and a printed country of assembly, per pair."""

    brand_country: str
    made_in: str
    lines: int


def brand_by_made_in(lines: Sequence[LineResult]) -> list[BrandMadeInRow]:
    """Brand (headquarters) country x printed country of assembly, for the lines that have both,
    most lines first."""
    pairs: Counter[tuple[str, str]] = Counter()
    for r in lines:
        brand = r.attribution.brand_country
        if brand and r.made_in and r.match.confidence != "unresolved":
            pairs[(brand, r.made_in.country)] += 1
    return sorted((BrandMadeInRow(b, m, n) for (b, m), n in pairs.items()),
                  key=lambda row: (-row.lines, row.brand_country, row.made_in))


def owner_changed(lines: Sequence[LineResult]) -> list[LineResult]:
    """Lines whose maker had another owner when the part was made than it has today, in input order."""
    return [r for r in lines if r.ownership is not None and r.ownership.changed]


def owner_ambiguous(lines: Sequence[LineResult]) -> list[LineResult]:
    """Lines whose date code's readings fall on both sides of an ownership event."""
    return [r for r in lines if r.ownership is not None and r.ownership.ambiguous]
