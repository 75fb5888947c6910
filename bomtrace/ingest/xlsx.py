"""xlsx/xlsm read as a stream: openpyxl's read-only workbook for the sheet list, shared strings and
date styles (openpyxl parses those parts with defusedxml), then each sheet's XML parsed element by
element, one row at a time, through the TableBuilder's limits. Read-only openpyxl has no merged
cells, so the sheet's <mergeCells> are read here too; formulas stay text, never evaluated.

A sheet is parsed by the standard library's C parser (defusedxml's pure-Python one takes a third
longer on every row) behind the guard that makes defusedxml safe: a sheet must be UTF-8 and declare
no DTD. Without a DTD there are no entities to expand (billion laughs, quadratic blow-up) and no
external ones to fetch; Excel, LibreOffice and openpyxl never write one."""

from __future__ import annotations

import io
import re
from typing import IO, Any

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
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import WorkSheetParser

    builder = TableBuilder(name, sheet.title, limits, budget)
    # read-only workbooks keep each sheet's part name and the zip open; no public API names them
    _refuse_a_dtd(name, builder.name, book._archive.open(sheet._worksheet_path))
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
    except Exception as error:  # broken XML, a bad cell value
        raise UnreadableInput(f"Sheet cannot be read ({type(error).__name__})", name,
                              "Open and save it again in Excel.", builder.name) from error
    finally:
        source.close()
    return builder.build()


#: How much of a sheet's start may come before its root element (the XML declaration, comments).
PROLOG_BYTES = 64 * 1024
_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _refuse_a_dtd(name: str, sheet: str | None, source: IO[bytes]) -> None:
    """UnreadableInput unless the sheet's XML is UTF-8 and its prolog (all before the root element)
    declares no DTD: the guard that lets the C parser read it as safely as defusedxml would."""
    with source:
        start = source.read(PROLOG_BYTES)
    root = _ELEMENT.search(start)
    prolog = start[: root.start()] if root else start
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([^\"']+)", prolog)
    foreign = declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8")
    if root is None or b"<!DOCTYPE" in prolog.upper() or b"\x00" in prolog or foreign:
        raise UnreadableInput("Sheet XML declares a DTD, is not UTF-8, or has no root element near its start", name,
                              "Open and save it again in Excel.", sheet)


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
