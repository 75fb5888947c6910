"""report.xlsx and compare.xlsx (openpyxl): frozen headers, filters, widths, text cells for text.

Every string is written as a text cell (data_type "s"): openpyxl would otherwise store a string that
starts with "=" as a formula, so an input cell `=HYPERLINK(...)` stays the text it was.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bomtrace import __version__, review
from bomtrace.countries import bare_name
from bomtrace.models import Result
from bomtrace.report import views
from bomtrace.report.charts import segment_name
from bomtrace.report.csvout import COLUMNS as LINE_COLUMNS
from bomtrace.report.csvout import supply_chain_text
from bomtrace.report.files import atomic_write_bytes
from bomtrace.report.jsonout import line_dict
from bomtrace.vocabulary import DECISIONS

if TYPE_CHECKING:
    from bomtrace.compare import Comparison

REVIEW_COLUMNS = ("id", "file", "sheet", "row", "part_number", "marking", "company", "country",
                  "confidence", "detail", "decision", "value", "note", "reviewer")
MAX_CELL = 32_767
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8E8E4")
_REVIEW_FILL = PatternFill("solid", fgColor="FFF4D6")
_INPUT_FILL = PatternFill("solid", fgColor="E3EEF8")


def cell_value(value: object) -> object:
    """A value openpyxl can store: numbers as they are, text without control characters, capped."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL]


