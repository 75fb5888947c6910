"""xlsx/xlsm read as a stream: openpyxl's read-only workbook for the sheet list, shared strings and
date styles, then each sheet's XML parsed element by element (defusedxml: no entities, no DTD
tricks), one row at a time, through the TableBuilder's limits. Read-only openpyxl has no merged cells,
so the sheet's <mergeCells> are read here too; formulas stay text, never evaluated."""

from __future__ import annotations

import io
import re
from typing import Any

from bomtrace.config import Limits
from bomtrace.errors import InputError, UnreadableInput
from bomtrace.ingest.tables import Budget, Table, TableBuilder

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _MERGE, _DATA = _MAIN + "row", _MAIN + "mergeCell", _MAIN + "sheetData"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")


def xlsx_tables(name: str, data: bytes, limits: Limits, budget: Budget, head: int | None = None) -> list[Table]:
    """Every worksheet as a Table (only its first `head` rows read, when given); InputError if unreadable."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise UnreadableInput(f"Workbook cannot be opened ({type(error).__name__})", name,
                              "Open and save it again in Excel.") from error
    try:
        return [_sheet(name, book, sheet, limits, budget, head) for sheet in book.worksheets]
    finally:
        book.close()


def _sheet(name: str, book: Any, sheet: Any, limits: Limits, budget: Budget, head: int | None) -> Table:
    """One worksheet's rows and merged ranges, streamed."""
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.worksheet._reader import WorkSheetParser

    builder = TableBuilder(name, sheet.title, limits, budget)
    # read-only workbooks keep each sheet's part name and the zip open; no public API names them
    source = book._archive.open(sheet._worksheet_path)
    cells = WorkSheetParser(source, book.shared_strings, data_only=False, epoch=book.epoch,
                            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
    try:
        depth, sheet_data = 0, None
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                depth += 1
                if element.tag == _DATA:
                    sheet_data = element
                continue
            depth -= 1
            if element.tag == _ROW:
                number, parsed = cells.parse_row(element)
                cells.row_dimensions.clear()
                _add_row(builder, number, parsed, limits)
                element.clear()
                if sheet_data is not None:
                    sheet_data.clear()
                if head is not None and builder.filled >= head:
                    break
            elif element.tag == _MERGE:
                _add_merge(builder, element.get("ref", ""))
                element.clear()
            elif depth <= 1:
                element.clear()
    except InputError:
        raise
    except Exception as error:  # broken XML, entities (defusedxml), a bad cell value
        raise UnreadableInput(f"Sheet cannot be read ({type(error).__name__})", name,
                              "Open and save it again in Excel.", builder.name) from error
    finally:
        source.close()
    return builder.build()


def _add_row(builder: TableBuilder, number: int, parsed: list[dict[str, Any]], limits: Limits) -> None:
    """A parsed row's values by column, the columns read only; the first column past them holding text."""
    values: list[object] = []
    beyond = None
    for cell in parsed:
        column, value = cell["column"], cell["value"]
        if value is None or value == "":
            continue
        if column > limits.max_columns:
            beyond = column if beyond is None else min(beyond, column)
            continue
        if column > len(values):
            values.extend([None] * (column - len(values)))
        values[column - 1] = value
    builder.add(number, values, beyond)


def _add_merge(builder: TableBuilder, ref: str) -> None:
    """A <mergeCell ref="A1:B2"/> as a merged range; a malformed one is left out."""
    first, _, last = ref.partition(":")
    start, end = _cell(first), _cell(last or first)
    if start and end:
        builder.merge(start[0], start[1], end[0], end[1])


def _cell(ref: str) -> tuple[int, int] | None:
    """'B3' -> (3, 2)."""
    match = _REF.match(ref.strip().upper())
    if not match:
        return None
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column
