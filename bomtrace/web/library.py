"""The seam between the web app and the library: every analysis the app makes goes through here.

One run = `bomtrace.pipeline.run` on the stored file, the case's review decisions applied by
`bomtrace.review.apply_overrides` (the code the CLI's --overrides uses), then the library's writers:
result.json, lines.csv, report.html and report.xlsx.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bomtrace.catalogs import Catalog
from bomtrace.ingest import Limits, read_tables
from bomtrace.models import Result
from bomtrace.pipeline import Options, run
from bomtrace.report import FORMATS, write_outputs
from bomtrace.report.files import atomic_write_bytes
from bomtrace.report.html import write_html
from bomtrace.report.views import review_lines
from bomtrace.report.xlsx import write_xlsx
from bomtrace.review import Decision, apply_overrides
from bomtrace.web.store import DecisionRecord

#: The file of each download format an analysis has, in the order they are offered.
DOWNLOADS: dict[str, str] = {"html": "report.html", "xlsx": "report.xlsx", "json": "result.json",
                             "csv": "lines.csv"}
#: Line ids of the review queue, most doubtful first (written beside the outputs).
REVIEW_FILE = "review.json"


def analyze(path: Path, mapping: Mapping[str, str], catalog: Catalog, limits: Limits,
            generated_at: str, header_rows: Mapping[str, int] | None = None) -> Result:
    """The pipeline on one stored file, with the case's column mapping and any header rows given."""
    return run([path], Options(mapping=dict(mapping), limits=limits, generated_at=generated_at,
                               header_rows=dict(header_rows or {})), catalog=catalog)


def place(d: DecisionRecord) -> str:
    """Where a web decision came from, as the report's detail names it: number and time."""
    return f"web review #{d.id} of {d.created_at}"


def effective(decisions: Sequence[DecisionRecord]) -> list[DecisionRecord]:
    """The latest decision on each line (the history stays in the store and the export)."""
    latest = {d.line_id: d for d in sorted(decisions, key=lambda d: d.id)}
    return sorted(latest.values(), key=lambda d: d.id)


def apply_decisions(result: Result, decisions: Sequence[DecisionRecord], catalog: Catalog) -> Result:
    """The case's review decisions applied by bomtrace.review, exactly as the CLI's --overrides does."""
    if not decisions:
        return result
    chosen = [Decision(d.decision, id=d.line_id, value=d.value, note=d.note, reviewer=d.reviewer,
                       place=place(d)) for d in effective(decisions)]
    return apply_overrides(result, chosen, catalog)


def write_all(result: Result, out: Path) -> list[str]:
    """Every output the library writes, and the review queue; returns the file names, sorted."""
    written = {path.name for path in write_outputs(result, out, FORMATS)}
    if "report.html" not in written:
        written.add(write_html(result, out).name)
    if "report.xlsx" not in written:
        written.add(write_xlsx(result, out).name)
    queue = [r.id for r in review_lines(result)]
    atomic_write_bytes(out / REVIEW_FILE, json.dumps(queue).encode("utf-8"))
    return sorted(written | {REVIEW_FILE})


def sheet_columns(path: Path, result: Result, limits: Limits) -> list[dict[str, Any]]:
    """Each sheet as detected (header row, mapping, lines, skipped) with every cell of its header row."""
    if not result.inputs:
        return []
    tables = {table.name: table for table in read_tables(path.name, path.read_bytes(), limits)}
    sheets = []
    for info in result.inputs[0].sheets:
        table = tables.get(info.name)
        cells = next((c for n, c in table.rows if n == info.header_row), []) if table else []
        sheets.append({"name": info.name, "header_row": info.header_row, "mapping": info.mapping,
                       "lines": info.lines, "skipped": info.skipped,
                       "headers": [c for c in cells if c]})
    return sheets
