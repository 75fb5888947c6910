"""Aggregate: line results -> counts by country, company and sample, and the headline.

Every line counts once in the denominator. A line counts under its country and company when it is
attributed `confirmed` or `probable`: that is what the headline claims and a task force quotes. A
`possible` line is counted apart (`possible` on its country's and company's rows, named after the
headline), and unresolved lines form a row with country None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bomtrace.countries import country_name
from bomtrace.models import Breakdown, CompanyRow, CountryRow, LineResult, Summary

#: Confidences the headline and the `lines` counts rest on.
COUNTED = frozenset({"confirmed", "probable"})


def percent(part: int, whole: int) -> int:
    """A share as a whole percentage, rounded half up (40.5 -> 41)."""
    if whole == 0:
        return 0
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _lines_noun(count: int) -> str:
    return "1 more line" if count == 1 else f"{count} more lines"


def headline(by_country: Sequence[CountryRow], total: int) -> str:
    """'{k} of {n} components ({p}%) were made by {c} companies based in {Country}', for the leading
    country (most counted lines; ties broken by country code), with singular forms where they apply;
    '; N more lines possibly' when that country also has possible lines."""
    if total == 0:
        return "No components were read"
    noun = "component" if total == 1 else "components"
    named = [row for row in by_country if row.country and row.lines]
    if not named:
        possible = sum(row.possible for row in by_country)
        return f"None of the {total} {noun} could be attributed" + (f"; {possible} possibly" if possible else "")
    lead = min(named, key=lambda row: (-row.lines, row.country))
    verb = "was" if lead.lines == 1 else "were"
    companies = "1 company" if lead.companies == 1 else f"{lead.companies} companies"
    text = (f"{lead.lines} of {total} {noun} ({percent(lead.lines, total)}%) {verb} made by "
            f"{companies} based in {country_name(lead.country)}")
    return text + (f"; {_lines_noun(lead.possible)} possibly" if lead.possible else "")


@dataclass
class _Tally:
    lines: int = 0
    possible: int = 0
    quantity: int = 0
    companies: set[str] = field(default_factory=set)


def breakdown(results: Sequence[LineResult]) -> Breakdown:
    """Summary, by-country and by-company rows for a set of lines, sorted by counted lines, descending."""
    by_country: dict[str | None, _Tally] = {}
    by_company: dict[str | None, _Tally] = {}
    first_of: dict[str | None, LineResult] = {}
    counted_companies: set[str] = set()
    for r in results:
        a, confidence = r.attribution, r.match.confidence
        known = a.company_id is not None and confidence != "unresolved"
        country = a.country if known else None
        company = a.company_id if known else None
        for key, table in ((country, by_country), (company, by_company)):
            tally = table.setdefault(key, _Tally())
            if confidence == "possible" and known:
                tally.possible += 1
            else:
                tally.lines += 1
                tally.quantity += r.quantity
                if known and a.company_id:
                    tally.companies.add(a.company_id)
        first_of.setdefault(company, r)
        if known and confidence in COUNTED and a.company_id:
            counted_companies.add(a.company_id)
    total = len(results)
    country_rows = sorted(
        (CountryRow(code, country_name(code) if code else "Unresolved", t.lines, t.quantity, len(t.companies),
                    t.lines / total if total else 0.0, t.possible) for code, t in by_country.items()),
        key=lambda r: (-r.lines, -r.possible, r.country is None, r.country or ""))
    company_rows = sorted((_company_row(first_of[key], t, key is not None) for key, t in by_company.items()),
                          key=lambda r: (-r.lines, -r.possible, r.company is None, r.company or ""))
    resolved = sum(t.lines for code, t in by_country.items() if code is not None)
    possible = sum(t.possible for t in by_country.values())
    summary = Summary(
        lines=total,
        quantity=sum(r.quantity for r in results),
        resolved=resolved,
        unresolved=total - resolved - possible,
        countries=len({code for code, t in by_country.items() if code is not None and t.lines}),
        companies=len(counted_companies),
        headline=headline(country_rows, total),
        possible=possible,
    )
    return Breakdown(summary, country_rows, company_rows)


def _company_row(first: LineResult, tally: _Tally, known: bool) -> CompanyRow:
    a = first.attribution
    return CompanyRow(a.company if known else None, a.country if known else None, a.owner if known else None,
                      tally.lines, tally.quantity, tally.possible)


def by_sample(results: Sequence[LineResult]) -> list[tuple[str, Breakdown]]:
    """A breakdown per sample, when the input names two samples or more; in order of appearance."""
    samples = list(dict.fromkeys(r.line.get("sample") for r in results))
    if len([s for s in samples if s]) < 2:
        return []
    return [(s or "(no sample)", breakdown([r for r in results if r.line.get("sample") == s]))
            for s in samples]
