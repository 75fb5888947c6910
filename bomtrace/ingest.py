"""Ingest: spreadsheet files -> component lines, each with its source (file, sheet, row).

Reads .xlsx/.xlsm (openpyxl: merged cells, formulas kept as text), .xls/.ods (calamine) and
.csv/.tsv/.txt (encoding and delimiter detected). Finds the header row under title rows, maps
columns to fields from a synonyms table (English, Ukrainian, Russian) and skips blank, repeated
header and total rows. Cells are text: never evaluated.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bomtrace import resources
from bomtrace.config import Limits
from bomtrace.errors import InputError, InputTooLarge, NoPartColumn, UnreadableInput
from bomtrace.models import FIELDS, MATCHABLE_FIELDS, InputInfo, Issue, RawLine, SheetInfo, Source
from bomtrace.vocabulary import place

log = logging.getLogger(__name__)

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CALAMINE_SUFFIXES = {".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | CALAMINE_SUFFIXES | TEXT_SUFFIXES
HEADER_SEARCH_ROWS = 30
IGNORE = "ignore"  # --map "HEADER=ignore": a column detection would read, left unread
ALL_SHEETS = "*"  # header_rows key: every sheet without a row of its own
_TOTAL_ROW = re.compile(r"^\s*(total|totals|grand total|всього|разом|усього|итого|всего)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    """A sheet as text cells, row numbers as the spreadsheet shows them."""

    name: str | None
    rows: list[tuple[int, list[str]]]


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
    """Read every input; a file that fails becomes an issue and the others go on."""
    result = IngestResult([], [], [], [])
    for path in paths:
        try:
            info, lines, issues = read_input(path, mapping=mapping, sheets=sheets, limits=limits,
                                             header_rows=header_rows)
        except InputError as error:
            log.warning("%s", error.message)
            result.issues.append(Issue(error.place, error.message))
            result.failed.append(str(path))
            continue
        result.inputs.append(info)
        result.lines.extend(lines)
        result.issues.extend(issues)
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
    tables = read_tables(path.name, data, limits)
    wanted = set(sheets)
    overrides = parse_mapping(mapping or {})
    lines: list[RawLine] = []
    issues: list[Issue] = []
    infos: list[SheetInfo] = []
    for table in tables:
        if wanted and table.name not in wanted:
            continue
        forced = header_row_for(table.name, header_rows or {})
        sheet_lines, info, sheet_issues = lines_from_table(path.name, table, overrides, forced)
        lines.extend(sheet_lines)
        issues.extend(sheet_issues)
        infos.append(info)
    if not any(info.skipped is None for info in infos):
        raise NoPartColumn(
            "No sheet with a part number, marking or manufacturer column",
            path.name,
            "Give the header row with --header-row N, or name the columns with --map \"HEADER=part_number\".",
        )
    return InputInfo(path.name, hashlib.sha256(data).hexdigest(), infos), lines, issues


def _read_bytes(path: Path, limits: Limits) -> bytes:
    if not path.exists():
        raise UnreadableInput("File not found", path.name, "Check the path.")
    if path.is_dir():
        raise UnreadableInput("A folder, not a file", path.name, "Give the spreadsheet files inside it.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableInput(
            f"Unsupported file type {suffix or '(none)'!r}",
            path.name,
            "Save it as .xlsx, .xls, .ods, .csv or .tsv.",
        )
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise InputTooLarge(
            f"File is {size // 1_000_000} MB, over the {limits.max_file_bytes // 1_000_000} MB limit",
            path.name,
            "Split it into smaller files.",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadableInput(f"Cannot read the file ({error.strerror})", path.name) from error


def read_tables(name: str, data: bytes, limits: Limits = Limits()) -> list[Table]:
    """Turn a file's bytes into tables of text cells, chosen by the file name's suffix."""
    suffix = Path(name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _excel_tables(name, data, limits)
    if suffix in CALAMINE_SUFFIXES:
        return _calamine_tables(name, data, limits)
    return [_text_table(name, data, limits)]


# --- Excel ---------------------------------------------------------------------------------------

def check_zip_size(name: str, data: bytes, limits: Limits) -> None:
    """Refuse an xlsx whose unzipped size or compression ratio says zip bomb, before opening it."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UnreadableInput(
            "Workbook is encrypted (password-protected) or in the old .xls format",
            name,
            "Remove the password, or save it as .xlsx.",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UnreadableInput("Workbook is corrupt (not a valid .xlsx)", name,
                              "Open and save it again in Excel.") from error
    unzipped = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unzipped > limits.max_unzipped_bytes or unzipped / packed > limits.max_zip_ratio:
        raise InputTooLarge(
            f"Workbook unzips to {unzipped // 1_000_000} MB (ratio {unzipped / packed:.0f}:1), "
            "over the limits",
            name,
            "This looks like a zip bomb; if it is a real teardown, split it.",
        )


