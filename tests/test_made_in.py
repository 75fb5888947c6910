"""Made in: the country of assembly a marking prints, read conservatively. The case table
tests/cases/made_in.csv holds 60 real markings, each cited: package-marking examples from makers' data
sheets (none of which prints a country), and markings with a country mark as printed on parts (an ST
three-letter code, a word). The rule cases below are phrases composed to test one rule each."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bomtrace.analysis import analyze_line
from bomtrace.catalogs import Catalog
from bomtrace.made_in import CONFLICT_FLAG, read_made_in, words
from bomtrace.models import MadeIn
from bomtrace.screening import ScreeningIndex
from tests.conftest import raw

CASES = list(csv.DictReader((Path(__file__).parent / "cases" / "made_in.csv").open(encoding="utf-8")))
NO_LISTS = ScreeningIndex.of([])


@pytest.mark.parametrize("case", CASES, ids=[c["marking"][:40] for c in CASES])
def test_made_in_case_table(case: dict[str, str], shipped: Catalog) -> None:
    found, conflict = read_made_in(case["marking"], case["maker"] or None,
                                   lambda text: text.lower() in shipped.makers.curated)
    expected = MadeIn(case["country"], case["mark"]) if case["country"] else None
    assert (found, conflict) == (expected, False), case["source"]


def test_the_case_table_has_sixty_markings_with_and_without_a_country() -> None:
    assert len(CASES) >= 60
    assert sum(1 for c in CASES if c["country"]) >= 3 and sum(1 for c in CASES if not c["country"]) >= 50
    assert all(c["source"] for c in CASES)


@pytest.mark.parametrize(("marking", "maker", "expected"), [
    ("CHN", None, MadeIn("CN", "CHN")),
    ("MALAYSIA", None, MadeIn("MY", "MALAYSIA")),
    ("Made in Korea", None, MadeIn("KR", "MADE IN KOREA")),
    ("MADE IN THE PHILIPPINES", None, MadeIn("PH", "MADE IN THE PHILIPPINES")),
    ("ASSEMBLED IN U.S.A.", None, MadeIn("US", "ASSEMBLED IN U.S.A")),
    ("MADE IN CHINA CHN", None, MadeIn("CN", "MADE IN CHINA")),  # two marks, one country
    ("TAIWAN SEMICONDUCTOR", None, None),  # a company's name, not a place of assembly
    ("KOREA ELECTRIC TERMINAL", None, None),
    ("BANK OF CHINA", None, None),
    ("THAILAND CO., LTD.", None, None),
    ("MYS", None, None),  # ST's own code: only on ST's lines
    ("MYS", "stmicroelectronics", MadeIn("MY", "MYS")),
    ("CN", None, None),  # a two-letter code is no mark
    ("MADE IN", None, None),
    ("CHINESE", None, None),
])
def test_the_rules(marking: str, maker: str | None, expected: MadeIn | None) -> None:
    assert read_made_in(marking, maker) == (expected, False)


def test_a_country_word_inside_a_catalog_makers_name_is_not_a_mark(shipped: Catalog) -> None:
    """'Taiwan Cement' is a catalog maker (Taiwan Cement Corporation): no name word follows TAIWAN, but the
    catalog knows the pair as a name."""
    line = analyze_line(raw(marking="TAIWAN CEMENT"), shipped, lists=NO_LISTS)
    assert line.made_in is None
    assert read_made_in("TAIWAN CEMENT", None, lambda text: False) == (MadeIn("TW", "TAIWAN"), False)


@pytest.mark.parametrize("marking", ["MALAYSIA PHILIPPINES", "MADE IN KOREA CHN", "JAPAN 2116 MEXICO"])
def test_two_countries_decide_nothing(marking: str) -> None:
    assert read_made_in(marking) == (None, True)


def test_every_word_in_the_data_file_has_a_country_and_a_source() -> None:
    vocabulary = words()
    assert {"CHN", "CHINA", "MALAYSIA", "PHILIPPINES", "TAIWAN", "KOREA", "JAPAN", "THAILAND", "MEXICO"} <= \
        set(vocabulary.marks)
    assert all(len(country) == 2 for country, _ in vocabulary.marks.values())
    assert ("MADE", "IN") in vocabulary.phrases


def test_a_line_carries_made_in_and_a_conflict_is_flagged(shipped: Catalog) -> None:
    printed = "STM32f407 VET6 991ES 9R MYS 99 145 4 ST e3 ARM"  # tests/cases/made_in.csv, as printed on a part
    line = analyze_line(raw(marking=printed, manufacturer="STMicroelectronics"), shipped, lists=NO_LISTS)
    assert line.made_in == MadeIn("MY", "MYS")
    assert line.attribution.country == "CH"  # the brand's headquarters: the figures do not change
    two = analyze_line(raw(marking="MALAYSIA CHN", manufacturer="STMicroelectronics"), shipped, lists=NO_LISTS)
    assert two.made_in is None and CONFLICT_FLAG in two.flags
