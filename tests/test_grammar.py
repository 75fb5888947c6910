"""bomtrace.grammar: the restricted pattern syntax, the prefix index, conflicts and the detail line.

The rule tables (catalogs/rules.*.csv) and their case tables (tests/cases/rules.*.csv) are read
here too: every case marking is matched through the index and checked against the maker the
datasheet names, and the index is checked against a brute-force `re.fullmatch` over every rule.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bomtrace.grammar import (
    MAX_ALIGNMENTS,
    Rule,
    RuleIndex,
    RuleSyntaxError,
    conflicts,
    describe,
    make_rule,
    parse_rule_pattern,
    rule_from_row,
)
from bomtrace.models import RawLine, Source
from bomtrace.normalize import parse_line, part_key

ROOT = Path(__file__).parent.parent
RULE_COLUMNS = ["pattern", "manufacturer", "category", "series", "fields", "example", "source"]
CASE_COLUMNS = ["marking", "expected", "kind", "source"]
MARKING_COLUMNS = ["marking", "part_number", "manufacturer", "source"]


def _rows(pattern: str, columns: list[str]) -> list[tuple[str, dict[str, str]]]:
    rows: list[tuple[str, dict[str, str]]] = []
    for path in sorted(ROOT.glob(pattern)):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == columns, f"{path.name}: columns must be exactly {columns}"
            rows.extend((f"{path.name}:{n}", row) for n, row in enumerate(reader, start=2))
    return rows


RULE_ROWS = _rows("catalogs/rules.*.csv", RULE_COLUMNS)
CASE_ROWS = _rows("tests/cases/rules.*.csv", CASE_COLUMNS)
MARKING_ROWS = _rows("catalogs/markings.*.csv", MARKING_COLUMNS)


def _rule(pattern: str, maker: str = "analog-devices", example: str = "") -> Rule:
    return make_rule(pattern, maker, "interface", "test series", "", example, "test")


# --- the syntax -----------------------------------------------------------------------------------

ALLOWED = [
    "ADM3[0-9]{3}E?[ABCJKSTW]?(?:R|RM|RU|RZ|ARZ|BRZ|CP|CPZ)?Z?",
    "LTC[0-9]{4}",
    "TMS320F28[0-9]{2}[A-Z]?",
    "AD[0-9]{3,4}",
    "PIC18F[0-9]{4}(?:I|E)?",
    "MAX[0-9]{4}[CE][A-Z]{2,3}",
    "ADXL3[0-9]{2}[A-Z]{0,4}",
    "1\\.5KE[0-9]{2}",
    "SN65HVD2[0-9]{2}[A-Z0-9\\.]?",
    "AB(?:1|2\\.5)?",
    "MC[0-9]{1,12}",
    "XC[0-9]{0,2}",
    "(?:AD|ADM)[0-9]",
    "M?DCM[0-9]{2}",
    "A?B[0-9]",
]

REFUSED = [
    ("", "empty"),
    ("A[0-9]{4}", "one literal only"),
    ("[A-Z]{2}[0-9]{4}", "leading class"),
    ("A?B", "leading optional leaving one literal"),
    ("(?:A|B)[0-9]{2}", "leading group of single letters, then a quantified class"),
    ("[A-Z]B[0-9]", "leading class too large to spell out"),
    ("AD.[0-9]", "wildcard"),
    ("AD.*", "wildcard star"),
    ("AD[0-9]*", "star"),
    ("AD[0-9]+", "plus"),
    ("AD(?:[0-9]{2})", "class in group"),
    ("AD(?:1|(?:2|3))", "nested group"),
    ("AD(?:1|)", "empty alternative"),
    ("AD(1|2)", "capturing group"),
    ("AD(?=1)", "look-ahead"),
    ("AD(?:1)(?:2)\\1", "back-reference"),
    ("^AD[0-9]", "anchor start"),
    ("AD[0-9]$", "anchor end"),
    ("AD[0-9]{13}", "count too large"),
    ("AD[0-9]{2,13}", "range too large"),
    ("AD[0-9]{4,2}", "range backwards"),
    ("AD[0-9]{0}", "zero count"),
    ("AD[0-9]{,3}", "open count"),
    ("AD[0-9]{2}{3}", "quantified quantifier"),
    ("AD[0-9]??", "lazy optional"),
    ("AD[0-9]{2}?", "lazy count"),
    ("AD(?:1|2){2}", "count after group"),
    ("AD[^0-9]", "negated class"),
    ("AD[]", "empty class"),
    ("AD[0-9", "unclosed class"),
    ("AD(?:1|2", "unclosed group"),
    ("AD[9-0]", "backwards range"),
    ("AD[0-Z]", "mixed range"),
    ("AD[\\d]", "escape in class"),
    ("AD\\d", "escape"),
    ("ad[0-9]", "lower case"),
    ("AD-[0-9]", "dash"),
    ("AD|LT", "top-level alternation"),
    ("AD[0-9]{0,12}[0-9]{0,12}[0-9]{0,12}[0-9]{0,12}[0-9]{0,12}", "too many alignments"),
]


@pytest.mark.parametrize("pattern", ALLOWED)
def test_allowed_pattern(pattern: str) -> None:
    assert parse_rule_pattern(pattern) is None
    re.compile(pattern)  # the subset is Python re


@pytest.mark.parametrize(("pattern", "why"), REFUSED, ids=[why for _, why in REFUSED])
def test_refused_pattern(pattern: str, why: str) -> None:
    problem = parse_rule_pattern(pattern)
    assert problem, why
    with pytest.raises(RuleSyntaxError):
        _rule(pattern)


def test_problem_names_the_cause() -> None:
    assert "at least 2 literal characters" in (parse_rule_pattern("[A-Z]{2}[0-9]{4}") or "")
    assert "wildcard" in (parse_rule_pattern("AD.[0-9]") or "")
    assert "may not nest" in (parse_rule_pattern("AD(?:1|(?:2|3))") or "")


def test_pathological_looking_pattern_on_a_long_key() -> None:
    pattern = "AB[0-9A-Z]{0,12}[0-9A-Z]{0,12}[0-9A-Z]{0,12}[A-Z]{0,2}"
    assert parse_rule_pattern(pattern) is None
    rule = _rule(pattern)
    key = "AB" + "7" * 36 + "XY"
    assert len(key) == 40
    assert rule.matches(key)
    assert not rule.matches(key + "Z")  # 41 characters: beyond what the pattern can consume
    assert not rule.matches("AB" + "7" * 36 + "X9")  # the tail class refuses a digit


def test_alignment_cap_is_what_refuses() -> None:
    assert 13**4 <= MAX_ALIGNMENTS < 13**5
    assert parse_rule_pattern("AD" + "[0-9]{0,12}" * 4) is None
    assert "too many optional parts" in (parse_rule_pattern("AD" + "[0-9]{0,12}" * 5) or "")


def test_lengths_bound_the_match() -> None:
    rule = _rule("ADM3[0-9]{3}E?(?:R|ARZ)?")
    assert (rule.prefixes, rule.min_length, rule.max_length) == (("ADM3",), 7, 11)


def test_rule_from_row() -> None:
    row = dict(zip(RULE_COLUMNS, ["LTC[0-9]{4}", "linear-technology", "power-ic", "LTC", "",
                                  "LTC3780", "s"], strict=True))
    assert rule_from_row(row).matches("LTC3780")


# --- the index ------------------------------------------------------------------------------------

INDEX_RULES = [
    _rule("ADM3[0-9]{3}E?[ABJ]?(?:R|RZ|ARZ)?"),
    _rule("ADM[0-9]{4}", maker="admtek"),
    _rule("AD[0-9]{4}[A-Z]{0,4}"),
    _rule("LTC[0-9]{4}", maker="linear-technology"),
    _rule("LT[0-9]{4}", maker="linear-technology"),
]


@pytest.mark.parametrize(("key", "patterns"), [
    ("ADM3485EARZ", ["ADM3[0-9]{3}E?[ABJ]?(?:R|RZ|ARZ)?"]),
    ("ADM3485", ["ADM3[0-9]{3}E?[ABJ]?(?:R|RZ|ARZ)?", "ADM[0-9]{4}"]),
    ("ADM8211", ["ADM[0-9]{4}"]),
    ("AD7606BSTZ", ["AD[0-9]{4}[A-Z]{0,4}"]),
    ("LTC3780", ["LTC[0-9]{4}"]),
    ("LT1763", ["LT[0-9]{4}"]),
    ("A", []),
    ("", []),
    ("XY3780", []),
])
def test_index_matching(key: str, patterns: list[str]) -> None:
    assert sorted(r.pattern for r in RuleIndex(INDEX_RULES).matching(key)) == sorted(patterns)


def _table_rules() -> list[Rule]:
    return [rule_from_row(row) for _, row in RULE_ROWS]


def marking_keys(marking: str) -> list[str]:
    """The keys bomtrace looks up for a marking: its part-number candidates, as the matcher sees them
    (a space closed up in 'TEN 5-4812WI', date codes left out)."""
    return [c.key for c in parse_line(RawLine(Source("t.csv", None, 2), {"marking": marking}, {})).candidates]


def _case_keys() -> list[str]:
    keys = {part_key(row["example"]) for _, row in RULE_ROWS}
    for _, row in CASE_ROWS:
        keys.update(marking_keys(row["marking"]))
    return sorted(k for k in keys if k)


def test_index_equals_brute_force_on_every_example_and_case_key() -> None:
    rules = _table_rules() + INDEX_RULES
    index = RuleIndex(rules)
    keys = _case_keys() + ["ADM3485EARZ", "ADM8211", "LTC3780"]
    assert len(keys) > 50
    for key in keys:
        brute = {r for r in rules if re.fullmatch(r.pattern, key)}
        assert set(index.matching(key)) == brute, key


# --- conflicts ------------------------------------------------------------------------------------

def test_conflicts_find_another_makers_part() -> None:
    # ADMtek's ADM8211 802.11b controller (catalogs/families.csv, row ADM8, cites the Linux driver)
    broad = _rule("ADM[0-9]{4}", example="ADM3485")
    tight = _rule("ADM3[0-9]{3}E?", example="ADM3485E")
    parts = [("ADM8211", "admtek"), ("ADM3485", "analog-devices")]
    found = conflicts([broad, tight], parts)
    assert found == {broad: [("ADM8211", "admtek")]}


def test_conflicts_flag_two_makers_rules_on_one_example() -> None:
    adi = _rule("ADM[0-9]{4}", example="ADM3485")
    admtek = _rule("ADM8[0-9]{3}", maker="admtek", example="ADM8211")
    found = conflicts([adi, admtek], [])
    assert found == {adi: [("ADM8211", "admtek")], admtek: [("ADM8211", "analog-devices")]}


# --- the detail line ------------------------------------------------------------------------------

def test_describe() -> None:
    rule = make_rule("ADM3[0-9]{3}E?", "analog-devices", "interface",
                     "ADM3xxx RS-485 transceivers", "ADM=prefix; 3485=device", "ADM3485E",
                     "ADM3485E data sheet ordering guide")
    assert describe(rule, "ADM3485E", "Analog Devices") == (
        "'ADM3485E' fits Analog Devices' ordering scheme for ADM3xxx RS-485 transceivers "
        "(ADM=prefix; 3485=device) (source: ADM3485E data sheet ordering guide)")
    assert describe(rule, "ADM3485E").startswith("'ADM3485E' fits analog-devices' ordering")


# --- the shipped rule tables and their case tables ------------------------------------------------

@pytest.mark.parametrize(("where", "row"), RULE_ROWS, ids=[w for w, _ in RULE_ROWS])
def test_table_rule_is_valid_and_matches_its_example(where: str, row: dict[str, str]) -> None:
    assert parse_rule_pattern(row["pattern"]) is None, where
    assert all(row[c].strip() for c in RULE_COLUMNS if c != "fields"), where
    assert rule_from_row(row).matches(part_key(row["example"])), where


def _index() -> RuleIndex:
    return RuleIndex(_table_rules())


@pytest.mark.parametrize(("where", "row"), [c for c in CASE_ROWS if c[1]["kind"] == "rule"],
                         ids=[w for w, r in CASE_ROWS if r["kind"] == "rule"])
def test_case_decided_by_its_makers_rules_alone(where: str, row: dict[str, str]) -> None:
    index = _index()
    makers = {r.manufacturer for key in marking_keys(row["marking"]) for r in index.matching(key)}
    assert makers == {row["expected"]}, where


@pytest.mark.parametrize(("where", "row"), [c for c in CASE_ROWS if c[1]["kind"] == "clone"],
                         ids=[w for w, r in CASE_ROWS if r["kind"] == "clone"])
def test_clone_case_matches_no_rule(where: str, row: dict[str, str]) -> None:
    assert row["expected"] == "ambiguous", where
    index = _index()
    assert not [r for key in marking_keys(row["marking"]) for r in index.matching(key)], where


@pytest.mark.parametrize(("where", "row"), [c for c in CASE_ROWS if c[1]["kind"] == "marking"],
                         ids=[w for w, r in CASE_ROWS if r["kind"] == "marking"])
def test_marking_case_is_a_listed_code(where: str, row: dict[str, str]) -> None:
    codes = {part_key(m["marking"]): m["manufacturer"] for _, m in MARKING_ROWS}
    makers = {codes[part_key(t)] for t in row["marking"].split() if part_key(t) in codes}
    assert makers == {row["expected"]}, where


def test_case_kinds_are_known() -> None:
    assert {row["kind"] for _, row in CASE_ROWS} <= {"rule", "marking", "clone"}
