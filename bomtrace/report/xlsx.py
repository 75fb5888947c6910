"""report.xlsx and compare.xlsx (XlsxWriter): frozen headers, filters, widths, text cells for text.

Sheets are written row by row in XlsxWriter's constant-memory mode, so a 100,000-line teardown
costs no more memory than a small one. The workbook options `strings_to_formulas`,
`strings_to_urls` and `strings_to_numbers` are off and every string is written with
`write_string`: an input cell `=HYPERLINK(...)`, `+44 ...` or `0123` stays the text it was.
Numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bomtrace import __version__, review
from bomtrace.countries import bare_name
from bomtrace.models import LineResult, Result
from bomtrace.report import views
from bomtrace.report.charts import segment_name
from bomtrace.report.csvout import COLUMNS as LINE_COLUMNS
from bomtrace.report.csvout import flat_line
from bomtrace.report.files import replaced_when_done
from bomtrace.report.jsonout import line_dict
from bomtrace.vocabulary import DECISIONS

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from bomtrace.compare import Comparison

REVIEW_COLUMNS = ("id", "file", "sheet", "row", "part_number", "marking", "company", "country",
                  "confidence", "detail", "decision", "value", "note", "reviewer")
MAX_CELL = 32_767
#: Characters no XML 1.0 document may hold (the ones openpyxl refuses too): dropped from text cells.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
#: Cell styles: a header, a header aligned to the top, the review and input shades, a percentage.
_STYLES = {
    "header": {"bold": True, "pattern": 1, "bg_color": "#E8E8E4"},
    "header_top": {"bold": True, "pattern": 1, "bg_color": "#E8E8E4", "valign": "top"},
    "review": {"pattern": 1, "bg_color": "#FFF4D6"},
    "input": {"pattern": 1, "bg_color": "#E3EEF8"},
    "percent": {"num_format": "0%"},
}


def stored_width(characters: float) -> float:
    """The width to give XlsxWriter so the file stores `characters` as openpyxl stored it (XlsxWriter
    adds the cell padding to what it is given: 10 is stored as 10.71)."""
    return max(0.0, (characters * 7 - 5) / 7)


@dataclass
class Book:
    """An open XlsxWriter workbook and its named cell formats."""

    workbook: Workbook
    formats: dict[str, Format] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.formats = {name: self.workbook.add_format(style) for name, style in _STYLES.items()}


@dataclass(frozen=True)
class Column:
    """How a table sheet styles a column: a format by name for every data cell, or one chosen per row."""

    style: str | None = None
    by_row: Callable[[int], str | None] | None = None


def _open(target: str | Path | IO[bytes], created: str, *, constant_memory: bool) -> Book:
    import xlsxwriter

    options: dict[str, Any] = {**_OPTIONS, "constant_memory": constant_memory}
    if not constant_memory:
        options["in_memory"] = True
    workbook = xlsxwriter.Workbook(target, options)
    properties: dict[str, Any] = {"author": f"bomtrace {__version__}"}
    stamp = _created(created)
    if stamp is not None:
        properties["created"] = stamp
    workbook.set_properties(properties)
    return Book(workbook)


def _created(when: str) -> dt.datetime | None:
    """The run's time as the workbook's creation time (UTC), or None if it is no ISO time."""
    try:
        stamp = dt.datetime.fromisoformat(when)
    except ValueError:
        return None
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def _put(sheet: Worksheet, row: int, column: int, value: object, style: Format | None) -> int:
    """Write one cell (0-based); a string is always a text cell, an empty one no value (as openpyxl
    stored it). Returns its length for the width."""
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, column, None, style)
        return 0
    if type(value) is str:
        text = value if value.isprintable() else _ILLEGAL.sub("", value)
        text = text[:MAX_CELL]
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter copies such a string into the XML unescaped, taking it for a rich string it
            # built: input text shaped so would become markup (a formula cell, a broken file). Written
            # as a rich string of three plain runs, it is escaped and reads back as the same text.
            sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:], *([style] if style else []))
        else:
            sheet.write_string(row, column, text, style)
        return len(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, column, value, style)
        return len(str(value))
    return _put(sheet, row, column, str(value), style)


def table_sheet(book: Book, title: str, header: Sequence[str], rows: Iterable[Sequence[object]],
                max_width: int = 60, columns: dict[int, Column] | None = None,
                header_style: str = "header") -> tuple[Worksheet, int]:
    """A sheet with a bold frozen header, a filter over the data and widths fitted to the content
    (written row by row); returns the sheet and its number of data rows."""
    sheet = book.workbook.add_worksheet(title)
    widths = [len(h) for h in header]
    for c, name in enumerate(header):
        _put(sheet, 0, c, name, book.formats[header_style])
    columns = columns or {}
    fixed: list[Format | None] = [book.formats[col.style] if col.style else None
                                  for col in (columns.get(c, Column()) for c in range(len(header)))]
    varying = [(c, col.by_row) for c, col in columns.items() if col.by_row is not None]
    count = 0
    for r, values in enumerate(rows, start=1):
        count += 1
        styles = fixed
        if varying:
            styles = list(fixed)
            for c, by_row in varying:
                chosen = by_row(r)
                styles[c] = book.formats[chosen] if chosen else None
        for c, value in enumerate(values):
            width = _put(sheet, r, c, value, styles[c])
            widths[c] = max(widths[c], width)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, stored_width(min(max_width, max(8, width + 2))))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, len(header) - 1)
    return sheet, count


def _line_row(r: LineResult) -> list[object]:
    """A line as the Lines sheet's columns (those of lines.csv), numbers kept numeric."""
    flat = flat_line(r)
    return [flat.get(column) for column in LINE_COLUMNS]


