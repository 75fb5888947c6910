"""The seam between the web app and the library: every analysis the app makes goes through here.

One run = `bomtrace.pipeline.run` on the stored file, the case's review decisions applied by the same
code the CLI's --overrides uses (`bomtrace.review`), then every report writer the library has.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bomtrace.catalogs import Catalog
from bomtrace.ingest import Limits, read_tables
from bomtrace.models import Result
from bomtrace.pipeline import Options, run
from bomtrace.report import FORMATS, to_json_dict, write_outputs
from bomtrace.report.files import atomic_write_bytes
from bomtrace.web.store import DecisionRecord

#: The file of each download format an analysis may have, in the order they are offered.
DOWNLOADS: dict[str, str] = {"html": "report.html", "xlsx": "report.xlsx", "json": "result.json",
                             "csv": "lines.csv"}
#: Line ids of the review queue, most doubtful first (written beside the outputs).
REVIEW_FILE = "review.json"


def has_module(name: str) -> bool:
    """Whether a module of the library exists (the report and review modules land separately)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def analyze(path: Path, mapping: Mapping[str, str], catalog: Catalog, limits: Limits,
            generated_at: str) -> Result:
    """The pipeline on one stored file, with the case's column mapping."""
    return run([path], Options(mapping=dict(mapping), limits=limits, generated_at=generated_at),
               catalog=catalog)


def apply_decisions(result: Result, decisions: Sequence[DecisionRecord], catalog: Catalog) -> Result:
    """SEAM: the case's review decisions applied by bomtrace.review, as the CLI's --overrides does.

    Until bomtrace.review exists the result is returned as it is and the decisions are only listed.
    """
    if not decisions or not has_module("bomtrace.review"):
        return result
    review: Any = importlib.import_module("bomtrace.review")
    return review.apply_overrides(result, [decision_dict(d) for d in decisions], catalog)  # type: ignore


def decision_dict(d: DecisionRecord) -> dict[str, str]:
    """A decision as the review code and the export carry it."""
    return {"line_id": d.line_id, "decision": d.decision, "value": d.value, "note": d.note,
            "reviewer": d.reviewer, "at": d.created_at}


def write_all(result: Result, out: Path, decisions: Sequence[DecisionRecord]) -> list[str]:
    """Every output the library writes, the HTML report and the review queue; returns the file names."""
    written = [path.name for path in write_outputs(result, out, FORMATS)]
    if "report.html" not in written:
        atomic_write_bytes(out / "report.html", render_report(result, decisions).encode("utf-8"))
        written.append("report.html")
    atomic_write_bytes(out / REVIEW_FILE, json.dumps(review_queue(result)).encode("utf-8"))
    return sorted(written)


def render_report(result: Result, decisions: Sequence[DecisionRecord]) -> str:
    """SEAM: the HTML report by bomtrace.report.html when it exists, else the web app's own page."""
    if has_module("bomtrace.report.html"):
        html: Any = importlib.import_module("bomtrace.report.html")
        return str(html.render_report(result))
    from bomtrace.web.templating import render

    return render("web/report_fallback.html", {"r": to_json_dict(result),
                                               "decisions": [decision_dict(d) for d in decisions]})


def review_queue(result: Result) -> list[str]:
    """The ids of the lines a reviewer should look at, by the report's own rule, most doubtful first."""
    from bomtrace.report.views import review_lines

    return [r.id for r in review_lines(result)]


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
