"""What the CLI shows on a terminal: a progress bar for long runs and the summary table."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bomtrace.countries import bare_name
from bomtrace.models import Result
from bomtrace.vocabulary import place

#: Below this many lines no bar is drawn: it would only flicker.
PROGRESS_MIN_LINES = 500


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A callback(done, total) that draws a bar on stderr for long runs, and nothing for short ones."""
    console = Console(stderr=True)
    bar: Any = None
    task: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if total < PROGRESS_MIN_LINES or not console.is_terminal:
            return
        if bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(TextColumn("matching"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           console=console, transient=True)
            bar.start()
            task = bar.add_task("matching", total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


#: Warnings printed on the terminal before the rest are left to result.json.
MOST_WARNINGS = 20


def print_issues(result: Result) -> None:
    """One stderr line per issue: `Error:` for an input that failed entirely, `Warning:` for the rest
    (a skipped sheet, a bad cell, a decision that matched nothing), the first few of them."""
    failed = {Path(f).name for f in result.failed_inputs}
    warnings = []
    for issue in result.issues:
        if issue.source.split("/")[0].split(" ")[0] in failed:
            print(f"Error: {issue.message}", file=sys.stderr)
        else:
            warnings.append(issue.message)
    for message in warnings[:MOST_WARNINGS]:
        print(f"Warning: {message}", file=sys.stderr)
    if len(warnings) > MOST_WARNINGS:
        print(f"Warning: {len(warnings) - MOST_WARNINGS} more issue(s) are listed in result.json.",
              file=sys.stderr)


def ledger_lines(result: Result) -> list[str]:
    """One line per sheet read: 'file/sheet: 14 rows read, 13 lines, 1 skipped (1 title)'."""
    return [f"{place(i.path, sheet.name)}: {sheet.ledger}" for i in result.inputs for sheet in i.sheets]


def print_summary(result: Result, written: list[Path]) -> None:
    """The headline, the by-country table, issues and the files written."""
    console = Console(highlight=False, soft_wrap=True)
    console.print(result.summary.headline + ".", markup=False)
    s = result.summary
    table = Table("country", "lines", "share", "companies", *(("possible",) if s.possible else ()))
    for row in result.breakdown.by_country:
        table.add_row(bare_name(row.country) if row.country else "unresolved", str(row.lines),
                      f"{row.share:.0%}", str(row.companies), *((str(row.possible or ""),) if s.possible else ()))
    console.print(table)
    possible = f", {s.possible} possible (not counted)" if s.possible else ""
    console.print(f"{s.resolved} of {s.lines} lines attributed{possible}, {s.unresolved} unresolved; "
                  f"{len(result.issues)} issue(s).", markup=False)
    for line in ledger_lines(result):
        console.print(line, markup=False)
    for path in written:
        console.print(f"wrote {path}", markup=False)
