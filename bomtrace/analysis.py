"""Analysis of one line: normalize, match and attribute, below both the pipeline and the review (which
re-analyses a line a reviewer gave a part number). Nothing here reads files or knows about runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bomtrace.attribute import attribute, country_conflict
from bomtrace.catalogs import Catalog
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.match import match_line
from bomtrace.models import Basis, Issue, LineResult, Match, ParsedLine, RawLine, quantity_of
from bomtrace.normalize import parse_line

Progress = Callable[[int, int], None]


def analyze_line(line: RawLine, catalog: Catalog, basis: Basis = "brand", thresholds: Thresholds = DEFAULT
                 ) -> LineResult:
    """One line through normalize, match and attribute."""
    parsed = parse_line(line, catalog.keyword_maker)
    match = match_line(parsed, line.get("manufacturer"), catalog, thresholds)
    return attributed(line, parsed, match, catalog, basis)


def attributed(line: RawLine, parsed: ParsedLine, match: Match, catalog: Catalog, basis: Basis) -> LineResult:
    """A line with its match attributed on `basis`; flagged `country_conflict` when the input's own
    country names another country."""
    attribution = attribute(match, catalog, basis)
    flags = list(match.flags)
    if country_conflict(line.get("country"), attribution.country):
        flags.append("country_conflict")
    return LineResult(line, parsed, match, attribution, tuple(flags))


def analyze_lines(lines: Iterable[RawLine], catalog: Catalog, basis: Basis = "brand",
                  thresholds: Thresholds = DEFAULT, progress: Progress | None = None) -> list[LineResult]:
    """Every line analysed, in input order; `progress(done, total)` after each."""
    lines = list(lines)
    results = []
    for done, line in enumerate(lines, start=1):
        results.append(analyze_line(line, catalog, basis, thresholds))
        if progress:
            progress(done, len(lines))
    return results


def row_issues(results: Iterable[LineResult]) -> list[Issue]:
    """Problems with single cells worth a reader's attention (a quantity that is not a number)."""
    issues = []
    for r in results:
        text = r.line.get("quantity")
        if text.strip() and quantity_of(text) is None:
            where = r.line.source.place
            issues.append(Issue(where, f"Quantity {text[:40]!r} is not a whole number of pieces in {where}; "
                                       "counted as 1."))
    return issues
