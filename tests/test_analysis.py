"""Analysing a teardown's lines: a line whose fields repeat an earlier line's gets the same analysis
under its own source, exactly as if it had been analysed alone."""

from __future__ import annotations

from bomtrace.analysis import ANALYSED_FIELDS, analyze_line, analyze_lines
from bomtrace.catalogs import Catalog
from bomtrace.models import FIELDS, RawLine, Source

#: Illustrative rows: real parts, one repeated in three samples, one with a maker the line names.
ROWS = [{"marking": "VP230", "manufacturer": "Texas Instruments", "sample": "A", "quantity": "1"},
        {"marking": "LM358", "notes": "TI logo"},
        {"part_number": "AD9364", "description": "RF transceiver", "quantity": "2 шт."},
        {"marking": "VP230", "manufacturer": "Texas Instruments", "sample": "B", "module": "FC", "refdes": "U4"},
        {"marking": "VP230"},
        {"marking": "VP230", "manufacturer": "Texas Instruments", "sample": "C", "quantity": "x"}]


def lines() -> list[RawLine]:
    return [RawLine(Source("t.xlsx", "Teardown", row), dict(fields), dict(fields))
            for row, fields in enumerate(ROWS, start=2)]


def test_repeated_lines_are_analysed_as_if_alone_each_under_its_own_source(mini: Catalog) -> None:
    together = analyze_lines(lines(), mini)
    alone = [analyze_line(line, mini) for line in lines()]
    assert together == alone
    assert [r.line.source.row for r in together] == [2, 3, 4, 5, 6, 7]
    assert together[0].match == together[3].match == together[5].match != together[4].match


def test_progress_counts_every_line_repeated_or_not(mini: Catalog) -> None:
    seen: list[tuple[int, int]] = []
    analyze_lines(lines(), mini, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 6) for n in range(1, 7)]


def test_every_field_is_either_analysed_or_only_carried() -> None:
    carried = {"sample", "module", "quantity", "refdes"}
    assert set(ANALYSED_FIELDS) | carried == set(FIELDS) and not carried & set(ANALYSED_FIELDS)
