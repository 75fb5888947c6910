"""Each limit of bomtrace.config.Limits, hit on purpose: the one-line error names what was over which
limit and how to raise it; nothing is read past the point the limit is known."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace

import pytest

from bomtrace.config import Limits
from bomtrace.errors import InputTooLarge
from bomtrace.ingest import read_tables
from tests import crafted

CSV = b"Marking,Manufacturer\n" + b"VP230,Texas Instruments\n" * 20


def many_members(count: int) -> bytes:
    """A zip of `count` empty members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(count):
            archive.writestr(f"m{n}", b"")
    return buffer.getvalue()


def merged_over(rows: int) -> bytes:
    """A workbook whose first cell is merged down `rows` rows of a 3-column table."""
    table = [crafted.TABLE[0]] + [crafted.TABLE[1]] * rows
    return crafted.patch_sheet(crafted.workbook(table), lambda xml: xml.replace(
        "</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="A1:C{rows + 1}"/></mergeCells>', 1))


CASES: list[tuple[str, str, Callable[[], bytes], Limits, str]] = [
    ("members", "m.xlsx", lambda: many_members(50), replace(Limits(), max_members=20),
     ("Archive lists 50 members (2 KB of directory), over the 20-member limit in m.xlsx. This looks like a zip "
      "bomb; if it is a real teardown, split it, or raise the limit (Limits.max_members).")),
    ("expanded", "b.xlsx", crafted.zip_bomb, replace(Limits(), max_expanded_bytes=10 * 1024 * 1024, max_ratio=10**6),
     ("Workbook expands to 30 MB, over the 10 MB limit in b.xlsx. This looks like a zip bomb; if it is a real "
      "teardown, split it, or raise the limit (--max-expanded-mb).")),
    ("rows", "t.csv", lambda: CSV, replace(Limits(), max_rows=10),
     ("Sheet has text in row 11, over the 10-row limit in t.csv row 11. If it is a real teardown, split it, or raise "
      "the limit (--max-rows).")),
    ("cells", "t.csv", lambda: CSV, replace(Limits(), max_cells=30),
     ("File holds over 30 cells (merged cells counted as filled), over the cell limit in t.csv row 16. If it is a "
      "real teardown, split it, or raise the limit (Limits.max_cells).")),
    ("merged cells", "m.xlsx", lambda: merged_over(100), replace(Limits(), max_cells=400),
     ("File holds over 400 cells (merged cells counted as filled), over the cell limit in m.xlsx/S row 1. If it is a "
      "real teardown, split it, or raise the limit (Limits.max_cells).")),
    ("text", "t.csv", lambda: CSV, replace(Limits(), max_text_chars=100),
     ("File holds over 100 characters of text, over the text limit in t.csv row 5. If it is a real teardown, split "
      "it, or raise the limit (Limits.max_text_chars).")),
]


@pytest.mark.parametrize("name,data,limits,message", [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_each_limit_is_named_when_exceeded(name: str, data: Callable[[], bytes], limits: Limits,
                                           message: str) -> None:
    with pytest.raises(InputTooLarge) as caught:
        read_tables(name, data(), limits)
    assert caught.value.message == message


def test_a_zip_within_the_limits_under_another_name_is_read_for_what_it_is() -> None:
    [table] = read_tables("exported.xls", crafted.workbook())
    assert table.rows[1] == (2, ["VP230", "Texas Instruments", "2"])


def test_a_small_file_is_not_held_to_the_ratio() -> None:
    rows = [crafted.TABLE[0]] + [crafted.TABLE[1]] * 2000  # compresses far better than 100:1, under 1 MB
    assert len(read_tables("t.xlsx", crafted.workbook(rows))[0].rows) == 2001


def test_the_xls_and_ods_reader_may_use_twenty_times_the_file_between_a_floor_and_a_cap() -> None:
    from bomtrace.ingest.calamine import reader_allowance

    mb = 1024 * 1024
    assert reader_allowance(crafted.repeated_columns_ods(), Limits()) == 256 * mb
    bomb = crafted.zip_bomb()
    expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert reader_allowance(bomb, Limits()) == 20 * expanded
    assert reader_allowance(crafted.zip_bomb(60 * mb), Limits()) == 1024 * mb
    assert reader_allowance(b"\xd0\xcf\x11\xe0" + b"\0" * (20 * mb), Limits()) == 20 * (20 * mb + 4)