def _summary_rows(result: Result) -> list[tuple[str, object]]:
    """The Summary sheet: headline, figures, basis, run facts, catalogs and inputs with hashes."""
    s = result.summary
    rows: list[tuple[str, object]] = [
        ("headline", s.headline), ("lines", s.lines), ("quantity", s.quantity), ("attributed", s.resolved),
        ("possible (not counted)", s.possible), ("unresolved", s.unresolved), ("countries", s.countries), ("companies", s.companies),
        ("needing review", len(views.review_lines(result))), ("basis", result.basis),
        ("as of", result.as_of), ("generated", result.generated_at), ("tool", f"bomtrace {__version__}"),
        ("caveat", views.CAVEAT),
    ]
    rows += [(f"catalog {c.name}", f"version {c.version}, sha256 {c.sha256}") for c in result.catalogs]
    rows += [(f"input {i.path}", f"sha256 {i.sha256}") for i in result.inputs]
    rows += [(f"issue {i.source}", i.message) for i in result.issues]
    return rows


def _review_rows(lines: Sequence[LineResult]) -> Iterator[list[object]]:
    for r in lines:
        d = line_dict(r, maker_options=False)
        yield [d["id"], d["source"]["file"], d["source"]["sheet"], d["source"]["row"], d["part_number"],
               d["marking"], d["company"], d["country"], d["confidence"], d["match"]["detail"],
               None, None, None, None]


def review_sheet(book: Book, result: Result) -> Worksheet:
    """The Review sheet: every line, those to review first and shaded, with decision columns to fill."""
    lines = review.review_order(result.lines)
    shaded = [review.needs_review(r) for r in lines]
    first_decision = REVIEW_COLUMNS.index("decision")
    to_review = Column(by_row=lambda row: "review" if shaded[row - 1] else None)
    columns = {c: to_review for c in range(first_decision)}
    columns.update({c: Column("input") for c in range(first_decision, len(REVIEW_COLUMNS))})
    sheet, _ = table_sheet(book, "Review", REVIEW_COLUMNS, _review_rows(lines), columns=columns,
                           header_style="header_top")
    sheet.set_column(first_decision, len(REVIEW_COLUMNS) - 1, stored_width(16))
    detail = REVIEW_COLUMNS.index("detail")
    sheet.set_column(detail, detail, stored_width(60))
    sheet.data_validation(1, first_decision, max(1, len(lines)), first_decision, {
        "validate": "list", "source": list(DECISIONS), "ignore_blank": True, "show_input": False,
        "error_title": "decision", "error_message": f"Choose {', '.join(DECISIONS)}."})
    return sheet


