"""Report: a Result -> result.json, lines.csv, report.html and report.xlsx, each written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from bomtrace import forked
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


def write_outputs(result: Result, out_dir: str | Path, formats: Iterable[str] = FORMATS, workers: int = 1
                  ) -> list[Path]:
    """Write each asked-for format into `out_dir` (created if needed); returns the paths written. With
    `workers` over 1 and a teardown of forked.SHARED_FROM lines or more, report.xlsx (the longest to write) is
    written in a forked process while this one writes the others (bomtrace.forked)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    if workers < 2 or len(result.lines) < forked.SHARED_FROM or "xlsx" not in formats or len(formats) < 2:
        return [WRITERS[name](result, out) for name in formats]
    others = [name for name in formats if name != "xlsx"]
    here, xlsx = forked.run_tasks([lambda _: [WRITERS[name](result, out) for name in others],
                                   lambda _: [WRITERS["xlsx"](result, out)]])
    written = dict(zip(others + ["xlsx"], here + xlsx, strict=True))
    return [written[name] for name in formats]


__all__ = ["FORMATS", "WRITERS", "to_json_dict", "write_outputs"]
