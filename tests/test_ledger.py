"""The row ledger: every row below the header is a line or a skipped row with its reason, a skipped
row that held text is an issue naming file, sheet and row, and a column holding text that no field
reads is listed and warned about. Checked on every fixture."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.ingest import read_input, read_tables
from bomtrace.ingest.headers import check_mapping
from bomtrace.models import InputInfo, Issue, RawLine
from tests import crafted
from tests.conftest import FIXTURES

EXAMPLE = Path(__file__).parent.parent / "examples" / "illustrative-teardown.xlsx"
PARTS = [("SN65HVD230", "Texas Instruments"), ("TPS54331", "Texas Instruments"), ("AD9364", "Analog Devices"),
         ("ADXL326", "Analog Devices"), ("MAX3232", "Maxim Integrated"), ("STM32F103C8T6", "STMicroelectronics"),
         ("NEO-M8N", "u-blox"), ("XC7Z020", "Xilinx"), ("IRF540N", "International Rectifier"),
         ("ADR03", "Analog Devices"), ("SN65HVD234", "Texas Instruments"), ("LM2596", "Texas Instruments"),
         ("ADL5321", "Analog Devices")]


def ukrainian_csv(header: str = "Тип/познач.") -> str:
    """The teardown CSV of issue 14: a title line, a Ukrainian header whose part-number column a reader
    may not know, 14 rows, the last with text only in that column, quantities written '2 шт.'."""
    rows = [f"{n};{part};Мікросхема;{maker};{1 + n % 2} шт." for n, (part, maker) in enumerate(PARTS, start=1)]
    return "\n".join(["Розбір плати керування;;;;", f"№;{header};Опис;Виробник;Кількість", *rows,
                      "14;STM32F405RGT6;;;"]) + "\n"


def skipped_rows(issues: list[Issue], file: str, sheet: str | None) -> set[int]:
    """The rows the issues say were skipped, in this sheet."""
    where = re.escape(file + (f"/{sheet}" if sheet else ""))
    rows = set()
    for issue in issues:
        match = re.fullmatch(where + r" row (\d+)", issue.source)
        if match and issue.message.startswith("Row skipped as "):
            rows.add(int(match.group(1)))
    return rows


def assert_ledger_adds_up(path: Path, info: InputInfo, lines: list[RawLine], issues: list[Issue]) -> None:
    """Each sheet: read == lines + skipped; the line rows, the rows issues name as skipped and the blank
    rows are exactly the rows below the header, each once."""
    tables = {table.name: table for table in read_tables(info.path, path.read_bytes())}
    for sheet in info.sheets:
        table = tables[sheet.name]
        below = [n for n, _ in table.rows if sheet.header_row is None or n > sheet.header_row]
        line_rows = [line.source.row for line in lines if line.source.sheet == sheet.name]
        blank = {n for n, cells in table.rows if not any(cells) and n not in table.beyond and n in below}
        skipped = skipped_rows(issues, info.path, sheet.name)
        assert sheet.rows_read == len(below) == sheet.lines + sum(sheet.skipped_rows.values())
        assert len(line_rows) == sheet.lines
        if sheet.header_row is None:
            assert sheet.skipped_rows == ({"sheet skipped": len(below)} if below else {})
            continue
        assert sheet.skipped_rows.get("blank", 0) == len(blank)
        assert sorted([*line_rows, *skipped, *blank]) == below


FIXTURE_FILES: dict[str, Callable[[Path], Path]] = {
    "legacy .xls": lambda _: FIXTURES / "xls" / "legacy-teardown.xls",
    "illustrative teardown .xlsx": lambda _: EXAMPLE,
    "Ukrainian header CSV": lambda tmp: write(tmp / "ua.csv", ukrainian_csv().encode("cp1251")),
    "far cell": lambda tmp: write(tmp / "far.xlsx", crafted.far_cell()),
    "huge merge": lambda tmp: write(tmp / "merge.xlsx", crafted.huge_merge()),
    "NUL and RTL": lambda tmp: write(tmp / "nul.csv", crafted.nul_and_rtl()),
    "every reason": lambda tmp: write(tmp / "reasons.xlsx", every_reason()),
}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def every_reason() -> bytes:
    """A workbook with a skipped sheet, and one with a row for every reason a row is skipped."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Photo", "Comment"])
    notes.append(["IMG_1.jpg", "board"])
    parts = book.create_sheet("Parts")
    for row in [["Teardown of board FC"], [], ["№", "Module", "Marking", "Manufacturer", "Qty", "Photo"],
                [1, "FC", "VP230", "Texas Instruments", 2, "IMG_2.jpg"],
                [None, "GNSS board"], [], [None, None, None, None, None, "IMG_3.jpg"],
                ["№", "Module", "Marking", "Manufacturer", "Qty", "Photo"],
                ["Section: RF"], [2, "RF", "AD9364", "Analog Devices", 1],
                ["Total", None, None, None, 3], [3]]:
        parts.append(row)
    parts.merge_cells("A9:E9")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("make", FIXTURE_FILES.values(), ids=list(FIXTURE_FILES))
def test_the_ledger_adds_up_on_every_fixture(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path)
    info, lines, issues = read_input(path)
    assert_ledger_adds_up(path, info, lines, issues)


