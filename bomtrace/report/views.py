"""What the reports show, computed once from a Result: review lists, grouped tables, dated parts.

HTML and xlsx both read these; nothing here formats for one medium or the other.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bomtrace import task_force
from bomtrace.aggregate import COUNTED
from bomtrace.countries import bare_name
from bomtrace.models import Breakdown, LineResult, Restriction, Result, SanctionsList
from bomtrace.report.charts import POSSIBLE
from bomtrace.report.datecodes import DateReading, Standing, read_date_code, standing
from bomtrace.review import queue
from bomtrace.vocabulary import OVERRIDE

#: Said wherever figures are shown: presence is not a finding of wrongdoing.
CAVEAT = ("A part found in a weapon shows that the part was there, not how it got there: it is no "
          "finding that its maker, or anyone else, broke a rule.")
BASIS_TEXT = {
    "brand": "Each part counts under the headquarters country of the company named on the part or by the "
             "source, as public reports count, even when a group has bought that company since.",
    "owner": "Each part counts under the headquarters country of its maker's ultimate parent company when "
             "the part was made, where its date code gives the week (else as of the catalog's as-of date).",
}
_SAMPLE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?(?!\d)")


def review_lines(result: Result) -> list[LineResult]:
    """The lines that need review, most doubtful first (bomtrace.review.queue)."""
    return queue(result.lines)


def override_lines(result: Result) -> list[LineResult]:
    """The lines a reviewer decided, in input order."""
    return [r for r in result.lines if r.match.method == OVERRIDE]


@dataclass(frozen=True)
class GroupRow:
    """Lines grouped by one field: counts and the countries they were attributed to."""

    label: str
    lines: int
    quantity: int
    resolved: int
    countries: str


def group_rows(result: Result, key: Callable[[LineResult], str | None], blank: str = "(none)"
               ) -> list[GroupRow]:
    """Lines grouped by `key` (blank as `blank`), most lines first, then by label."""
    groups: dict[str, list[LineResult]] = defaultdict(list)
    for r in result.lines:
        groups[key(r) or blank].append(r)
    rows = []
    for label, members in groups.items():
        segments = Counter(counted_country(r) for r in members)
        countries = {c: n for c, n in segments.items() if c and c != POSSIBLE}
        shown = ", ".join(f"{bare_name(c)} {n}" for c, n in sorted(countries.items(),
                                                                    key=lambda kv: (-kv[1], kv[0])))
        if segments[POSSIBLE]:
            shown += f"{'; ' if shown else ''}{segments[POSSIBLE]} possible"
        rows.append(GroupRow(label, len(members), sum(r.quantity for r in members), sum(countries.values()),
                             shown))
    return sorted(rows, key=lambda g: (-g.lines, g.label == blank, g.label))


def by_module(result: Result) -> list[GroupRow]:
    """Lines by the module (board, unit) the input names."""
    return group_rows(result, lambda r: r.line.get("module"))


def by_category(result: Result) -> list[GroupRow]:
    """Lines by category, by its label where the catalogs give one, with its HS-6 code."""
    def label(r: LineResult) -> str | None:
        category = r.attribution.category
        if not category:
            return None
        name = result.category_labels.get(category, category)
        return f"{name} (HS {r.attribution.hs6})" if r.attribution.hs6 else name

    return group_rows(result, label)


def by_tier(result: Result) -> list[GroupRow]:
    """Lines by Common High Priority List tier; '(not listed)' when the HS-6 code is not on it."""
    return group_rows(result, lambda r: f"Tier {r.attribution.chpl_tier}" if r.attribution.chpl_tier
                      else None, blank="(not listed)")


def counted_country(r: LineResult) -> str | None:
    """The segment a line counts in: its country when confirmed or probable, POSSIBLE when possible,
    None when unresolved."""
    if r.match.confidence == "possible" and r.attribution.country:
        return POSSIBLE
    return r.attribution.country if r.match.confidence in COUNTED else None


def module_country(result: Result) -> list[tuple[str, list[tuple[str | None, int]]]]:
    """Per module (most lines first), the lines per counted country (POSSIBLE for possible lines,
    None for unresolved), most first."""
    table: dict[str, Counter[str | None]] = defaultdict(Counter)
    for r in result.lines:
        table[r.line.get("module") or "(none)"][counted_country(r)] += 1
    modules = sorted(table, key=lambda m: (-sum(table[m].values()), m == "(none)", m))
    return [(m, sorted(table[m].items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or "")))
            for m in modules]


def sample_date(name: str) -> str | None:
    """The date a sample's name carries ('Shahed-136 2023-05' -> '2023-05'), else None."""
    found = _SAMPLE_DATE.search(name)
    return "-".join(g for g in found.groups() if g) if found else None


def dated_samples(result: Result) -> list[tuple[str, str, Breakdown]]:
    """(date, sample, breakdown) for samples whose names carry a date, by date; empty under two."""
    dated = [(d, name, b) for name, b in result.by_sample if (d := sample_date(name))]
    return sorted(dated, key=lambda t: (t[0], t[1])) if len(dated) >= 2 else []


@dataclass(frozen=True)
class DatedLine:
    """A line whose date code could be read, and how it stands against the measures."""

    line: LineResult
    reading: DateReading
    standing: Standing


