"""The background worker: takes queued analyses from the database one at a time and runs them.

The queue is the database itself, so an analysis a crash left queued or running is found again at the
next start (running ones are put back in the queue first).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from dataclasses import asdict

from bomtrace.errors import BomtraceError
from bomtrace.web import library
from bomtrace.web.files import FileStore
from bomtrace.web.settings import Settings
from bomtrace.web.store import AnalysisRecord, Store

log = logging.getLogger(__name__)


class Worker:
    """One thread running analyses in the order they were queued."""

    def __init__(self, settings: Settings, store: Store, files: FileStore) -> None:
        """A worker over this store and these files; start() runs it."""
        self.settings, self.store, self.files = settings, store, files
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Requeue what a crash left running and start the thread; returns how many were requeued."""
        requeued = self.store.requeue_interrupted()
        if requeued:
            log.warning("picked up %d analysis(es) interrupted by a crash", requeued)
        self._thread = threading.Thread(target=self._loop, name="bomtrace-worker", daemon=True)
        self._thread.start()
        return requeued

    def wake(self) -> None:
        """Tell the thread new work is queued."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the current analysis finish, then end the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        """Claim and run queued analyses until stopped; wait for a wake-up (or a second) when none."""
        while not self._stop.is_set():
            job = self.store.claim_next(self.settings.clock())
            if job is None:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            self.run(job)

    def run(self, job: AnalysisRecord) -> None:
        """Run one claimed analysis and record it done or failed; nothing it writes is seen half-made."""
        case = self.store.case(job.case_id)
        if case is None:
            return
        scratch = self.files.scratch("analysis-")
        try:
            source = scratch / "in" / case.filename
            source.parent.mkdir()
            os.symlink(self.files.blob(case.sha256), source)
            out = scratch / "out"
            out.mkdir()
            decisions = self.store.decisions(case.id, upto=job.decisions_applied)
            result = library.analyze(source, job.mapping, self.settings.catalogs(), self.settings.limits,
                                     self.settings.clock(), job.header_rows, decisions)
            if not result.inputs:
                reason = result.issues[0].message if result.issues else "The file could not be read."
                raise BomtraceError(reason.rstrip("."), "Correct the column mapping and run it again.")
            written = library.write_all(result, out)
            sheets = library.sheet_columns(result)
            summary = {**asdict(result.summary), "issues": len(result.issues), "decisions": len(decisions)}
            self.files.publish(out, case.id, job.version)
            catalogs = [asdict(c) for c in result.catalogs]
            done = self.store.finish(job.id, self.settings.clock(), catalogs=catalogs, sheets=sheets,
                                     summary=summary, outputs=written)
            if not done and self.store.case(case.id) is None:
                self.files.remove_case(case.id)  # deleted while it ran
        except BomtraceError as error:
            self.store.fail(job.id, self.settings.clock(), error.message)
        except Exception as error:
            log.exception("analysis %s v%d failed", job.case_id, job.version)
            self.store.fail(job.id, self.settings.clock(),
                            f"Internal error ({type(error).__name__}). The server log has the details.")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