def write_report_workbook(result: Result, target: str | Path | IO[bytes], *, constant_memory: bool = True
                          ) -> None:
    """The report workbook: Summary, Lines, By country, By company, (Supply chain,) Review."""
    book = _open(target, result.generated_at, constant_memory=constant_memory)
    table_sheet(book, "Summary", ("item", "value"), _summary_rows(result), max_width=100)
    table_sheet(book, "Lines", LINE_COLUMNS, (_line_row(r) for r in result.lines))
    total = result.summary.lines
    table_sheet(book, "By country", ("country", "code", "lines", "share", "quantity", "companies", "possible"),
                ((bare_name(r.country) if r.country else "Unresolved", r.country, r.lines,
                  round(r.lines / total, 4) if total else 0, r.quantity, r.companies, r.possible)
                 for r in result.breakdown.by_country), columns={3: Column("percent")})
    table_sheet(book, "By company", ("company", "country", "owner", "lines", "share", "quantity", "possible"),
                ((r.company or "Unresolved", bare_name(r.country), r.owner, r.lines,
                  round(r.lines / total, 4) if total else 0, r.quantity, r.possible)
                 for r in sorted(result.breakdown.by_company, key=lambda r: r.company is None)),
                columns={4: Column("percent")})
    parties = views.named_parties(result)
    if parties:
        table_sheet(book, "Supply chain", ("role", "company", "country", "lines", "line ids"),
                    ((p.role, p.name, p.country, p.lines, " ".join(p.ids)) for p in parties))
    for title, header, rows in views.task_force_sheets(result):
        table_sheet(book, title, header, rows)
    review_sheet(book, result)
    book.workbook.close()


def report_workbook_bytes(result: Result) -> bytes:
    """report.xlsx as bytes (built in memory: for small results and tests)."""
    buffer = io.BytesIO()
    write_report_workbook(result, buffer, constant_memory=False)
    return buffer.getvalue()


def write_xlsx(result: Result, out: Path) -> Path:
    """DIR/report.xlsx, streamed to a temporary file beside it and renamed over it when complete."""
    target = out / "report.xlsx"
    with replaced_when_done(target) as temp:
        write_report_workbook(result, temp)
    return target


def compare_workbook_bytes(comparison: Comparison) -> bytes:
    """compare.xlsx: Teardowns, By country and By company sheets (one column of shares per teardown),
    and Common."""
    buffer = io.BytesIO()
    book = _open(buffer, comparison.generated_at, constant_memory=False)
    teardowns = comparison.teardowns
    table_sheet(book, "Teardowns", ("teardown", "lines", "headline"),
                ((t.name, t.lines, t.headline) for t in teardowns), max_width=90)
    names = [t.name for t in teardowns]
    shares = {c: Column("percent") for c in range(2, 2 + len(teardowns))}
    table_sheet(book, "By country", ("country", "code", *names),
                ((segment_name(c), c,
                  *(round(t.share(t.by_country.get(c, 0)), 4) for t in teardowns))
                 for c in comparison.countries), columns=shares)
    table_sheet(book, "By company", ("company", "country", "in all", *names),
                ((name, bare_name(country), "yes" if name in comparison.common else "",
                  *(round(t.share(t.by_company.get(name, (None, 0))[1]), 4) for t in teardowns))
                 for name, country in comparison.companies),
                columns={c + 1: Column("percent") for c in shares})
    table_sheet(book, "Common", ("company in every teardown",), ((name,) for name in comparison.common))
    book.workbook.close()
    return buffer.getvalue()
