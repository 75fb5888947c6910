"""Analysis of one line: normalize, match and attribute, below both the pipeline and the review (which
re-analyses a line a reviewer gave a part number). Nothing here reads files or knows about runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial

from bomtrace import forked
from bomtrace import ownership as owners
from bomtrace.attribute import attribute, country_conflict, ownership_of, parse_country
from bomtrace.catalogs import Catalog
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.made_in import CONFLICT_FLAG, read_made_in
from bomtrace.match import match_line
from bomtrace.models import (
    Attribution,
    Basis,
    Issue,
    LineResult,
    Match,
    OwnerAtDate,
    ParsedLine,
    Party,
    RawLine,
    ScreeningHit,
    quantity_of,
)
from bomtrace.normalize import maker_key, parse_line, split_maker_name
from bomtrace.screening import NamedParty, ScreeningIndex, screen_parties, unique_parties
from bomtrace.supply_chain import split_parties, split_supply_chain

Progress = Callable[[int, int], None]
#: The fields the analysis of a line reads; sample, module, quantity and refdes only travel with it.
ANALYSED_FIELDS = ("part_number", "marking", "manufacturer", "description", "country", "date_code", "notes",
                   "supplier", "importer")


def analyze_line(line: RawLine, catalog: Catalog, basis: Basis = "brand", thresholds: Thresholds = DEFAULT,
                 lists: ScreeningIndex | None = None) -> LineResult:
    """One line through normalize, match and attribute; suppliers and importers named in the maker
    cell are split off before the maker is resolved; named parties screened against `lists` (the
    sanctions lists in use when None)."""
    parsed = parse_line(line, catalog.keyword_maker)
    chain = split_supply_chain(line.get("manufacturer"))
    match = match_line(parsed, chain.maker, catalog, thresholds)
    return attributed(line, parsed, match, catalog, basis, named_parties(line, catalog), lists)


def named_parties(line: RawLine, catalog: Catalog) -> tuple[Party, ...]:
    """The suppliers, importers and involved companies a line names: clauses of its maker cell
    ('... Suppliers JSC X'), then its supplier and importer columns; with the country a catalog gives
    the name exactly (never fuzzily)."""
    found = [(p.role, p.name) for p in split_supply_chain(line.get("manufacturer")).parties]
    for role in ("supplier", "importer"):
        found += [(role, name) for name in split_parties(line.get(role))]
    return tuple(Party(role, name, catalog.country_of_name(name)) for role, name in dict.fromkeys(found))


def attributed(line: RawLine, parsed: ParsedLine, match: Match, catalog: Catalog, basis: Basis,
               parties: tuple[Party, ...] | None = None, lists: ScreeningIndex | None = None) -> LineResult:
    """A line with its match attributed on `basis` (the owner at the part's date code where it has
    one), the country of assembly its marking prints, and its named parties screened. Flagged
    `country_conflict` when the input's own country names another country, `owner_date_ambiguous`
    when the date code's readings give two owners, `made_in_conflict` when the marking prints two
    countries."""
    ownership = ownership_of(match, catalog, parsed.date_code)
    attribution = attribute(match, catalog, basis, ownership)
    flags = list(match.flags)
    if country_conflict(line.get("country"), attribution.country):
        flags.append("country_conflict")
    if ownership is not None and ownership.ambiguous:
        flags.append(owners.AMBIGUOUS_FLAG)
    made_in, two_countries = read_made_in(line.get("marking"), attribution.company_id,
                                          lambda text: _names_a_maker(catalog, text))
    if two_countries:
        flags.append(CONFLICT_FLAG)
    if parties is None:
        parties = named_parties(line, catalog)
    if lists is None:
        from bomtrace.sanctions.lists import current

        lists = current().index
    hits = screened(line, attribution, ownership, parties, lists, catalog)
    return LineResult(line, parsed, match, attribution, tuple(flags), parties, made_in, ownership, hits)


def _names_a_maker(catalog: Catalog, text: str) -> bool:
    key = maker_key(text)
    return key in catalog.makers.curated or key in catalog.makers.registry


def screened(line: RawLine, attribution: Attribution, ownership: OwnerAtDate | None, parties: tuple[Party, ...],
             lists: ScreeningIndex, catalog: Catalog) -> tuple[ScreeningHit, ...]:
    """The line's named parties against the lists: the maker as the input names it (and any owner it
    names in brackets), the maker as the catalog names it (with the catalog's other names for it), its
    owner today and at the part's date (likewise), then suppliers, importers and involved companies;
    each with the country known for it."""
    reported = split_maker_name(split_supply_chain(line.get("manufacturer")).maker)
    maker_country = attribution.brand_country or parse_country(line.get("country"))
    named = [NamedParty("maker", name, maker_country) for name in (reported.primary, *reported.bracketed) if name]
    if attribution.company:
        named += _with_aliases("maker", attribution.company_id, attribution.company, attribution.brand_country,
                               catalog)
    if ownership is not None:
        named += _with_aliases("owner", ownership.today_id, ownership.today, ownership.today_country, catalog)
        named += _with_aliases("owner", ownership.owner_id, ownership.owner, ownership.country, catalog)
    elif attribution.owner:
        named.append(NamedParty("owner", attribution.owner, attribution.country))
    named += [NamedParty(p.role, p.name, p.country) for p in parties]
    return screen_parties(lists, unique_parties(named))


def _with_aliases(role: str, maker_id: str | None, name: str, country: str | None, catalog: Catalog
                  ) -> list[NamedParty]:
    """A catalog company under its name, then under each other name the catalog gives it."""
    maker = catalog.manufacturers.get(maker_id or "")
    aliases = maker.aliases if maker else ()
    return [NamedParty(role, name, country)] + [NamedParty(role, a, country, name) for a in aliases]


def analyze_lines(lines: Iterable[RawLine], catalog: Catalog, basis: Basis = "brand",
                  thresholds: Thresholds = DEFAULT, progress: Progress | None = None,
                  lists: ScreeningIndex | None = None, workers: int = 1) -> list[LineResult]:
    """Every line analysed, in input order; `progress(done, total)` as lines are done. A line whose
    analysed fields repeat an earlier line's (the same chip in every sample of a weapon) takes that
    line's analysis, with its own source and other fields. With `workers` over 1, a teardown of at
    least forked.SHARED_FROM lines is cut into that many runs of lines (of half that at least), analysed
    side by side in forked processes (bomtrace.forked); the answer is the same."""
    lines = list(lines)
    if lists is None:
        from bomtrace.sanctions.lists import current

        lists = current().index
    total = len(lines)
    report = (lambda done: progress(done, total)) if progress else None
    if workers < 2 or total < forked.SHARED_FROM:
        return _analysed(lines, catalog, basis, thresholds, lists, report)
    size = max(-(-total // workers), forked.SHARED_FROM // 2)
    tasks = [partial(_analysed, lines[start:start + size], catalog, basis, thresholds, lists)
             for start in range(0, total, size)]
    results = [result for part in forked.run_tasks(tasks, report) for result in part]
    if progress:
        progress(total, total)
    return results


def _analysed(lines: list[RawLine], catalog: Catalog, basis: Basis, thresholds: Thresholds,
              lists: ScreeningIndex, tick: Callable[[int], None] | None) -> list[LineResult]:
    results = []
    analysed: dict[tuple[str, ...], LineResult] = {}
    for done, line in enumerate(lines, start=1):
        key = tuple(line.get(name) for name in ANALYSED_FIELDS)
        earlier = analysed.get(key)
        if earlier is None:
            result = analysed[key] = analyze_line(line, catalog, basis, thresholds, lists)
        else:
            result = replace(earlier, line=line)
        results.append(result)
        if tick:
            tick(done)
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