def put(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """Write one cell; a string is forced to a text cell so it can never become a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"


def table_sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[object]],
                max_width: int = 60) -> Worksheet:
    """A sheet with a bold frozen header, a filter over the data and widths fitted to the content."""
    sheet = book.create_sheet(title)
    widths = [len(h) for h in header]
    for c, name in enumerate(header, start=1):
        put(sheet, 1, c, name)
        sheet.cell(row=1, column=c).font = _BOLD
        sheet.cell(row=1, column=c).fill = _HEADER_FILL
    count = 0
    for r, values in enumerate(rows, start=2):
        count += 1
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value)
            widths[c - 1] = max(widths[c - 1], len(str(value)) if value is not None else 0)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max_width, max(8, width + 2))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    return sheet


def _line_row(d: dict[str, Any]) -> list[object]:
    """A line as the Lines sheet's columns (those of lines.csv), numbers kept numeric."""
    flat = {**d, **d["source"], **{k: d["match"][k] for k in ("method", "evidence", "score", "catalog_part",
                                                                "source", "detail")}}
    flat["flags"] = ";".join(d["flags"])
    flat["supply_chain"] = supply_chain_text(d["supply_chain"])
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


def review_sheet(book: Workbook, result: Result) -> Worksheet:
    """The Review sheet: every line, those to review first and shaded, with decision columns to fill."""
    lines = review.review_order(result.lines)
    rows = []
    for r in lines:
        d = line_dict(r)
        rows.append([d["id"], d["source"]["file"], d["source"]["sheet"], d["source"]["row"], d["part_number"],
                     d["marking"], d["company"], d["country"], d["confidence"], d["match"]["detail"],
                     None, None, None, None])
    sheet = table_sheet(book, "Review", REVIEW_COLUMNS, rows)
    first_decision = REVIEW_COLUMNS.index("decision") + 1
    for offset, r in enumerate(lines, start=2):
        if review.needs_review(r):
            for c in range(1, first_decision):
                sheet.cell(row=offset, column=c).fill = _REVIEW_FILL
        for c in range(first_decision, len(REVIEW_COLUMNS) + 1):
            sheet.cell(row=offset, column=c).fill = _INPUT_FILL
    for c in range(first_decision, len(REVIEW_COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 16
    sheet.column_dimensions[get_column_letter(REVIEW_COLUMNS.index("detail") + 1)].width = 60
    for c in range(1, len(REVIEW_COLUMNS) + 1):
        sheet.cell(row=1, column=c).alignment = Alignment(vertical="top")
    column = get_column_letter(first_decision)
    choice = DataValidation(type="list", formula1=f'"{",".join(DECISIONS)}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="decision",
                            error=f"Choose {', '.join(DECISIONS)}.")
    choice.add(f"{column}2:{column}{max(2, len(lines) + 1)}")
    sheet.add_data_validation(choice)
    return sheet


def report_workbook(result: Result) -> Workbook:
    """The report workbook: Summary, Lines, By country, By company, Review."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = f"bomtrace {__version__}"
    _set_created(book, result.generated_at)
    table_sheet(book, "Summary", ("item", "value"), _summary_rows(result), max_width=100)
    table_sheet(book, "Lines", LINE_COLUMNS, (_line_row(line_dict(r)) for r in result.lines))
    total = result.summary.lines
    table_sheet(book, "By country", ("country", "code", "lines", "share", "quantity", "companies", "possible"),
                ((bare_name(r.country) if r.country else "Unresolved", r.country, r.lines,
                  round(r.lines / total, 4) if total else 0, r.quantity, r.companies, r.possible)
                 for r in result.breakdown.by_country))
    _percent_format(book["By country"], "D")
    table_sheet(book, "By company", ("company", "country", "owner", "lines", "share", "quantity", "possible"),
                ((r.company or "Unresolved", bare_name(r.country), r.owner, r.lines,
                  round(r.lines / total, 4) if total else 0, r.quantity, r.possible)
                 for r in sorted(result.breakdown.by_company, key=lambda r: r.company is None)))
    _percent_format(book["By company"], "E")
    parties = views.named_parties(result)
    if parties:
        table_sheet(book, "Supply chain", ("role", "company", "country", "lines", "line ids"),
                    ((p.role, p.name, p.country, p.lines, " ".join(p.ids)) for p in parties))
    for title, header, rows in views.task_force_sheets(result):
        table_sheet(book, title, header, rows)
    review_sheet(book, result)
    return book


def _percent_format(sheet: Worksheet, column: str) -> None:
    for cell in sheet[column][1:]:
        cell.number_format = "0%"


def _set_created(book: Workbook, when: str) -> None:
    """Record the run's time as the workbook's creation time (openpyxl stamps `modified` on save)."""
    try:
        stamp = dt.datetime.fromisoformat(when)
    except ValueError:
        return
    book.properties.created = stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def workbook_bytes(book: Workbook) -> bytes:
    """A workbook saved to bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsx(result: Result, out: Path) -> Path:
    """DIR/report.xlsx."""
    return atomic_write_bytes(out / "report.xlsx", workbook_bytes(report_workbook(result)))


def compare_workbook(comparison: Comparison) -> Workbook:
    """Teardowns, By country and By company sheets: one column of shares per teardown, and Common."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = f"bomtrace {__version__}"
    _set_created(book, comparison.generated_at)
    teardowns = comparison.teardowns
    table_sheet(book, "Teardowns", ("teardown", "lines", "headline"),
                ((t.name, t.lines, t.headline) for t in teardowns), max_width=90)
    names = [t.name for t in teardowns]
    table_sheet(book, "By country", ("country", "code", *names),
                ((segment_name(c), c,
                  *(round(t.share(t.by_country.get(c, 0)), 4) for t in teardowns))
                 for c in comparison.countries))
    table_sheet(book, "By company", ("company", "country", "in all", *names),
                ((name, bare_name(country), "yes" if name in comparison.common else "",
                  *(round(t.share(t.by_company.get(name, (None, 0))[1]), 4) for t in teardowns))
                 for name, country in comparison.companies))
    for title, first in (("By country", 3), ("By company", 4)):
        for c in range(first, first + len(teardowns)):
            _percent_format(book[title], get_column_letter(c))
    table_sheet(book, "Common", ("company in every teardown",), ((name,) for name in comparison.common))
    return book


def compare_workbook_bytes(comparison: Comparison) -> bytes:
    """compare.xlsx as bytes."""
    return workbook_bytes(compare_workbook(comparison))
