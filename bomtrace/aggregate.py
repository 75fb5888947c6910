"""Aggregate: line results -> counts by country, company, sample, module and category.

Every line counts once in the denominator; a line counts under a country when its company is set
(any confidence but unresolved); unresolved lines form a row with country None.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from bomtrace.countries import country_name
from bomtrace.models import Breakdown, CompanyRow, CountryRow, LineResult, Summary


def lines_frame(results: Sequence[LineResult]) -> pd.DataFrame:
    """One row per line with the columns the breakdowns group by."""
    return pd.DataFrame(
        {
            "country": [r.attribution.country for r in results],
            "company": [r.attribution.company for r in results],
            "company_id": [r.attribution.company_id for r in results],
            "owner": [r.attribution.owner for r in results],
            "quantity": [r.quantity for r in results],
            "sample": [r.line.get("sample") for r in results],
            "module": [r.line.get("module") for r in results],
            "category": [r.attribution.category for r in results],
        },
        columns=["country", "company", "company_id", "owner", "quantity", "sample", "module", "category"],
    )


def percent(part: int, whole: int) -> int:
    """A share as a whole percentage, rounded half up (40.5 -> 41)."""
    if whole == 0:
        return 0
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def headline(by_country: Sequence[CountryRow], total: int) -> str:
    """'{k} of {n} components ({p}%) were made by {c} companies based in {Country}', for the leading
    country (most lines; ties broken by country code), with singular forms where they apply."""
    if total == 0:
        return "No components were read"
    named = [row for row in by_country if row.country]
    if not named:
        noun = "component" if total == 1 else "components"
        return f"None of the {total} {noun} could be attributed"
    lead = min(named, key=lambda row: (-row.lines, row.country))
    noun = "component" if total == 1 else "components"
    verb = "was" if lead.lines == 1 else "were"
    companies = "1 company" if lead.companies == 1 else f"{lead.companies} companies"
    return (f"{lead.lines} of {total} {noun} ({percent(lead.lines, total)}%) {verb} made by "
            f"{companies} based in {country_name(lead.country)}")


def breakdown(results: Sequence[LineResult]) -> Breakdown:
    """Summary, by-country and by-company rows for a set of lines, sorted by lines, descending."""
    frame = lines_frame(results)
    total = len(frame)
    by_country = _by_country(frame, total)
    by_company = _by_company(frame)
    resolved = int(frame["country"].notna().sum()) if total else 0
    summary = Summary(
        lines=total,
        quantity=int(frame["quantity"].sum()) if total else 0,
        resolved=resolved,
        unresolved=total - resolved,
        countries=int(frame["country"].nunique()) if total else 0,
        companies=int(frame["company_id"].nunique()) if total else 0,
        headline=headline(by_country, total),
    )
    return Breakdown(summary, by_country, by_company)


def _by_country(frame: pd.DataFrame, total: int) -> list[CountryRow]:
    rows = []
    for country, group in frame.groupby("country", dropna=False, sort=False):
        code = None if pd.isna(country) else str(country)
        rows.append(CountryRow(
            country=code,
            country_name=country_name(code) if code else "Unresolved",
            lines=len(group),
            quantity=int(group["quantity"].sum()),
            companies=int(group["company_id"].nunique()),
            share=len(group) / total,
        ))
    return sorted(rows, key=lambda r: (-r.lines, r.country is None, r.country or ""))


def _by_company(frame: pd.DataFrame) -> list[CompanyRow]:
    rows = []
    for company_id, group in frame.groupby("company_id", dropna=False, sort=False):
        first = group.iloc[0]
        known = not pd.isna(company_id)
        rows.append(CompanyRow(
            company=str(first["company"]) if known else None,
            country=str(first["country"]) if known and not pd.isna(first["country"]) else None,
            owner=str(first["owner"]) if known else None,
            lines=len(group),
            quantity=int(group["quantity"].sum()),
        ))
    return sorted(rows, key=lambda r: (-r.lines, r.company is None, r.company or ""))


def by_sample(results: Sequence[LineResult]) -> list[tuple[str, Breakdown]]:
    """A breakdown per sample, when the input names two samples or more; in order of appearance."""
    samples = list(dict.fromkeys(r.line.get("sample") for r in results))
    if len([s for s in samples if s]) < 2:
        return []
    return [(s or "(no sample)", breakdown([r for r in results if r.line.get("sample") == s]))
            for s in samples]