def dated_lines(result: Result, measures: Sequence[Restriction]) -> list[DatedLine]:
    """Lines with a readable date code, earliest week first, then by id."""
    dated = []
    for r in result.lines:
        reading = read_date_code(r.parsed.date_code, r.attribution.company_id)
        if reading:
            dated.append(DatedLine(r, reading, standing(reading, measures)))
    return sorted(dated, key=lambda d: (d.reading.start, d.line.id))


def undated_codes(result: Result) -> list[LineResult]:
    """Lines with a date code that could not be read as a week."""
    return [r for r in result.lines if r.parsed.date_code
            and read_date_code(r.parsed.date_code, r.attribution.company_id) is None]


@dataclass(frozen=True)
class MeasureRow:
    """A measure and how many dated lines were made after it took effect."""

    measure: Restriction
    after: int


def measure_rows(measures: Sequence[Restriction], dated: Sequence[DatedLine]) -> list[MeasureRow]:
    """Each measure, by date, with the count of dated lines whose week began after it took effect."""
    return [MeasureRow(m, sum(1 for d in dated if m.date < d.reading.start.isoformat())) for m in measures]


@dataclass(frozen=True)
class PartyRow:
    """A supplier, importer or involved company the input names, with the lines that name it."""

    role: str
    name: str
    country: str | None
    lines: int
    ids: tuple[str, ...]


def named_parties(result: Result) -> list[PartyRow]:
    """Every supplier, importer and involved company named, most lines first, then by role and name."""
    found: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for r in result.lines:
        for party in r.supply_chain:
            found[(party.role, party.name, party.country)].append(r.id)
    rows = [PartyRow(role, name, country, len(ids), tuple(ids)) for (role, name, country), ids in found.items()]
    return sorted(rows, key=lambda p: (-p.lines, p.role, p.name))


@dataclass(frozen=True)
class TaskForceView:
    """What the report's task-force sections show: name matches against the sanctions lists (and the
    lists' dates), lines by printed country of assembly, and lines made under another owner."""

    hits: list[task_force.HitRow]
    lists: list[SanctionsList]
    made_in: list[task_force.MadeInRow]
    brand_made_in: list[task_force.BrandMadeInRow]
    printed: int
    changed: list[LineResult]
    ambiguous: list[LineResult]


def task_force_view(result: Result) -> TaskForceView:
    """The task-force sections of a result."""
    made_in = task_force.by_made_in(result.lines)
    return TaskForceView(task_force.screening_rows(result.lines), list(result.sanctions_lists), made_in,
                         task_force.brand_by_made_in(result.lines),
                         sum(row.lines for row in made_in if row.country), task_force.owner_changed(result.lines),
                         task_force.owner_ambiguous(result.lines))


def list_dates(lists: Sequence[SanctionsList]) -> str:
    """The lists' dates in one sentence: 'OFAC SDN (names, programmes: sdn.csv of 2024-05-03; ...)'."""
    return "; ".join(f"{s.list} ({', '.join(f'{fields}: {name} of {date}' for name, date, fields in s.files)})"
                     for s in lists) or "none"


Sheet = tuple[str, tuple[str, ...], Sequence[Sequence[object]]]


def task_force_sheets(result: Result) -> list[Sheet]:
    """The workbook's task-force sheets as (title, header, rows): parties on sanctions lists and the
    lists' dates, lines by printed country of assembly and brand x made-in, lines made under another
    owner."""
    view = task_force_view(result)
    hits = [[h.hit.role, h.hit.party, h.hit.named_as, h.hit.party_country, h.hit.list, h.hit.entry,
             h.hit.entry_name, h.hit.matched_name, h.hit.name_kind, ", ".join(h.hit.programs),
             ", ".join(h.hit.countries), h.hit.name_date, h.hit.designated, h.hit.detail, " ".join(h.lines)]
            for h in view.hits]
    lists = [[s.list, name, date, fields, s.entries, s.origin] for s in view.lists for name, date, fields in s.files]
    made_in = [[row.country_name, row.country, row.lines, row.quantity] for row in view.made_in]
    pairs = [[bare_name(p.brand_country), bare_name(p.made_in), p.lines] for p in view.brand_made_in]
    owners = [[r.id, r.line.get("part_number") or r.match.matched_text, r.line.get("marking"),
               r.attribution.company, r.parsed.date_code, r.ownership.made, r.ownership.owner, r.ownership.today,
               "; ".join(r.ownership.events), "changed" if r.ownership.changed else "ambiguous: today's owner kept"]
              for r in view.changed + view.ambiguous if r.ownership]
    return [
        ("Parties on sanctions lists", ("role", "party", "as the line names it", "party country", "list", "entry",
                                        "entry name", "matched name", "name kind", "programmes",
                                        "listed countries", "list date", "designated", "detail", "line ids"), hits),
        ("Sanctions list dates", ("list", "file", "date", "fields", "entries", "origin"), lists),
        ("Made in", ("printed country of assembly", "code", "lines", "quantity"), made_in),
        ("Brand x made in", ("brand country", "made in", "lines"), pairs),
        ("Owner at date", ("id", "part number", "marking", "company", "date code", "made", "owner then",
                           "owner today", "ownership events since", "status"), owners),
    ]
