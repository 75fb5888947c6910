"""Aggregate: counts, shares, quantities, the unresolved row and the headline's wording."""

from __future__ import annotations

import pytest

from bomtrace.aggregate import breakdown, by_sample, headline, percent
from bomtrace.models import Attribution, CountryRow, LineResult, Match, ParsedLine, RawLine, Source

EMPTY = ParsedLine((), (), None, (), ())


def line(country: str | None, company: str | None, quantity: str = "", sample: str = "") -> LineResult:
    fields = {"quantity": quantity, "sample": sample}
    attribution = Attribution(company, company and company.lower(), company, country, None, None, None)
    confidence = "unresolved" if company is None else "confirmed"
    return LineResult(RawLine(Source("t.csv", None, 2), fields, {}), EMPTY,
                      Match("exact", 100.0, confidence, company), attribution)  # type: ignore[arg-type]


def test_counts_shares_and_the_unresolved_row() -> None:
    lines = [line("US", "TI", "2"), line("US", "ADI"), line("US", "TI"), line("CH", "ST", "4"),
             line(None, None, "3")]
    b = breakdown(lines)
    assert (b.summary.lines, b.summary.quantity, b.summary.resolved, b.summary.unresolved) == (5, 11, 4, 1)
    assert (b.summary.countries, b.summary.companies) == (2, 3)
    assert [(r.country, r.lines, r.quantity, r.companies, r.share) for r in b.by_country] == [
        ("US", 3, 4, 2, 0.6), ("CH", 1, 4, 1, 0.2), (None, 1, 3, 0, 0.2)]
    assert [(r.company, r.lines, r.quantity) for r in b.by_company] == [
        ("TI", 2, 3), ("ADI", 1, 1), ("ST", 1, 4), (None, 1, 3)]
    assert b.summary.headline == "3 of 5 components (60%) were made by 2 companies based in the United States"


def test_blank_or_bad_quantity_counts_as_one() -> None:
    assert breakdown([line("US", "TI", ""), line("US", "TI", "x"), line("US", "TI", "0")]).summary.quantity == 3


@pytest.mark.parametrize("part,whole,expected", [(41, 51, 80), (1, 8, 13), (1, 200, 1), (1, 3, 33),
                                                 (2, 3, 67), (0, 5, 0), (0, 0, 0), (81, 200, 41)])
def test_percent_rounds_half_up(part: int, whole: int, expected: int) -> None:
    assert percent(part, whole) == expected


def row(country: str | None, lines: int, companies: int) -> CountryRow:
    return CountryRow(country, "", lines, lines, companies, 0.0)


@pytest.mark.parametrize("rows,total,text", [
    ([row("US", 41, 12), row(None, 10, 0)], 51,
     "41 of 51 components (80%) were made by 12 companies based in the United States"),
    ([row("JP", 1, 1)], 1, "1 of 1 component (100%) was made by 1 company based in Japan"),
    ([row("CN", 2, 2), row("CH", 2, 1)], 4, ("2 of 4 components (50%) were made by 1 company based in "
     "Switzerland")),
    ([row(None, 3, 0)], 3, "None of the 3 components could be attributed"),
    ([], 0, "No components were read"),
])
def test_headline(rows: list[CountryRow], total: int, text: str) -> None:
    assert headline(rows, total) == text


def test_by_sample_only_with_two_samples_or_more() -> None:
    assert by_sample([line("US", "TI", sample="A"), line("US", "TI", sample="A")]) == []
    samples = by_sample([line("US", "TI", sample="A"), line("CH", "ST", sample="B"), line(None, None, sample="B")])
    assert [(name, b.summary.lines, b.summary.headline) for name, b in samples] == [
        ("A", 1, "1 of 1 component (100%) was made by 1 company based in the United States"),
        ("B", 2, "1 of 2 components (50%) was made by 1 company based in Switzerland")]


def test_quantities_that_are_not_whole_numbers_count_as_one_and_are_reported(tmp_path, mini) -> None:
    from bomtrace.pipeline import run

    path = tmp_path / "t.csv"
    path.write_text("Marking,Qty\nVP230,1e400\nVP230,x\nVP230,-3\nVP230,\"2,0\"\nVP230,\n", encoding="utf-8")
    result = run([path], catalog=mini)
    assert [line.quantity for line in result.lines] == [1, 1, 1, 2, 1]
    assert result.summary.quantity == 6
    assert [i.message for i in result.issues] == [
        "Quantity '1e400' is not a whole number of pieces in t.csv row 2; counted as 1.",
        "Quantity 'x' is not a whole number of pieces in t.csv row 3; counted as 1.",
        "Quantity '-3' is not a whole number of pieces in t.csv row 4; counted as 1."]


def graded(country: str, company: str, confidence: str) -> LineResult:
    attribution = Attribution(company, company.lower(), company, country, None, None, None)
    return LineResult(RawLine(Source("t.csv", None, 2), {}, {}), EMPTY,
                      Match("maker-name", 90.0, confidence, company.lower()), attribution)  # type: ignore[arg-type]


def test_possible_lines_are_counted_apart_from_the_headline() -> None:
    lines = [graded("US", "TI", "confirmed"), graded("US", "ADI", "probable"), graded("US", "Foo", "possible"),
             graded("US", "Bar", "possible"), graded("CN", "Baz", "possible"), line(None, None)]
    b = breakdown(lines)
    assert (b.summary.resolved, b.summary.possible, b.summary.unresolved) == (2, 3, 1)
    assert (b.summary.countries, b.summary.companies) == (1, 2)
    assert [(r.country, r.lines, r.possible, r.companies) for r in b.by_country] == [
        ("US", 2, 2, 2), (None, 1, 0, 0), ("CN", 0, 1, 0)]
    assert [(r.company, r.lines, r.possible) for r in b.by_company][:2] == [("ADI", 1, 0), ("TI", 1, 0)]
    assert ("Foo", 0, 1) in [(r.company, r.lines, r.possible) for r in b.by_company]
    assert b.summary.headline == ("2 of 6 components (33%) were made by 2 companies based in the United States; "
                                  "2 more lines possibly")


def test_a_country_with_only_possible_lines_leads_no_headline() -> None:
    b = breakdown([graded("CN", "Baz", "possible"), line(None, None)])
    assert b.summary.headline == "None of the 2 components could be attributed; 1 possibly"
    single = breakdown([graded("US", "TI", "probable"), graded("US", "Foo", "possible")])
    assert single.summary.headline == ("1 of 2 components (50%) was made by 1 company based in the United States; "
                                       "1 more line possibly")
