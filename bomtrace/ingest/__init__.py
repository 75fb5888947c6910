"""Ingest: spreadsheet files -> component lines, each with its source (file, sheet, row), every row
accounted for and every input bounded.

    containers  what a file is by its bytes; zip directories checked before any reader opens them
    xlsx        .xlsx/.xlsm streamed (openpyxl read-only + our own <mergeCells>), formulas kept as text
    calamine    .xls/.ods read by calamine in a child process with an address-space and a time limit
    text        .csv/.tsv/.txt: encoding decided the way regional spreadsheets write it, delimiter sniffed
    tables      Table and the builder enforcing Limits (rows, columns, cells, text) while reading
    cells       cell values as text, control and direction-override characters removed
    headers     header synonyms (data/headers.csv), --map, header-row detection
    ledger      rows below the header -> lines or skipped rows with a reason; unread columns

Cells are text: never evaluated. A file that fails becomes an issue and the others go on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bomtrace.config import MB, Limits
from bomtrace.errors import InputError, InputTooLarge, NoPartColumn, UnreadableInput
from bomtrace.ingest.calamine import calamine_tables
from bomtrace.ingest.cells import cell_text, clean, clean_name
from bomtrace.ingest.containers import check_zip, file_kind
from bomtrace.ingest.headers import (
    ALL_SHEETS,
    HEADER_SEARCH_ROWS,
    IGNORE,
    UnknownHeader,
    check_mapping,
    field_for_header,
    find_header,
    header_at,
    header_row_for,
    header_synonyms,
    map_columns,
    normalize_header,
    parse_mapping,
)
from bomtrace.ingest.ledger import lines_from_table
from bomtrace.ingest.tables import Budget, Table
from bomtrace.ingest.text import decode_text, sniff_delimiter, text_table
from bomtrace.ingest.xlsx import xlsx_tables
from bomtrace.models import InputInfo, Issue, RawLine, SheetInfo

__all__ = [
    "ALL_SHEETS", "CALAMINE_SUFFIXES", "EXCEL_SUFFIXES", "HEADER_SEARCH_ROWS", "IGNORE", "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES", "IngestResult", "Table", "UnknownHeader", "cell_text", "check_mapping", "check_zip",
    "clean", "decode_text", "field_for_header", "find_header", "header_at", "header_row_for",
    "header_synonyms", "lines_from_table", "map_columns", "normalize_header", "parse_mapping", "probe_input",
    "read_input", "read_inputs", "read_tables", "sniff_delimiter",
]

log = logging.getLogger(__name__)

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CALAMINE_SUFFIXES = {".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | CALAMINE_SUFFIXES | TEXT_SUFFIXES
#: How the command line fixes a file with no recognised column (the web app says it its own way).
NO_COLUMN_FIX = "Give the header row with --header-row N, or name the columns with --map \"HEADER=part_number\"."


@dataclass
class IngestResult:
    lines: list[RawLine]
    inputs: list[InputInfo]
    issues: list[Issue]
    failed: list[str]


def read_inputs(
    paths: Iterable[str | Path],
    *,
    mapping: Mapping[str, str] | None = None,
    sheets: Iterable[str] = (),
    limits: Limits = Limits(),
    header_rows: Mapping[str, int] | None = None,
) -> IngestResult:
    """Read every input; a file that fails becomes an issue and the others go on. Raises UnknownHeader
    when the mapping names a header no sheet read has (an issue instead when an input failed, as the
    header may be in it)."""
    result = IngestResult([], [], [], [])
    for path in paths:
        try:
            info, lines, issues = read_input(path, mapping=mapping, sheets=sheets, limits=limits,
                                             header_rows=header_rows)
        except InputError as error:
            log.warning("%s", error.message)
            result.issues.append(Issue(error.place, error.message))
            result.failed.append(clean(str(path)))
            continue
        result.inputs.append(info)
        result.lines.extend(lines)
        result.issues.extend(issues)
    if mapping:
        try:
            check_mapping(mapping, (h for info in result.inputs for sheet in info.sheets for h in sheet.headers))
        except UnknownHeader as error:
            if not result.failed:
                raise
            result.issues.append(Issue("--map", error.message))
    return result


def read_input(
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    sheets: Iterable[str] = (),
    limits: Limits = Limits(),
    header_rows: Mapping[str, int] | None = None,
) -> tuple[InputInfo, list[RawLine], list[Issue]]:
    """Read one file into lines; raises InputError when no sheet in it can be used. `header_rows`
    names the header row (as the spreadsheet numbers it) by sheet name, or for every sheet under
    ALL_SHEETS, where detection would pick the wrong one."""
    path = Path(path)
    data = _read_bytes(path, limits)
    name = clean_name(path.name)
    tables = read_tables(name, data, limits)
    wanted = set(sheets)
    overrides = parse_mapping(mapping or {})
    lines: list[RawLine] = []
    issues: list[Issue] = []
    infos: list[SheetInfo] = []
    for table in tables:
        if wanted and table.name not in wanted:
            continue
        forced = header_row_for(table.name, header_rows or {})
        sheet_lines, info, sheet_issues = lines_from_table(name, table, overrides, forced)
        lines.extend(sheet_lines)
        issues.extend(sheet_issues)
        infos.append(info)
    _require_a_sheet(name, infos)
    encoding = tables[0].encoding if tables else None
    return InputInfo(name, hashlib.sha256(data).hexdigest(), infos, encoding), lines, issues


def probe_input(path: str | Path, *, mapping: Mapping[str, str] | None = None, limits: Limits = Limits()) -> None:
    """A cheap, bounded check before a file is accepted (the web upload), so the analysis is its one
    parse: its type, size and container limits, then for xlsx and text the header row among the first
    rows of each sheet and the mapped headers. .xls and .ods get the container checks only: their
    reader parses whole sheets, so their header is judged by the analysis. Raises InputError or
    UnknownHeader."""
    path = Path(path)
    data = _read_bytes(path, limits)
    name = clean_name(path.name)
    if file_kind(name, data, limits) in ("ods", "ole"):
        return
    overrides = parse_mapping(mapping or {})
    infos = [lines_from_table(name, table, overrides)[1]
             for table in read_tables(name, data, limits, head=HEADER_SEARCH_ROWS)]
    _require_a_sheet(name, infos)
    if mapping:
        check_mapping(mapping, (h for info in infos for h in info.headers))


def _require_a_sheet(name: str, infos: list[SheetInfo]) -> None:
    """NoPartColumn unless some sheet has a header row."""
    if not any(info.skipped is None for info in infos):
        raise NoPartColumn(
            "No sheet with a part number, marking or manufacturer column",
            name,
            NO_COLUMN_FIX,
        )


def _read_bytes(path: Path, limits: Limits) -> bytes:
    name = clean_name(path.name)
    if not path.exists():
        raise UnreadableInput("File not found", name, "Check the path.")
    if path.is_dir():
        raise UnreadableInput("A folder, not a file", name, "Give the spreadsheet files inside it.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableInput(
            f"Unsupported file type {suffix or '(none)'!r}",
            name,
            "Save it as .xlsx, .xls, .ods, .csv or .tsv.",
        )
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise InputTooLarge(
            f"File is {size / MB:,.0f} MB, over the {limits.max_file_bytes / MB:,.0f} MB limit",
            name,
            "Split it into smaller files, or raise the limit (--max-file-mb).",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadableInput(f"Cannot read the file ({error.strerror})", name) from error


def read_tables(name: str, data: bytes, limits: Limits = Limits(), head: int | None = None) -> list[Table]:
    """A file's bytes as tables of text cells, by what the bytes are (not the name): a zip is checked
    before it is opened, whatever its suffix. With `head`, only the first rows holding text of each
    sheet are read (.xls/.ods are parsed whole in their child process either way)."""
    kind = file_kind(name, data, limits)
    budget = Budget(name, limits)
    if kind == "xlsx":
        return xlsx_tables(name, data, limits, budget, head)
    if kind in ("ods", "ole"):
        return calamine_tables(name, data, limits, head)
    return [text_table(name, data, limits, budget, head)]
