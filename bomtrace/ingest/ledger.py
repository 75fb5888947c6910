"""The row ledger: every row of a sheet below its header becomes a line or is skipped with a reason,
and a skipped row that held text, a column that holds text no field reads, text right of the columns
read and characters removed on reading each become an issue naming file, sheet and row."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from bomtrace.ingest.headers import IGNORE, find_header, header_at, header_field, normalize_header
from bomtrace.ingest.tables import Table, letters
from bomtrace.models import MATCHABLE_FIELDS, Issue, RawLine, SheetInfo, Source, UnreadColumn
from bomtrace.vocabulary import place

BLANK, HEADER, TOTAL, TITLE, UNREAD = ("blank", "repeated header", "total", "title",
                                       "no content in read columns")
#: the reasons in the order a ledger lists them
REASONS = (BLANK, HEADER, TOTAL, TITLE, UNREAD)
#: every row of a sheet without a header row
NO_HEADER = "sheet skipped"
#: fields that say what a line is; a row with text only in other read columns reads as a title
IDENTIFYING = (*MATCHABLE_FIELDS, "description")
_TOTAL_ROW = re.compile(r"^\s*(total|totals|grand total|всього|разом|усього|итого|всего)\b", re.IGNORECASE)
_PART_LIKE = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.\-/#+,]{2,40}$")


def lines_from_table(file: str, table: Table, overrides: Mapping[str, str] | None = None,
                     header_row: int | None = None) -> tuple[list[RawLine], SheetInfo, list[Issue]]:
    """The component lines of one table with its ledger; a table without a usable header is skipped
    (all its rows) with an issue."""
    where = place(file, table.name)
    issues = _read_issues(file, table)
    found = header_at(table.rows, header_row, overrides) if header_row is not None else find_header(table.rows,
                                                                                                      overrides)
    if found is None:
        info, issue = _skipped_sheet(table, where, header_row)
        return [], info, [issue, *issues]
    index, columns = found
    header_number, header_cells = table.rows[index]
    lines: list[RawLine] = []
    skipped: Counter[str] = Counter()
    header_key = [normalize_header(c) for c in header_cells]
    ignored = {i for i, cell in enumerate(header_cells) if cell and header_field(cell, overrides) == IGNORE}
    content: list[list[str]] = []
    for number, cells in table.rows[index + 1:]:
        reason, detail = _classify(table, number, cells, header_key, columns, header_cells, ignored)
        if reason in (None, UNREAD):
            content.append(cells)
        if reason is None:
            fields = {field: cells[i] for i, field in columns.items() if i < len(cells) and cells[i]}
            raw = {header_cells[i] if i < len(header_cells) and header_cells[i] else f"column {i + 1}": cells[i]
                   for i in range(len(cells)) if cells[i]}
            lines.append(RawLine(Source(file, table.name, number), fields, raw))
            continue
        skipped[reason] += 1
        if reason != BLANK:
            issues.append(Issue(place(file, table.name, number), f"Row skipped as {detail} in "
                                f"{place(file, table.name, number)}."))
    unread = unread_columns(header_cells, content, columns, overrides)
    issues += [_unread_issue(column, where) for column in unread if column.reason != "ignored"]
    mapping = {header_cells[i]: field for i, field in sorted(columns.items())}
    headers = tuple(cell for cell in header_cells if cell)
    ledger = {reason: skipped[reason] for reason in REASONS if skipped[reason]}
    info = SheetInfo(table.name, header_number, mapping, len(lines), headers=headers,
                     rows_read=len(table.rows) - index - 1, skipped_rows=ledger, unread=tuple(unread))
    return lines, info, issues


def _classify(table: Table, number: int, cells: list[str], header_key: list[str], columns: dict[int, str],
              header_cells: list[str], ignored: set[int]) -> tuple[str | None, str]:
    """Why a row below the header is skipped (a reason and its words for the issue), or (None, '') for
    a line. Text in columns left unread on purpose (`ignored`: row numbers, --map HEADER=ignore) does
    not make a row more than a title."""
    if not any(cells):
        if number in table.beyond:
            return UNREAD, (f"{UNREAD}: its only text is right of the columns read (column "
                            f"{letters(table.beyond[number])})")
        return BLANK, BLANK
    if _repeats_header(cells, header_key):
        return HEADER, f"a {HEADER}"
    first = next(cell for cell in cells if cell)
    if _TOTAL_ROW.match(first):
        return TOTAL, f"a {TOTAL} ({_short(first)!r})"
    if number in table.titles:
        return TITLE, f"a {TITLE} (one cell merged across columns: {_short(first)!r})"
    read = {field: cells[i] for i, field in columns.items() if i < len(cells) and cells[i]}
    if any(read.get(field) for field in IDENTIFYING):
        return None, ""
    unread = [i for i, cell in enumerate(cells) if cell and i not in columns]
    telling = [i for i in unread if i not in ignored]
    if read and not telling:
        shown = "; ".join(f"{field} {_short(text)!r}" for field, text in read.items())
        return TITLE, f"a {TITLE} (no part number, marking, maker or description; {shown})"
    i = (telling or unread)[0]
    name = header_cells[i] if i < len(header_cells) and header_cells[i] else f"column {letters(i + 1)}"
    return UNREAD, (f"{UNREAD}: no part number, marking, maker or description is read, and a column not read "
                    f"holds {name!r}: {_short(cells[i])!r}")


def _repeats_header(cells: list[str], header_key: list[str]) -> bool:
    """Whether a row is the header again (compared as headers are normalised); the first header cell
    is compared alone first, as nearly every row differs there."""
    first = next((i for i, key in enumerate(header_key) if key), None)
    if first is None or first >= len(cells) or normalize_header(cells[first]) != header_key[first]:
        return False
    return [normalize_header(c) for c in cells[: len(header_key)]] == header_key


def unread_columns(header_cells: list[str], rows: list[list[str]], columns: dict[int, str],
                   overrides: Mapping[str, str] | None = None) -> list[UnreadColumn]:
    """The columns holding text in `rows` (the lines, and the rows skipped for want of a read column)
    that are read as no field, with why: left unread on purpose (ignored), naming a field an earlier
    column took (duplicate), or not recognised."""
    counts: Counter[int] = Counter()
    examples: dict[int, str] = {}
    for cells in rows:
        for i, cell in enumerate(cells):
            if cell and i not in columns:
                counts[i] += 1
                examples.setdefault(i, cell)
    taken = {field: i for i, field in columns.items()}
    unread = []
    for i in sorted(counts):
        header = header_cells[i] if i < len(header_cells) else ""
        field = header_field(header, overrides)
        if field == IGNORE:
            reason = "ignored"
        elif field in taken:
            reason = f"duplicate of column {letters(taken[field] + 1)}"
        else:
            reason = "not recognised"
        unread.append(UnreadColumn(i + 1, header, counts[i], _short(examples[i]), reason))
    return unread


def _unread_issue(column: UnreadColumn, where: str) -> Issue:
    """The warning for a column with text that is not read, saying how to read it."""
    values = f"{column.values} value{'' if column.values == 1 else 's'}, e.g. {column.example!r}"
    if not column.header:
        return Issue(where, f"Column {letters(column.column)} ({values}) has no header and was not read in "
                            f"{where}. Give it a header in the file, then map it with --map.")
    if column.reason.startswith("duplicate"):
        return Issue(where, f"Column {column.header!r} ({values}) was not read in {where}: it names the same "
                            f"field as column {column.reason.rsplit(' ', 1)[1]}. Map one of them to another "
                            "field with --map, or to ignore.")
    field = "part_number" if _PART_LIKE.match(column.example) else "FIELD"
    return Issue(where, f"Column {column.header!r} ({values}) was not read in {where}. Map it with --map "
                        f"'{column.header}={field}'" + (" (a field, or ignore)." if field == "FIELD" else "."))


def _skipped_sheet(table: Table, where: str, header_row: int | None) -> tuple[SheetInfo, Issue]:
    """A sheet without a header row: every row skipped, one issue saying why."""
    filled = any(any(cells) for _, cells in table.rows)
    if header_row is not None:
        note = (f"skipped: row {header_row}, given as its header, names no part number, marking or "
                "manufacturer column")
        message = f"Sheet {note} in {where}. Check the row number, or name the columns with --map."
    elif not filled:
        note = "skipped: empty"
        message = f"Sheet {note} in {where}."
    else:
        note = "skipped: no part number, marking or manufacturer column in its first rows"
        message = (f"Sheet {note} in {where}. Name the column with --map \"HEADER=part_number\" if it is "
                   "there under another name.")
    rows = len(table.rows)
    info = SheetInfo(table.name, None, {}, 0, note, rows_read=rows, skipped_rows={NO_HEADER: rows} if rows else {})
    return info, Issue(where, message)


def _read_issues(file: str, table: Table) -> list[Issue]:
    """Issues for what reading the table noticed: characters removed, text right of the columns read."""
    where = place(file, table.name)
    issues = []
    if table.name_cleaned:
        issues.append(Issue(where, f"Sheet name held control or direction characters "
                                   f"({', '.join(table.name_cleaned)}), removed in {where}."))
    for number, points in sorted(table.cleaned.items()):
        row = place(file, table.name, number)
        issues.append(Issue(row, f"Cells held control or direction characters ({', '.join(points)}), removed "
                                 f"in {row}."))
    for ref in table.unfilled_merges[:5]:
        issues.append(Issue(where, f"Merged range {ref} holds text in more than its first cell; it was read "
                                   f"cell by cell, not filled, in {where}."))
    if len(table.unfilled_merges) > 5:
        issues.append(Issue(where, f"{len(table.unfilled_merges) - 5} more merged ranges like it in {where}."))
    for number, column in sorted(table.beyond.items())[:1]:
        row = place(file, table.name, number)
        more = len(table.beyond) - 1
        issues.append(Issue(row, f"Text right of the columns read (first in column {letters(column)}) was not "
                                 f"read in {row}" + (f" and {more} more row(s)" if more else "") +
                            ". Move it into the table, or raise the limit (--max-columns)."))
    return issues


def _short(text: str, most: int = 60) -> str:
    """Text cut to `most` characters for a message."""
    return text if len(text) <= most else text[: most - 1] + "\u2026"
