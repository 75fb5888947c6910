"""Analysis of one line: normalize, match and attribute, below both the pipeline and the review (which
re-analyses a line a reviewer gave a part number). Nothing here reads files or knows about runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bomtrace.attribute import attribute, country_conflict
from bomtrace.catalogs import Catalog
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.match import match_line
from bomtrace.models import Basis, Issue, LineResult, Match, ParsedLine, Party, RawLine, quantity_of
from bomtrace.normalize import parse_line
from bomtrace.supply_chain import split_parties, split_supply_chain

Progress = Callable[[int, int], None]


def analyze_line(line: RawLine, catalog: Catalog, basis: Basis = "brand", thresholds: Thresholds = DEFAULT
                 ) -> LineResult:
    """One line through normalize, match and attribute; suppliers and importers named in the maker
    cell are split off before the maker is resolved."""
    parsed = parse_line(line, catalog.keyword_maker)
    chain = split_supply_chain(line.get("manufacturer"))
    match = match_line(parsed, chain.maker, catalog, thresholds)
    return attributed(line, parsed, match, catalog, basis, named_parties(line, catalog))


def named_parties(line: RawLine, catalog: Catalog) -> tuple[Party, ...]:
    """The suppliers, importers and involved companies a line names: clauses of its maker cell
    ('... Suppliers JSC X'), then its supplier and importer columns; with the country a catalog gives
    the name exactly (never fuzzily)."""
    found = [(p.role, p.name) for p in split_supply_chain(line.get("manufacturer")).parties]
    for role in ("supplier", "importer"):
        found += [(role, name) for name in split_parties(line.get(role))]
    return tuple(Party(role, name, catalog.country_of_name(name)) for role, name in dict.fromkeys(found))


def attributed(line: RawLine, parsed: ParsedLine, match: Match, catalog: Catalog, basis: Basis,
               parties: tuple[Party, ...] | None = None) -> LineResult:
    """A line with its match attributed on `basis`; flagged `country_conflict` when the input's own
    country names another country."""
    attribution = attribute(match, catalog, basis)
    flags = list(match.flags)
    if country_conflict(line.get("country"), attribution.country):
        flags.append("country_conflict")
    if parties is None:
        parties = named_parties(line, catalog)
    return LineResult(line, parsed, match, attribution, tuple(flags), parties)


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
        cell = r.line.get("manufacturer")
        if cell.strip() and r.supply_chain and not split_supply_chain(cell).maker:
            where = r.line.source.place
            issues.append(Issue(where, f"The maker cell of {where} names only suppliers or importers "
                                       f"({', '.join(p.name for p in r.supply_chain)[:120]}); no maker."))
        text = r.line.get("quantity")
        if text.strip() and quantity_of(text) is None:
            where = r.line.source.place
            issues.append(Issue(where, f"Quantity {text[:40]!r} is not a whole number of pieces in {where}; "
                                       "counted as 1."))
    return issues