def test_every_reason_a_row_is_skipped_is_named_with_its_row(tmp_path: Path) -> None:
    info, lines, issues = read_input(write(tmp_path / "r.xlsx", every_reason()))
    notes, parts = info.sheets
    assert (notes.rows_read, notes.skipped_rows) == (2, {"sheet skipped": 2})
    assert [line.source.row for line in lines] == [4, 10]
    assert parts.ledger == ("9 rows read, 2 lines, 7 skipped (1 blank, 1 repeated header, 1 total, 2 title, "
                            "2 no content in read columns)")
    rows = {issue.source: issue.message for issue in issues if issue.message.startswith("Row skipped")}
    assert rows == {
        "r.xlsx/Parts row 5": "Row skipped as a title (no part number, marking, maker or description; module "
                              "'GNSS board') in r.xlsx/Parts row 5.",
        "r.xlsx/Parts row 7": "Row skipped as no content in read columns: no part number, marking, maker or "
                              "description is read, and a column not read holds 'Photo': 'IMG_3.jpg' in "
                              "r.xlsx/Parts row 7.",
        "r.xlsx/Parts row 8": "Row skipped as a repeated header in r.xlsx/Parts row 8.",
        "r.xlsx/Parts row 9": "Row skipped as a title (one cell merged across columns: 'Section: RF') in "
                              "r.xlsx/Parts row 9.",
        "r.xlsx/Parts row 11": "Row skipped as a total ('Total') in r.xlsx/Parts row 11.",
        "r.xlsx/Parts row 12": "Row skipped as no content in read columns: no part number, marking, maker or "
                               "description is read, and a column not read holds '№': '3' in r.xlsx/Parts row 12.",
    }
    assert [(c.header, c.values, c.example, c.reason) for c in parts.unread] == [
        ("№", 3, "1", "ignored"), ("Photo", 2, "IMG_2.jpg", "not recognised")]
    warnings = [i.message for i in issues if i.message.startswith("Column")]
    assert warnings == [("Column 'Photo' (2 values, e.g. 'IMG_2.jpg') was not read in r.xlsx/Parts. Map it with "
                         "--map 'Photo=FIELD' (a field, or ignore).")]


def test_the_ukrainian_header_csv_loses_no_row_and_warns_about_its_column(tmp_path: Path) -> None:
    path = write(tmp_path / "ua.csv", ukrainian_csv().encode("cp1251"))
    info, _, issues = read_input(path)
    [sheet] = info.sheets
    assert (sheet.header_row, sheet.rows_read, sheet.lines, sheet.skipped_rows) == (
        2, 14, 13, {"no content in read columns": 1})
    assert sheet.ledger == "14 rows read, 13 lines, 1 skipped (1 no content in read columns)"
    assert [c.header for c in sheet.unread if c.reason == "not recognised"] == ["Тип/познач."]
    messages = [issue.message for issue in issues]
    assert ("Column 'Тип/познач.' (14 values, e.g. 'SN65HVD230') was not read in ua.csv. Map it with --map "
            "'Тип/познач.=part_number'.") in messages
    assert ("Row skipped as no content in read columns: no part number, marking, maker or description is read, "
            "and a column not read holds 'Тип/познач.': 'STM32F405RGT6' in ua.csv row 16.") in messages
    mapped_info, mapped, mapped_issues = read_input(path, mapping={"Тип/познач.": "part_number"})
    assert (mapped_info.sheets[0].lines, len(mapped)) == (14, 14)
    assert mapped[-1].fields == {"part_number": "STM32F405RGT6"}
    assert not [i for i in mapped_issues if i.message.startswith(("Column", "Row skipped"))]


def test_the_header_as_ukrainian_teardowns_write_it_is_read_without_a_map(tmp_path: Path) -> None:
    info, lines, issues = read_input(write(tmp_path / "ua.csv", ukrainian_csv("Тип (позначення)").encode("cp1251")))
    assert info.sheets[0].mapping == {"Тип (позначення)": "part_number", "Опис": "description",
                                      "Виробник": "manufacturer", "Кількість": "quantity"}
    assert (len(lines), info.sheets[0].skipped_rows) == (14, {})
    assert lines[0].fields["quantity"] == "2 шт."
    assert not [i for i in issues if i.message.startswith(("Column", "Row skipped"))]


def test_a_map_naming_a_header_no_sheet_has_names_the_headers_there_are() -> None:
    with pytest.raises(Exception) as caught:
        check_mapping({"Typo": "part_number", "Marking": "marking"}, ["Marking", "Maker", "Marking"])
    assert caught.value.args[0] == ("No sheet has a column headed 'Typo', named in the column mapping. Headers "
                                    "found: 'Marking', 'Maker'.")


def test_a_duplicate_field_column_is_warned_about(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", b"Marking,Manufacturer,Maker\nVP230,Texas Instruments,TI\n")
    info, _, issues = read_input(path)
    assert [(c.header, c.reason) for c in info.sheets[0].unread] == [("Maker", "duplicate of column B")]
    assert issues[-1].message == ("Column 'Maker' (1 value, e.g. 'TI') was not read in d.csv: it names the same "
                                  "field as column B. Map one of them to another field with --map, or to ignore.")
