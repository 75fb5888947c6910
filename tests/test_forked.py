"""Work shared with forked processes: the same answer as one process, whatever a child does.

A child that fails or dies leaves its task to the caller; progress adds up every process's work; a
teardown analysed and reported by two processes gives the outputs one process gives."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bomtrace import forked
from bomtrace.analysis import analyze_lines
from bomtrace.catalogs import Catalog
from bomtrace.cli import app
from bomtrace.models import RawLine, Source
from bomtrace.pipeline import Options, run
from bomtrace.report import write_outputs
from tests.test_analysis import ROWS

Tick = Callable[[int], None]


def test_this_system_forks() -> None:
    assert forked.can_fork()  # Linux: a run that could not would quietly use one process


def test_a_process_with_another_thread_runs_every_task_itself() -> None:
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        pids = forked.run_tasks([lambda tick: os.getpid(), lambda tick: os.getpid()])
    finally:
        release.set()
        other.join()
    assert pids == [os.getpid(), os.getpid()]


def test_each_task_after_the_first_runs_in_its_own_child_and_results_keep_their_order() -> None:
    tasks = [lambda tick, n=n: (n, os.getpid()) for n in range(3)]
    results = forked.run_tasks(tasks)
    assert [n for n, _ in results] == [0, 1, 2]
    pids = [pid for _, pid in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


def test_a_long_list_comes_back_whole_and_in_order_though_sent_in_batches() -> None:
    count = 2 * forked.SEND_BATCH + 7
    items = forked.run_tasks([lambda tick: [], lambda tick: [(n, os.getpid()) for n in range(count)]])[1]
    assert [n for n, _ in items] == list(range(count))
    assert len({pid for _, pid in items} - {os.getpid()}) == 1  # all made by the one child


def test_a_task_that_fails_in_its_child_is_run_again_here(caplog: pytest.LogCaptureFixture) -> None:
    here = os.getpid()

    def fails_elsewhere(tick: Tick) -> str:
        if os.getpid() != here:
            raise MemoryError("the child ran out")
        return "done here"

    with caplog.at_level(logging.WARNING, logger="bomtrace.forked"):
        assert forked.run_tasks([lambda tick: "first", fails_elsewhere]) == ["first", "done here"]
    assert "MemoryError: the child ran out" in caplog.text


def test_a_child_that_dies_without_a_word_leaves_its_task_to_the_caller() -> None:
    here = os.getpid()

    def dies_elsewhere(tick: Tick) -> int:
        if os.getpid() != here:
            os._exit(3)
        return 7

    assert forked.run_tasks([lambda tick: 1, dies_elsewhere]) == [1, 7]


def test_progress_counts_the_work_of_every_process() -> None:
    seen: list[int] = []

    def child_work(tick: Tick) -> None:
        for done in range(1, 2 * forked.TICK_EVERY + 1):
            tick(done)

    def own_work(tick: Tick) -> None:
        done = 0
        while (not seen or seen[-1] < 2 * forked.TICK_EVERY + 1) and done < 10_000_000:
            done += 1
            tick(1)
    forked.run_tasks([own_work, child_work], seen.append)
    assert seen[-1] == 2 * forked.TICK_EVERY + 1  # the child's 1,000 (two reports) and this one's 1


def test_a_task_run_in_turn_counts_on_from_the_tasks_before_it() -> None:
    seen: list[int] = []

    def three(tick: Tick) -> None:
        for done in (1, 2, 3):
            tick(done)
    forked._in_turn([three, three], seen.append)
    assert seen == [1, 2, 3, 4, 5, 6]


def many_lines(count: int) -> list[RawLine]:
    """The analysis tests' illustrative rows again and again, each under its own row number."""
    return [RawLine(Source("t.xlsx", "Teardown", row), dict(fields), dict(fields))
            for row, fields in enumerate((ROWS * (count // len(ROWS) + 1))[:count], start=2)]


def test_lines_analysed_by_two_processes_are_those_one_process_gives(mini: Catalog,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "SHARED_FROM", 10)
    lines = many_lines(40)
    seen: list[tuple[int, int]] = []
    shared = analyze_lines(lines, mini, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert shared == analyze_lines(lines, mini)
    assert [r.line.source.row for r in shared] == list(range(2, 42))
    assert seen[-1] == (40, 40) and all(a <= b for (a, _), (b, _) in pairwise(seen))


def test_each_process_gets_at_least_half_the_threshold_of_lines(mini: Catalog, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setattr(forked, "SHARED_FROM", 20)
    shares: list[int] = []
    real = forked.run_tasks
    monkeypatch.setattr(forked, "run_tasks", lambda tasks, progress=None: shares.append(len(tasks)) or real(tasks, progress))
    lines = many_lines(40)
    assert analyze_lines(lines, mini, workers=8) == analyze_lines(lines, mini)
    assert shares == [4]  # 8 asked for, 10 lines each at least


def test_below_the_threshold_one_process_does_all(mini: Catalog) -> None:
    pids: set[int] = set()
    analyze_lines(many_lines(20), mini, workers=2, progress=lambda done, total: pids.add(os.getpid()))
    assert pids == {os.getpid()}


def cells(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [[(c.value, c.data_type, c.fill.fgColor.rgb) for c in row] for row in sheet.iter_rows()]
            for sheet in book.worksheets}


def test_reports_written_by_two_processes_are_those_one_process_writes(tmp_path: Path, mini: Catalog,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "SHARED_FROM", 10)
    teardown = tmp_path / "t.csv"
    teardown.write_text("Marking,Manufacturer,Qty\n" + "VP230,Texas Instruments,2\nLM358,,1\nAD9364,,x\n" * 8,
                        encoding="utf-8")
    options = Options(generated_at="2026-01-01T00:00:00+00:00")
    one = run([teardown], options, catalog=mini)
    two = run([teardown], Options(generated_at=options.generated_at, workers=2), catalog=mini)
    assert two == one
    alone = write_outputs(one, tmp_path / "one")
    shared = write_outputs(two, tmp_path / "two", workers=2)
    assert [p.name for p in shared] == [p.name for p in alone] == ["result.json", "lines.csv", "report.html",
                                                                   "report.xlsx"]
    for a, b in zip(alone, shared, strict=True):
        if a.suffix == ".xlsx":
            assert cells(a) == cells(b)
        else:
            assert a.read_bytes() == b.read_bytes()
    assert json.loads(shared[0].read_text(encoding="utf-8"))["summary"]["lines"] == 24


def test_the_workers_option_explains_when_processes_are_shared() -> None:
    help_text = CliRunner().invoke(app, ["analyze", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"}).output
    assert f"({forked.SHARED_FROM:,} lines or more)" in " ".join(help_text.split())
    assert f"at most {forked.DEFAULT_MOST}." in " ".join(help_text.split())
