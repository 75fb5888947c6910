"""What the web app does, once, for both the pages and the JSON API: upload, analyse, review, delete,
export. Routes only parse a request, call one of these and shape the answer."""

from __future__ import annotations

import fcntl
import io
import json
import logging
import sqlite3
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bomtrace import resources
from bomtrace.errors import BomtraceError
from bomtrace.ingest import clean, parse_mapping
from bomtrace.models import BASES
from bomtrace.vocabulary import DECISIONS, DECISIONS_WITH_VALUE, split_assignment
from bomtrace.web import library
from bomtrace.web.files import FileStore
from bomtrace.web.problems import Problem, not_found
from bomtrace.web.settings import Settings
from bomtrace.web.store import AnalysisRecord, CaseRecord, DecisionRecord, Store
from bomtrace.web.unit import UnitCatalog
from bomtrace.web.uploads import Readable, receive
from bomtrace.web.worker import Worker

if TYPE_CHECKING:
    from bomtrace.compare import Comparison

log = logging.getLogger(__name__)

MAX_NAME = 200
#: The folder of the data folder that holds the unit's own catalog layer.
UNIT_CATALOG = "catalog"
MAX_NOTE = 2000


def clean_text(value: str | None, what: str, limit: int = MAX_NAME, required: bool = False) -> str:
    """A form or JSON text field trimmed, without control or direction-override characters (as cells are
    read), within its length limit, present when required (else 422)."""
    value = clean(value or "") if limit <= MAX_NAME else clean((value or "").replace("\r\n", "\n"))
    text = " ".join(value.split()) if limit <= MAX_NAME else value.strip()
    if required and not text:
        raise Problem(422, f"The {what} is missing. Fill it in and send again.")
    if len(text) > limit:
        raise Problem(422, f"The {what} is over {limit} characters. Shorten it.")
    return text


def map_lines(text: str | None) -> dict[str, str]:
    """Column mapping written one HEADER=FIELD a line (as the CLI's --map), e.g. 'Позначка=marking'."""
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        pair = split_assignment(line)
        if pair is None:
            raise Problem(422, f"Mapping line {number} {line.strip()!r} is not HEADER=FIELD. Write one "
                               "column a line, e.g. Позначка=marking.")
        mapping[pair[0]] = pair[1]
    return mapping


def checked_mapping(mapping: dict[str, str]) -> dict[str, str]:
    """A column mapping with clean headers and known fields (else 422 naming the fields)."""
    mapping = {clean_text(k, "column header", required=True): v.strip() for k, v in mapping.items()}
    try:
        parse_mapping(mapping)
    except ValueError as error:
        raise Problem(422, f"{str(error).replace(' in --map', '').capitalize()}.") from None
    return mapping


MAX_HEADER_ROW = 1_048_576  # the last row of an Excel sheet
MAX_VERSION = 2**31 - 1


def checked_header_rows(rows: Mapping[str, object]) -> dict[str, int]:
    """Header rows by sheet name ('' for a CSV): whole numbers from 1 (else 422 naming the sheet)."""
    checked = {}
    for sheet, number in rows.items():
        name = clean_text(sheet, "sheet name")
        value = str(number).strip()
        if not value.isdigit() or not 1 <= int(value) <= MAX_HEADER_ROW:
            raise Problem(422, f"The header row {value!r} of sheet {name or 'CSV'!r} is not a row number. "
                               f"Give a whole number from 1 to {MAX_HEADER_ROW:,}.")
        checked[name] = int(value)
    return checked