def _excel_tables(name: str, data: bytes, limits: Limits) -> list[Table]:
    import openpyxl

    check_zip_size(name, data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except Exception as error:  # openpyxl raises many types for a broken file
        raise UnreadableInput(f"Workbook cannot be opened ({type(error).__name__})", name,
                              "Open and save it again in Excel.") from error
    tables = []
    for sheet in book.worksheets:
        if sheet.max_row > limits.max_rows:
            raise InputTooLarge(f"Sheet has {sheet.max_row} rows, over {limits.max_rows}", name,
                                "Split the sheet.", sheet=sheet.title)
        grid = [[cell_text(cell.value) for cell in row] for row in sheet.iter_rows()]
        for merged in sheet.merged_cells.ranges:
            _fill_merged(grid, merged.min_row, merged.min_col, merged.max_row, merged.max_col)
        tables.append(Table(sheet.title, list(enumerate(grid, start=1))))
    return tables


def _fill_merged(grid: list[list[str]], r0: int, c0: int, r1: int, c1: int) -> None:
    value = grid[r0 - 1][c0 - 1] if r0 - 1 < len(grid) and c0 - 1 < len(grid[r0 - 1]) else ""
    for r in range(r0 - 1, min(r1, len(grid))):
        for c in range(c0 - 1, min(c1, len(grid[r]))):
            grid[r][c] = value


def _calamine_tables(name: str, data: bytes, limits: Limits) -> list[Table]:
    from python_calamine import CalamineWorkbook

    if name.lower().endswith(".ods"):
        check_zip_size(name, data, limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        tables = []
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            if len(rows) > limits.max_rows:
                raise InputTooLarge(f"Sheet has {len(rows)} rows, over {limits.max_rows}", name,
                                    "Split the sheet.", sheet=sheet_name)
            grid = [[cell_text(value) for value in row] for row in rows]
            tables.append(Table(sheet_name, list(enumerate(grid, start=1))))
        return tables
    except InputError:
        raise
    except Exception as error:
        raise UnreadableInput(f"Workbook cannot be opened ({type(error).__name__})", name,
                              "Save it as .xlsx and try again.") from error


def cell_text(value: object) -> str:
    """A cell as the text a person reads: whole numbers without '.0', dates as ISO, no line breaks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


# --- CSV -----------------------------------------------------------------------------------------

def decode_text(name: str, data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM) first, then the detected encoding (cp1251...)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableInput("File is binary, not text", name, "Save it as CSV (UTF-8).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise UnreadableInput("Unknown text encoding", name, "Save it as CSV (UTF-8).")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise UnreadableInput(f"Unknown text encoding (guessed {best.encoding})", name,
                              "Save it as CSV (UTF-8).") from error


def _text_table(name: str, data: bytes, limits: Limits) -> Table:
    text = decode_text(name, data)
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_file_bytes))  # a cell may be the whole file
    delimiter = "\t" if name.lower().endswith(".tsv") else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            rows.append((start, [" ".join(cell.split()) for cell in record]))
            start = reader.line_num + 1
            if len(rows) > limits.max_rows:
                raise InputTooLarge(f"File has over {limits.max_rows} rows", name, "Split the file.")
    except csv.Error as error:
        raise UnreadableInput(f"Broken CSV ({error})", name, "Check the quoting.", row=start) from error
    return Table(None, rows)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently: , ; tab or |."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


# --- headers and lines ---------------------------------------------------------------------------

def normalize_header(text: str) -> str:
    """Lower case, punctuation other than / # - _ dropped, spaces collapsed."""
    text = text.lower().replace("\u0451", "\u0435")
    text = re.sub(r"[^\w/#\-\s]", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def header_synonyms() -> dict[str, str]:
    """Normalised header -> field, from data/headers.csv."""
    table: dict[str, str] = {}
    with resources.data_file("headers.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table[normalize_header(row["header"])] = row["field"]
    return table


def parse_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """--map overrides: normalised header -> field (or IGNORE); an unknown field is a usage error."""
    parsed = {}
    for header, field in mapping.items():
        if field not in FIELDS and field != IGNORE:
            raise ValueError(f"unknown field {field!r} in --map (fields: {', '.join(FIELDS)}, "
                             f"or {IGNORE} to leave a column unread)")
        parsed[normalize_header(header)] = field
    return parsed


def field_for_header(header: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """The field a header names: an override, an exact synonym, else the longest synonym inside it."""
    key = normalize_header(header)
    if not key:
        return None
    if overrides and key in overrides:
        return None if overrides[key] == IGNORE else overrides[key]
    synonyms = header_synonyms()
    if key in synonyms:
        return synonyms[key]
    words = f" {key} "
    inside = [s for s in synonyms if len(s) >= 4 and f" {s} " in words]
    return synonyms[max(inside, key=len)] if inside else None


def map_columns(cells: list[str], overrides: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index -> field for a header row; the first column claiming a field keeps it."""
    taken: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = field_for_header(cell, overrides)
        if field and field not in taken:
            taken[field] = index
    return {index: field for field, index in taken.items()}


def find_header(rows: list[tuple[int, list[str]]], overrides: Mapping[str, str] | None = None,
                ) -> tuple[int, dict[int, str]] | None:
    """The row (index into rows) whose cells name the most fields, one of them matchable."""
    best: tuple[int, dict[int, str]] | None = None
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = map_columns(cells, overrides)
        if not set(columns.values()) & set(MATCHABLE_FIELDS):
            continue
        if best is None or len(columns) > len(best[1]):
            best = (index, columns)
    return best


def header_row_for(sheet: str | None, header_rows: Mapping[str, int]) -> int | None:
    """The header row asked for this sheet: by its name, else for every sheet."""
    return header_rows.get(sheet or "", header_rows.get(ALL_SHEETS))


def header_at(rows: list[tuple[int, list[str]]], number: int, overrides: Mapping[str, str] | None = None,
              ) -> tuple[int, dict[int, str]] | None:
    """The given row (as numbered in the sheet) as the header, if it names a matchable column."""
    for index, (row_number, cells) in enumerate(rows):
        if row_number == number:
            columns = map_columns(cells, overrides)
            return (index, columns) if set(columns.values()) & set(MATCHABLE_FIELDS) else None
    return None


def lines_from_table(file: str, table: Table, overrides: Mapping[str, str] | None = None,
                     header_row: int | None = None) -> tuple[list[RawLine], SheetInfo, list[Issue]]:
    """The component lines of one table; a table without a usable header is skipped with an issue."""
    where = place(file, table.name)
    if header_row is not None:
        found = header_at(table.rows, header_row, overrides)
        if found is None:
            note = (f"skipped: row {header_row}, given as its header, names no part number, marking or "
                    "manufacturer column")
            return [], SheetInfo(table.name, None, {}, 0, note), [Issue(
                where, f"Sheet {note} in {where}. Check the row number, or name the columns with --map.")]
    else:
        found = find_header(table.rows, overrides)
    if found is None:
        note = "skipped: no part number, marking or manufacturer column in its first rows"
        if not any(any(cells) for _, cells in table.rows):
            note = "skipped: empty"
        message = (f"Sheet {note} in {where}. Name the column with --map \"HEADER=part_number\" if it is "
                   "there under another name." if table.rows and any(any(c) for _, c in table.rows)
                   else f"Sheet {note} in {where}.")
        return [], SheetInfo(table.name, None, {}, 0, note), [Issue(where, message)]
    index, columns = found
    header_number, header_cells = table.rows[index]
    lines = list(_component_rows(file, table, index, header_cells, columns))
    mapping = {header_cells[i]: field for i, field in sorted(columns.items())}
    headers = tuple(cell for cell in header_cells if cell)
    return lines, SheetInfo(table.name, header_number, mapping, len(lines), headers=headers), []


def _component_rows(file: str, table: Table, header_index: int, header_cells: list[str],
                    columns: dict[int, str]) -> Iterator[RawLine]:
    header_key = [normalize_header(c) for c in header_cells]
    for number, cells in table.rows[header_index + 1:]:
        if not any(cells):
            continue
        if [normalize_header(c) for c in cells[: len(header_key)]] == header_key:
            continue
        fields = {field: cells[i] for i, field in columns.items() if i < len(cells) and cells[i]}
        if not any(fields.get(f) for f in (*MATCHABLE_FIELDS, "description")):
            continue
        if _TOTAL_ROW.match(next(cell for cell in cells if cell)):
            continue
        raw = {header_cells[i] or f"column {i + 1}": cells[i] for i in range(min(len(cells), len(header_cells)))
               if cells[i]}
        yield RawLine(Source(file, table.name, number), fields, raw)
