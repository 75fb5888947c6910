"""The background worker: analysis threads ("lanes") that take queued analyses from the database and
run them, and cannot die quietly.

The queue is the database itself, so an analysis a crash left queued or running is found again at the
next start (running ones are put back in the queue first). One lane takes any analysis, oldest first;
another takes only those of small files, so a small case never waits minutes behind a large one. Any
exception in an analysis (a reader failing, MemoryError) marks it failed with a one-line reason and
the lane goes on; a database held locked past its timeout is tried again with back-off, for claiming
and for recording alike, until it answers or the worker is stopped. `state()` is what /health shows.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from bomtrace.catalogs import Catalog
from bomtrace.errors import BomtraceError
from bomtrace.ingest import NO_COLUMN_FIX
from bomtrace.models import Result
from bomtrace.web import library
from bomtrace.web.files import FileStore
from bomtrace.web.settings import Settings
from bomtrace.web.store import AnalysisRecord, Store, pauses

log = logging.getLogger(__name__)

#: The lanes: a name and the largest file (bytes) a lane takes, None for any.
LANES: tuple[tuple[str, int | None], ...] = (("any", None), ("small", 2 * 1024 * 1024))
#: Most often a running analysis records its progress.
PROGRESS_SECONDS = 0.5


@dataclass
class Lane:
    """One analysis thread and what it is doing, for /health (no case data)."""

    name: str
    max_size: int | None
    alive: bool = False
    #: when the analysis it runs started (the settings' clock), None when idle
    busy_since: str | None = None
    #: the last error the lane itself met (not an analysis's), one line, None once it recovers
    last_error: str | None = None
    done: int = 0
    failed: int = 0


def one_line(error: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Worker:
    """Lanes running queued analyses; survives any error in an analysis or in the database."""

    def __init__(self, settings: Settings, store: Store, files: FileStore,
                 lanes: tuple[tuple[str, int | None], ...] = LANES,
                 catalogs: Callable[[], Catalog] | None = None) -> None:
        """A worker over this store and these files, analysing with `catalogs` (the settings' unless
        given: the web app passes its unit layer); start() runs it."""
        self.settings, self.store, self.files = settings, store, files
        self.catalogs = catalogs or settings.catalogs
        self.lanes = [Lane(name, max_size) for name, max_size in lanes]
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._threads: list[threading.Thread] = []
        self._local = threading.local()  # the lane the current thread runs

    def start(self) -> None:
        """Start the lanes; the first puts back in the queue what a crash left running (waiting out a
        locked database if need be) before any lane claims an analysis. Never blocks."""
        for lane in self.lanes:
            thread = threading.Thread(target=self._loop, args=(lane,), name=f"bomtrace-worker-{lane.name}",
                                      daemon=True)
            self._threads.append(thread)
            thread.start()

    def _requeue(self) -> None:
        """Requeue what a crash left running, then let the lanes claim."""
        requeued = self._until_stored(self.store.requeue_interrupted, "requeue interrupted analyses") or 0
        if requeued:
            log.warning("picked up %d analysis(es) interrupted by a crash", requeued)
        self._ready.set()

    def wake(self) -> None:
        """Tell the lanes new work is queued."""
        with self._wake:
            self._wake.notify_all()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the current analyses finish, then end the lanes."""
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)

    def state(self) -> dict[str, Any]:
        """The lanes (alive, busy since, last error, counts): what /health reports."""
        return {"lanes": [asdict(lane) for lane in self.lanes],
                "alive": all(lane.alive for lane in self.lanes) and bool(self._threads)}

    def _loop(self, lane: Lane) -> None:
        """Claim and run queued analyses until stopped; wait for a wake-up (or a second) when none.
        Nothing an analysis or the database raises ends the loop."""
        lane.alive = True
        self._local.lane = lane
        wait = pauses()
        try:
            if lane is self.lanes[0]:
                self._requeue()
            while not self._ready.wait(0.5):
                if self._stop.is_set():
                    return
            while not self._stop.is_set():
                try:
                    job = self.store.claim_next(self.settings.clock(), lane.max_size)
                except Exception as error:  # noqa: BLE001 - a database locked past its timeout, a full disk
                    lane.last_error = one_line(error)
                    log.warning("worker lane %s cannot claim an analysis (%s); trying again", lane.name,
                                lane.last_error)
                    self._stop.wait(next(wait))
                    continue
                wait, lane.last_error = pauses(), None
                if job is None:
                    with self._wake:
                        self._wake.wait(1.0)
                    continue
                lane.busy_since = self.settings.clock()
                try:
                    ok = self.run(job)
                finally:
                    lane.busy_since = None
                lane.done += ok
                lane.failed += not ok
        finally:
            lane.alive = False

    def run(self, job: AnalysisRecord) -> bool:
        """Run one claimed analysis and record it done or failed (nothing it writes is seen half-made);
        True when it is done. Never raises."""
        try:
            return self._analyse(job)
        except BomtraceError as error:
            reason = error.message
        except Exception as error:  # a reader or writer failing in a way nobody foresaw, MemoryError
            log.exception("analysis %s v%d failed", job.case_id, job.version)
            reason = f"Internal error ({type(error).__name__}). The server log has the details."
        self._until_stored(lambda: self.store.fail(job.id, self.settings.clock(), reason), "record a failure")
        return False

    def _analyse(self, job: AnalysisRecord) -> bool:
        """The analysis itself: run, write, publish, record done."""
        case = self._until_stored(lambda: self.store.case(job.case_id), "read the case")
        if case is None:
            return False
        scratch = self.files.scratch("analysis-")
        try:
            source = scratch / "in" / case.filename
            source.parent.mkdir()
            os.symlink(self.files.blob(case.sha256), source)
            out = scratch / "out"
            out.mkdir()
            decisions = self._until_stored(lambda: self.store.decisions(case.id, upto=job.decisions_applied),
                                           "read the decisions") or []
            result = library.analyze(source, job.mapping, self.catalogs(), self.settings.limits,
                                     self.settings.clock(), job.header_rows, decisions, basis=job.basis,
                                     progress=self._progress(job))
            if not result.inputs:
                raise BomtraceError(*failure(result))
            written = library.write_all(result, out, review_url=f"/cases/{case.id}/review")
            sheets = sheet_ledgers(result, library.sheet_columns(result))
            summary = {**asdict(result.summary), "issues": len(result.issues), "decisions": len(decisions)}
            self.files.publish(out, case.id, job.version)
            catalogs = [asdict(c) for c in result.catalogs]
            done = self._until_stored(lambda: self.store.finish(
                job.id, self.settings.clock(), catalogs=catalogs, sheets=sheets, summary=summary,
                outputs=written), "record a finished analysis")
            if not done and self.store.case(case.id) is None:
                self.files.remove_case(case.id)  # deleted while it ran
            return True
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _progress(self, job: AnalysisRecord) -> Callable[[int, int], None]:
        """A progress callback that records lines done of total for the case page, at most every
        PROGRESS_SECONDS and at the end (a locked database only skips an update)."""
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done != total and now - last[0] < PROGRESS_SECONDS:
                return
            last[0] = now
            try:
                self.store.progress(job.id, done, total)
            except Exception as error:  # noqa: BLE001 - progress is a courtesy, never a reason to fail
                log.info("progress of %s v%d not recorded (%s)", job.case_id, job.version, one_line(error))

        return report

    def _until_stored(self, action: Callable[[], Any], what: str) -> Any:
        """`action()` against the store, tried again with back-off until it succeeds or the worker is
        stopped (then None: an analysis left running is requeued at the next start)."""
        wait = pauses()
        lane: Lane | None = getattr(self._local, "lane", None)
        while True:
            try:
                value = action()
            except Exception as error:  # noqa: BLE001 - whatever the store raises, the worker outlives it
                if lane is not None:
                    lane.last_error = one_line(error)
                if self._stop.is_set():
                    log.warning("worker stopped before it could %s (%s)", what, one_line(error))
                    return None
                log.warning("worker cannot %s (%s); trying again", what, one_line(error))
                self._stop.wait(next(wait))
                continue
            if lane is not None:
                lane.last_error = None
            return value


def failure(result: Result) -> tuple[str, str]:
    """Why an analysis read no input and how to fix it, in the web's words (the column editor, not
    command-line options)."""
    reason = result.issues[0].message if result.issues else "The file could not be read."
    if reason.endswith(NO_COLUMN_FIX):
        return (reason.removesuffix(NO_COLUMN_FIX).strip().rstrip("."),
                "Pick the header row and name the columns in the column editor, then run it again.")
    return reason.rstrip("."), "Correct the column mapping and run it again."


def sheet_ledgers(result: Result, sheets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The case page's sheets with each sheet's row ledger and unread columns beside what the library
    gives (header row, mapping, lines, headers)."""
    infos = result.inputs[0].sheets if result.inputs else []
    return [{**sheet, "ledger": info.ledger,
             "unread_columns": [asdict(c) for c in info.unread if c.reason != "ignored"]}
            for sheet, info in zip(sheets, infos, strict=False)]