class Service:
    """One data folder's cases; owns the store, the files and the worker."""

    def __init__(self, settings: Settings) -> None:
        """Open (and migrate) the store under the data folder; nothing runs until start()."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock_file = _lock(settings.data_dir)
        self.settings = settings
        self.files = FileStore(settings.data_dir)
        self.store = Store(settings.data_dir / "bomtrace.sqlite3")
        #: the server's catalog with the makers this unit added on top: what every analysis uses
        self.unit = UnitCatalog(settings.catalogs, settings.data_dir / UNIT_CATALOG, self.store, settings.clock)
        self.worker = Worker(settings, self.store, self.files, catalogs=self.unit)
        self._blobs = threading.Lock()

    def start(self) -> None:
        """Clear what a crash left half-made, then start the worker (which requeues interrupted runs)."""
        hashes, case_ids = self.store.references()
        self.files.collect(hashes, case_ids)
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker and release the data folder."""
        self.worker.stop()
        self._lock_file.close()

    def now(self) -> str:
        """The time now, from the settings' clock."""
        return self.settings.clock()

    def health(self) -> dict[str, Any]:
        """The worker's state and the queue's length, without case data: status "ok" while every lane
        runs and the database answers."""
        worker = self.worker.state()
        try:
            queue: dict[str, int] | None = self.store.queue_counts()
        except sqlite3.Error as error:
            queue, worker["database"] = None, f"{type(error).__name__}: {error}"[:200]
        status = "ok" if worker["alive"] and queue is not None else "degraded"
        return {"status": status, "worker": worker, "queue": queue}

    # --- cases ------------------------------------------------------------------------------------

    async def upload(self, upload: Readable, name: str | None, uploader: str | None,
                     mapping: dict[str, str] | None = None) -> CaseRecord:
        """Check an upload, store it by hash and create its case with analysis 1 queued."""
        uploader = clean_text(uploader, "uploader's name") or "anonymous"
        name = clean_text(name, "case name")
        mapping = checked_mapping(mapping or {})
        checked = await receive(upload, self.files.scratch("upload-"), self.settings.max_upload_bytes,
                                self.settings.limits, mapping)
        try:
            with self._blobs:
                self.files.put_blob(checked.path, checked.sha256)
                case = self.store.create_case(name=name or checked.filename, uploader=uploader,
                                              filename=checked.filename, sha256=checked.sha256,
                                              size=checked.size, now=self.now(), mapping=mapping)
        finally:
            self.files.discard(checked.path.parent)
        self.worker.wake()
        return case

    async def add_example(self) -> CaseRecord | None:
        """Upload the shipped illustrative teardown as a case, through the same checks as any upload,
        unless the data folder already has cases."""
        if self.store.cases():
            return None
        example = resources.examples_dir() / "illustrative-teardown.xlsx"
        return await self.upload(FileReadable(example), "Illustrative teardown (example)", "bomtrace demo")

    def case(self, case_id: str) -> CaseRecord:
        """A case, or 404."""
        case = self.store.case(case_id)
        if case is None:
            raise not_found()
        return case

    def delete(self, case_id: str, actor: str | None) -> CaseRecord:
        """Remove a case, its outputs and (if no other case shares it) its file; the audit log keeps it."""
        with self._blobs:
            case = self.store.delete_case(case_id, clean_text(actor, "name") or "anonymous", self.now())
            if case is None:
                raise not_found()
            if not self.store.hash_in_use(case.sha256):
                self.files.remove_blob(case.sha256)
        self.files.remove_case(case_id)
        return case

    # --- analyses ---------------------------------------------------------------------------------

    def analyse_again(self, case_id: str, mapping: dict[str, str] | None, actor: str | None,
                      reason: str = "rerun", header_rows: Mapping[str, object] | None = None,
                      basis: str | None = None) -> AnalysisRecord:
        """Queue a new analysis version, with a corrected column mapping, header rows or basis when
        given (None keeps the latest ones)."""
        if mapping is not None:
            mapping = checked_mapping(mapping)
        rows = checked_header_rows(header_rows) if header_rows is not None else None
        if basis is not None and basis not in BASES:
            raise Problem(422, f"Unknown basis {basis!r}. Use brand (the company named on the part) or owner "
                               "(its ultimate parent).", field="basis")
        latest = self.store.analysis(case_id)
        changed_basis = basis is not None and latest is not None and basis != latest.basis
        corrected = mapping is not None or rows is not None
        why = "mapping" if corrected else "basis" if changed_basis else reason
        job = self.store.request_analysis(case_id, reason=why, actor=clean_text(actor, "name") or "anonymous",
                                          now=self.now(), mapping=mapping, header_rows=rows, basis=basis)
        if job is None:
            raise not_found()
        self.worker.wake()
        return job

    def analysis(self, case_id: str, version: int | None = None) -> AnalysisRecord:
        """One analysis version (the latest by default), or 404; 422 for a version that is no whole number
        from 1 (a query string can carry any integer, and SQLite takes at most 64 bits)."""
        if version is not None and not 1 <= version <= MAX_VERSION:
            raise Problem(422, f"Version {version} is not an analysis version. Give a whole number from 1 to "
                               f"{MAX_VERSION:,}, or leave it out for the latest.")
        self.case(case_id)
        job = self.store.analysis(case_id, version)
        if job is None:
            raise not_found(f"No analysis version {version} of this case")
        return job

    def done(self, case_id: str, version: int | None = None) -> AnalysisRecord:
        """An analysis that has finished (the latest by default); 409 while it is queued, running or failed."""
        job = self.analysis(case_id, version)
        if job.status == "failed":
            raise Problem(409, f"Analysis version {job.version} failed: {job.error} "
                               "Correct the mapping and run it again.")
        if job.status != "done":
            raise Problem(409, f"Analysis version {job.version} is {job.status}. Try again in a moment.")
        return job

    def output(self, job: AnalysisRecord, fmt: str) -> Path:
        """The file of one download format of a finished analysis, or 404."""
        name = library.DOWNLOADS.get(fmt)
        if name is None or name not in job.outputs:
            raise Problem(404, f"No {fmt!r} output for this analysis. Choose one of: "
                               f"{', '.join(f for f, n in library.DOWNLOADS.items() if n in job.outputs)}.")
        return self.files.analysis_dir(job.case_id, job.version) / name

    def result(self, job: AnalysisRecord) -> dict[str, Any]:
        """The result.json of a finished analysis."""
        data: dict[str, Any] = json.loads(self.output(job, "json").read_text(encoding="utf-8"))
        return data

    def sheets(self, case: CaseRecord, analyses: list[AnalysisRecord]) -> list[dict[str, Any]]:
        """The sheets the column editor shows: as the latest analysis that read the file found them, or,
        when none could (no header recognised), each sheet's first rows with a header row offered."""
        found = next((a.sheets for a in analyses if a.status == "done" and a.sheets), None)
        if found is not None:
            return found
        if not analyses or analyses[0].status != "failed":
            return []
        try:
            return library.preview(self.files.blob(case.sha256), self.settings.limits, case.filename)
        except Exception as error:  # noqa: BLE001 - a file no reader takes has nothing to preview
            log.info("no preview of case %s (%s)", case.id, type(error).__name__)
            return []

    def review_queue(self, job: AnalysisRecord) -> list[str]:
        """The ids of the lines up for review in a finished analysis."""
        path = self.files.analysis_dir(job.case_id, job.version) / library.REVIEW_FILE
        queue: list[str] = json.loads(path.read_text(encoding="utf-8"))
        return queue

    # --- review -----------------------------------------------------------------------------------

    def decide(self, case_id: str, *, line_id: str | None, decision: str | None, value: str | None,
               note: str | None, reviewer: str | None) -> tuple[DecisionRecord, AnalysisRecord]:
        """Record a decision on a line of the latest finished analysis and queue a version applying it."""
        self.case(case_id)
        reviewer = clean_text(reviewer, "reviewer's name", required=True)
        if decision not in DECISIONS:
            raise Problem(422, f"Unknown decision {decision!r}. Use one of: {', '.join(DECISIONS)}.")
        value = clean_text(value, "value", required=decision in DECISIONS_WITH_VALUE)
        note = clean_text(note, "note", limit=MAX_NOTE)
        line_id = clean_text(line_id, "line id", limit=1000, required=True)
        latest = next((a for a in self.store.analyses(case_id) if a.status == "done"), None)
        if latest is None:
            raise Problem(409, "No finished analysis to review yet. Try again when it is done.")
        if line_id not in {line["id"] for line in self.result(latest)["lines"]}:
            raise Problem(422, f"No line {line_id!r} in this case. Use an id from the result's lines.")
        if decision == "set_maker":
            value = self.unit.maker_id(value)  # the id is stored, never the typed name
        record, job = self.store.add_decision(case_id, line_id=line_id, decision=decision, value=value,
                                              note=note, reviewer=reviewer, now=self.now())
        self.worker.wake()
        return record, job

    # --- compare ----------------------------------------------------------------------------------

    def comparison(self, case_ids: list[str]) -> Comparison:
        """The chosen cases' latest finished analyses side by side (by bomtrace.compare)."""
        from bomtrace.compare import comparison, teardown_from_dict

        if not 2 <= len(set(case_ids)) <= 20:
            raise Problem(422, "Choose between 2 and 20 cases to compare.")
        teardowns = []
        for case_id in dict.fromkeys(case_ids):
            case = self.case(case_id)
            job = next((a for a in self.store.analyses(case_id) if a.status == "done"), None)
            if job is None:
                raise Problem(409, f"Case {case.name!r} has no finished analysis yet. Try again in a moment.")
            teardowns.append(teardown_from_dict(f"{case.name} (v{job.version})", self.result(job)))
        return comparison(teardowns, self.now())

    # --- export -----------------------------------------------------------------------------------

    def export(self, case_id: str) -> bytes:
        """A zip of the original file, every analysis's outputs, every decision and the case's audit log."""
        case = self.case(case_id)
        analyses = self.store.analyses(case_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(self.files.blob(case.sha256), f"original/{case.filename}")
            for job in analyses:
                folder = self.files.analysis_dir(case_id, job.version)
                for name in job.outputs if job.status == "done" else []:
                    archive.write(folder / name, f"analyses/v{job.version}/{name}")
            _json(archive, "case.json", {"case": asdict(case), "analyses": [asdict(a) for a in analyses]})
            _json(archive, "decisions.json", [asdict(d) for d in self.store.decisions(case_id)])
            _json(archive, "audit.json", [asdict(a) for a in self.store.audit(case_id)])
        return buffer.getvalue()


class FileReadable:
    """A file on disk offered as an upload."""

    def __init__(self, path: Path) -> None:
        self.filename: str | None = path.name
        self._handle = path.open("rb")

    async def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; the file is closed at its end."""
        chunk = self._handle.read(size)
        if not chunk:
            self._handle.close()
        return chunk


def _json(archive: zipfile.ZipFile, name: str, value: object) -> None:
    """Write one JSON file into the zip."""
    archive.writestr(name, json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _lock(folder: Path) -> IO[str]:
    """Hold an exclusive lock on the data folder so two servers never share one (and its queue)."""
    handle = (folder / ".lock").open("a")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BomtraceError(f"Another bomtrace server is using {folder}",
                            "Stop it, or give this one another --data-dir.") from None
    return handle
