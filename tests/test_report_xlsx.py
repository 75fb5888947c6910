"""report.xlsx read back with openpyxl: sheets, frozen headers, filters, the Review sheet, and text cells
that never become formulas (checked in the cells and in the sheet XML itself)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from bomtrace.report import write_outputs
from bomtrace.report.xlsx import REVIEW_COLUMNS, report_workbook_bytes, write_xlsx
from tests import reportdata


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(reportdata.result(), tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


#: the task-force sheets (bomtrace.report.views.task_force_sheets), before the Review sheet
TASK_FORCE_SHEETS = ["Parties on sanctions lists", "Sanctions list dates", "Made in", "Brand x made in", "Owner at date"]


def rows(sheet: Worksheet) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_sheets_in_order_with_frozen_filtered_headers(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["Summary", "Lines", "By country", "By company", *TASK_FORCE_SHEETS, "Review"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert all(sheet.cell(1, c).font.bold for c in range(1, sheet.max_column + 1))
        assert all(8 <= sheet.column_dimensions[sheet.cell(1, c).column_letter].width <= 100
                   for c in range(1, sheet.max_column + 1))


def test_summary_and_breakdowns(book: openpyxl.Workbook) -> None:
    summary = dict(rows(book["Summary"])[1:])
    assert summary["headline"] == ("3 of 8 components (38%) were made by 3 companies based in the United States; "
                                   "1 more line possibly")
    assert (summary["lines"], summary["attributed"], summary["possible (not counted)"], summary["unresolved"],
            summary["needing review"]) == (8, 5, 1, 2, 3)
    assert summary["generated"] == reportdata.GENERATED_AT
    assert summary[f"input {reportdata.FILE}"] == "sha256 " + "9f" * 32
    assert rows(book["By country"]) == [
        ["country", "code", "lines", "share", "quantity", "companies", "possible"],
        ["United States", "US", 3, 0.375, 3, 3, 1], ["Switzerland", "CH", 2, 0.25, 2, 2, 0],
        ["Unresolved", None, 2, 0.25, 2, 0, 0]]
    assert book["By country"]["D2"].number_format == "0%"
    assert rows(book["By company"])[-1] == ["Unresolved", None, None, 2, 0.25, 2, 0]
    assert ["International Rectifier", "United States", "Infineon Technologies", 0, 0, 0, 1] in rows(
        book["By company"])


def test_lines_sheet_keeps_numbers_numeric(book: openpyxl.Workbook) -> None:
    table = rows(book["Lines"])
    header = table[0]
    first = dict(zip(header, table[1]))
    assert (first["id"], first["row"], first["score"], first["company"]) == (
        "shahed-136.xlsx:Parts:2", 2, 95, "Texas Instruments")
    assert len(table) == 9


def test_review_sheet_columns_order_and_decision_dropdown(book: openpyxl.Workbook) -> None:
    sheet = book["Review"]
    table = rows(sheet)
    assert tuple(table[0]) == REVIEW_COLUMNS
    assert [r[0] for r in table[1:4]] == ["shahed-136.xlsx:Parts:5", "shahed-136.xlsx:Parts:7",
                                          "shahed-136.xlsx:Parts:6"]
    assert len(table) == 9 and all(r[10:] == [None, None, None, None] for r in table[1:])
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"accept,reject,set_maker,set_part"'
    assert str(validations[0].sqref) == "K2:K9"
    assert sheet["A2"].fill.fgColor.rgb.endswith("FFF4D6")  # to review: shaded
    assert not sheet["A5"].fill.fgColor.rgb.endswith("FFF4D6")


def test_formula_like_input_stays_text(path: Path, book: openpyxl.Workbook) -> None:
    hostile = set(reportdata.HOSTILE.values())
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in hostile:
                    assert cell.data_type == "s"
                    seen.add(cell.value)
    assert seen == hostile
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_control_characters_and_huge_cells_do_not_break_the_workbook() -> None:
    lines = reportdata.lines()
    lines[0].line.fields["marking"] = "VP230\x07\x1b 2116" + "X" * 40_000
    book = openpyxl.load_workbook(io.BytesIO(report_workbook_bytes(reportdata.result(lines))))
    marking = book["Lines"].cell(2, list(rows(book["Lines"])[0]).index("marking") + 1).value
    assert isinstance(marking, str) and marking.startswith("VP230 2116XXX") and len(marking) == 32_767


#: Input text shaped like the rich-string XML XlsxWriter writes unescaped: closing the cell and opening a
#: formula cell of its own.
MARKUP = '<r><t>a</t></r></is></c><c r="B2"><f>HYPERLINK("http://x.invalid","y")</f></c><c><is><r><t>b</t></r>'


@pytest.mark.parametrize("streamed", [True, False], ids=["report.xlsx", "in memory"])
def test_text_shaped_like_workbook_markup_stays_the_same_text(tmp_path: Path, streamed: bool) -> None:
    lines = reportdata.lines()
    lines[0].line.fields["marking"] = MARKUP
    lines[1].line.fields["marking"] = "<r> spaced </r>"
    result = reportdata.result(lines)
    path = write_xlsx(result, tmp_path) if streamed else tmp_path / "memory.xlsx"
    if not streamed:
        path.write_bytes(report_workbook_bytes(result))
    book = openpyxl.load_workbook(path)
    for title in ("Lines", "Review"):
        sheet = book[title]
        column = rows(sheet)[0].index("marking") + 1
        cells = {sheet.cell(r, column).value: sheet.cell(r, column) for r in range(2, sheet.max_row + 1)}
        assert MARKUP in cells and "<r> spaced </r>" in cells and cells[MARKUP].data_type == "s"
    review = book["Review"]
    column = REVIEW_COLUMNS.index("marking") + 1
    row = next(r for r in range(2, review.max_row + 1) if review.cell(r, column).value == MARKUP)
    assert review.cell(row, column).fill.fgColor.rgb == review.cell(row, 1).fill.fgColor.rgb  # the row's shade
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                assert b"<f>" not in archive.read(name), name


def test_csv_defuses_formula_like_cells(tmp_path: Path) -> None:
    write_outputs(reportdata.result(), tmp_path, ["csv"])
    with (tmp_path / "lines.csv").open(encoding="utf-8-sig", newline="") as handle:
        hostile = next(r for r in csv.DictReader(handle) if r["row"] == "7")
    assert hostile["marking"] == "'" + reportdata.HOSTILE["marking"]
    assert hostile["part_number"] == "'" + reportdata.HOSTILE["part_number"]
    assert hostile["module"] == "'" + reportdata.HOSTILE["module"]
