"""run(): the one entry the CLI and the web app call. Files in, a Result out; nothing printed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bomtrace import aggregate
from bomtrace.attribute import attribute, country_conflict
from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.ingest import Limits, read_inputs
from bomtrace.match import match_line
from bomtrace.models import Basis, Issue, LineResult, RawLine, Result, quantity_of
from bomtrace.normalize import parse_line

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """How to run: catalogs layered over the shipped one, basis, sheets, column overrides, limits."""

    catalogs: tuple[str, ...] = ()
    basis: Basis = "brand"
    sheets: tuple[str, ...] = ()
    mapping: Mapping[str, str] = field(default_factory=dict)
    thresholds: Thresholds = DEFAULT
    limits: Limits = field(default_factory=Limits)
    #: ISO timestamp written into the result; the current time when None.
    generated_at: str | None = None
    #: A filled Review sheet, CSV or YAML of review decisions to apply (bomtrace.review).
    overrides: str | None = None
    #: Header row by sheet name ('*' for every sheet), where detection picks the wrong row.
    header_rows: Mapping[str, int] = field(default_factory=dict)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def analyze_line(line: RawLine, catalog: Catalog, options: Options = Options()) -> LineResult:
    """One line through normalize, match and attribute."""
    parsed = parse_line(line, catalog.keyword_maker)
    match = match_line(parsed, line.get("manufacturer"), catalog, options.thresholds)
    attribution = attribute(match, catalog, options.basis)
    flags = list(match.flags)
    if country_conflict(line.get("country"), attribution.country):
        flags.append("country_conflict")
    return LineResult(line, parsed, match, attribution, tuple(flags))


def analyze_lines(lines: Iterable[RawLine], catalog: Catalog, options: Options = Options(),
                  progress: Progress | None = None) -> list[LineResult]:
    """Every line analysed, in input order; `progress(done, total)` after each."""
    lines = list(lines)
    results = []
    for done, line in enumerate(lines, start=1):
        results.append(analyze_line(line, catalog, options))
        if progress:
            progress(done, len(lines))
    return results


def row_issues(results: Iterable[LineResult]) -> list[Issue]:
    """Problems with single cells worth a reader's attention (a quantity that is not a number)."""
    issues = []
    for r in results:
        text = r.line.get("quantity")
        if text.strip() and quantity_of(text) is None:
            s = r.line.source
            place = f"{s.file}{'/' + s.sheet if s.sheet else ''} row {s.row}"
            issues.append(Issue(place, f"Quantity {text[:40]!r} is not a whole number of pieces in {place}; "
                                       "counted as 1."))
    return issues


def run(inputs: Sequence[str | Path], options: Options = Options(), *, catalog: Catalog | None = None,
        progress: Progress | None = None) -> Result:
    """Ingest every input, analyse every line and aggregate; failed inputs are listed, not raised.

    Raises CatalogError for an invalid catalog (nothing can be trusted then), and OverridesError for
    an overrides file that cannot be read (checked before any line is matched).
    """
    from bomtrace import review

    decisions = review.read_decisions(options.overrides) if options.overrides else None
    catalog = catalog or load_catalogs(options.catalogs)
    ingested = read_inputs(inputs, mapping=options.mapping, sheets=options.sheets, limits=options.limits,
                           header_rows=options.header_rows)
    results = analyze_lines(ingested.lines, catalog, options, progress)
    result = Result(
        inputs=ingested.inputs,
        catalogs=catalog.infos,
        basis=options.basis,
        generated_at=options.generated_at or now_iso(),
        lines=results,
        breakdown=aggregate.breakdown(results),
        by_sample=aggregate.by_sample(results),
        issues=ingested.issues + row_issues(results),
        as_of=catalog.as_of,
        failed_inputs=ingested.failed,
        restrictions=list(catalog.restrictions),
        thresholds=options.thresholds.as_dict(),
    )
    if decisions is None:
        return result
    return review.apply_overrides(result, decisions, catalog, options.thresholds)
