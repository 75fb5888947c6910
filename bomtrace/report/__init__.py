"""Report: a Result -> result.json, lines.csv, report.html and report.xlsx, each written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from bomtrace.models import Result
from bomtrace.report.csvout import write_lines_csv
from bomtrace.report.html import write_html
from bomtrace.report.jsonout import to_json_dict, write_json
from bomtrace.report.xlsx import write_xlsx

Writer = Callable[[Result, Path], Path]

WRITERS: dict[str, Writer] = {
    "json": write_json,
    "csv": write_lines_csv,
    "html": write_html,
    "xlsx": write_xlsx,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def write_outputs(result: Result, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write each asked-for format into `out_dir` (created if needed); returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [WRITERS[name](result, out) for name in formats]


__all__ = ["FORMATS", "WRITERS", "to_json_dict", "write_outputs"]
