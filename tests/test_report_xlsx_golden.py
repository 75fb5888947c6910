"""report.xlsx and compare.xlsx read back with openpyxl, cell by cell, against golden dumps: every value
with its cell type, number format, bold, fill and alignment, and each sheet's frozen panes, filter,
column widths and drop-down validations. `pytest --update-golden` rewrites the dumps (review the diff).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from bomtrace.compare import comparison, teardown_from_dict
from bomtrace.report.jsonout import to_json_dict
from bomtrace.report.xlsx import compare_workbook_bytes, write_xlsx
from tests import reportdata
from tests.test_report_html import check_golden


def cell_dump(cell: Any) -> list[Any]:
    """[value, type] and, when set, {"format", "bold", "fill", "valign"}; an empty cell is [null, "empty"]
    whichever way the file stores it (no value, or an empty string)."""
    value = cell.value
    kind = "empty" if value in (None, "") else cell.data_type
    style: dict[str, Any] = {}
    if cell.number_format != "General":
        style["format"] = cell.number_format
    if cell.font is not None and cell.font.bold:
        style["bold"] = True
    if cell.fill is not None and cell.fill.fill_type == "solid":
        style["fill"] = str(cell.fill.fgColor.rgb)[-6:]
    if cell.alignment is not None and cell.alignment.vertical:
        style["valign"] = cell.alignment.vertical
    value = None if kind == "empty" else value
    return [value, kind, style] if style else [value, kind]


def widths(sheet: Any) -> dict[str, float]:
    """Each column's stored width, by letter, ranges of columns spread out."""
    found: dict[str, float] = {}
    for dimension in sheet.column_dimensions.values():
        if dimension.customWidth and dimension.min:
            for column in range(dimension.min, (dimension.max or dimension.min) + 1):
                found[get_column_letter(column)] = round(dimension.width, 4)
    return dict(sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0])))


def validations(sheet: Any) -> list[dict[str, Any]]:
    return [{"type": v.type, "formula1": v.formula1, "sqref": str(v.sqref), "allow_blank": bool(v.allow_blank),
             "show_error": bool(v.showErrorMessage), "error_title": v.errorTitle, "error": v.error}
            for v in sheet.data_validations.dataValidation]


def dump(data: bytes) -> str:
    """The workbook as text: properties, then per sheet its settings and one line per row."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    created = book.properties.created
    out = [json.dumps({"creator": book.properties.creator, "created": created.isoformat() if created else None})]
    for sheet in book.worksheets:
        out.append(json.dumps({"sheet": sheet.title, "freeze_panes": sheet.freeze_panes,
                               "auto_filter": sheet.auto_filter.ref, "widths": widths(sheet),
                               "validations": validations(sheet)}, ensure_ascii=False))
        for row in sheet.iter_rows():
            out.append(json.dumps([cell_dump(c) for c in row], ensure_ascii=False))
    return "\n".join(out) + "\n"


def test_report_workbook_matches_golden(tmp_path: Path, update_golden: bool) -> None:
    path = write_xlsx(reportdata.result(), tmp_path)
    check_golden("report.xlsx.txt", dump(path.read_bytes()), update_golden)


def test_compare_workbook_matches_golden(update_golden: bool) -> None:
    """The report test teardown beside four of its lines (as tests/test_compare.py sets them)."""
    kept = [line for line in reportdata.lines() if line.line.source.row in (5, 6, 8, 9)]
    first = teardown_from_dict("shahed-136.xlsx", to_json_dict(reportdata.result()))
    second = teardown_from_dict("geran-2.xlsx", to_json_dict(reportdata.result(kept)))
    data = compare_workbook_bytes(comparison([first, second], reportdata.GENERATED_AT))
    check_golden("compare.xlsx.txt", dump(data), update_golden)


@pytest.mark.parametrize("text", ["=1+1", "+44 20 7946 0000", "-12", "@SUM(A1:A2)", "0123", "1e5", " 42",
                                  "http://example.com/x", "mailto:a@b.example", "_x0041_", "TRUE", "#N/A"])
def test_input_text_reads_back_as_the_same_text(text: str, tmp_path: Path) -> None:
    """A text cell (openpyxl's cell type), whose text is the input's as a spreadsheet program shows it
    (read by python-calamine, which undoes the format's _xHHHH_ escapes as Excel does)."""
    from python_calamine import CalamineWorkbook

    lines = reportdata.lines()
    lines[0].line.fields["marking"] = text
    path = write_xlsx(reportdata.result(lines), tmp_path)
    sheet = openpyxl.load_workbook(path)["Lines"]
    column = [c.value for c in sheet[1]].index("marking")
    assert sheet.cell(2, column + 1).data_type == "s"
    shown = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Lines").to_python()
    assert shown[1][column] == text
