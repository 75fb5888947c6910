"""The seam between the web app and the library: one `bomtrace.run` per analysis, with the case's
stored review decisions, then the library's writers (result.json, lines.csv, report.html, report.xlsx)
and the review queue beside them. The CLI makes the same call with decisions read from a file."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bomtrace.catalogs import Catalog
from bomtrace.config import Limits, Options
from bomtrace.ingest import read_tables
from bomtrace.models import Decision, Result
from bomtrace.pipeline import Progress, run
from bomtrace.report import FORMATS, write_outputs
from bomtrace.report.files import atomic_write_bytes
from bomtrace.report.html import write_html
from bomtrace.web.store import DecisionRecord

#: The file of each download format an analysis has, in the order they are offered.
DOWNLOADS: dict[str, str] = {"html": "report.html", "xlsx": "report.xlsx", "json": "result.json",
                             "csv": "lines.csv"}
#: Line ids of the review queue, most doubtful first (written beside the outputs).
REVIEW_FILE = "review.json"


def place(d: DecisionRecord) -> str:
    """Where a web decision came from, as the report's detail names it: number and time."""
    return f"web review #{d.id} of {d.created_at}"


def effective(decisions: Sequence[DecisionRecord]) -> list[DecisionRecord]:
    """The latest decision on each line (the history stays in the store and the export)."""
    latest = {d.line_id: d for d in sorted(decisions, key=lambda d: d.id)}
    return sorted(latest.values(), key=lambda d: d.id)


def decisions_of(records: Sequence[DecisionRecord]) -> list[Decision]:
    """The case's stored decisions as the library's decisions: the latest on each line."""
    return [Decision(d.decision, id=d.line_id, value=d.value, note=d.note, reviewer=d.reviewer, place=place(d))
            for d in effective(records)]


def analyze(path: Path, mapping: Mapping[str, str], catalog: Catalog, limits: Limits, generated_at: str,
            header_rows: Mapping[str, int] | None = None, decisions: Sequence[DecisionRecord] = (), *,
            basis: str = "brand", progress: Progress | None = None) -> Result:
    """`bomtrace.run` on one stored file with the case's column mapping, header rows, basis and
    decisions."""
    options = Options(mapping=dict(mapping), limits=limits, generated_at=generated_at,
                      header_rows=dict(header_rows or {}), basis="owner" if basis == "owner" else "brand")
    return run([path], options, decisions_of(decisions), catalog=catalog, progress=progress)


def write_all(result: Result, out: Path, review_url: str | None = None) -> list[str]:
    """Every output the library writes (report.html's lines to review linking to `review_url`), and the
    review queue; returns the file names, sorted."""
    written = {path.name for path in write_outputs(result, out, [f for f in FORMATS if f != "html"])}
    written.add(write_html(result, out, review_url=review_url).name)
    atomic_write_bytes(out / REVIEW_FILE, json.dumps(result.review_queue).encode("utf-8"))
    return sorted(written | {REVIEW_FILE})


def sheet_columns(result: Result) -> list[dict[str, Any]]:
    """Each sheet as ingest found it (header row, mapping, lines, skipped) with its header cells."""
    if not result.inputs:
        return []
    return [{"name": info.name, "header_row": info.header_row, "mapping": info.mapping, "lines": info.lines,
             "skipped": info.skipped, "headers": list(info.headers)} for info in result.inputs[0].sheets]


#: Rows of each sheet shown in the column editor when no header was recognised.
PREVIEW_ROWS = 10
#: Columns shown of each preview row.
PREVIEW_COLUMNS = 30
#: What the column editor says of a sheet no column of which was recognised.
NOTHING_RECOGNISED = "no column was recognised as part number, marking or maker: pick the header row and map the columns"


def preview(path: Path, limits: Limits, name: str | None = None) -> list[dict[str, Any]]:
    """The first rows of each sheet (of the file at `path`, uploaded as `name`), for the column editor
    of a file whose header no synonym names: the first row with two cells or more is offered as the
    header row (a bounded read)."""
    sheets: list[dict[str, Any]] = []
    for table in read_tables(name or path.name, path.read_bytes(), limits, head=PREVIEW_ROWS):
        shown = [(number, cells[:PREVIEW_COLUMNS]) for number, cells in table.rows if any(cells)][:PREVIEW_ROWS]
        header = next((n for n, cells in shown if sum(1 for c in cells if c) >= 2), shown[0][0] if shown else None)
        headers = [c for c in dict(shown).get(header, []) if c] if header is not None else []
        sheets.append({"name": table.name, "header_row": header, "mapping": {}, "lines": 0, "skipped": None,
                       "note": NOTHING_RECOGNISED, "headers": headers,
                       "preview": [[number, cells] for number, cells in shown]})
    return sheets
