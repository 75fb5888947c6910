"""The case store: an embedded SQLite database (WAL) of cases, analysis versions, review decisions and
an audit log. Every write is one transaction; a connection is opened per call, so threads share nothing.
A database another connection holds locked is waited for (the busy timeout), then tried again with
back-off a few times before the error is raised; the worker goes on retrying after that.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from bomtrace.web.migrations import migrate

Status = Literal["queued", "running", "done", "failed"]
T = TypeVar("T")
#: seconds SQLite waits for another connection's lock before it answers "database is locked"
BUSY_TIMEOUT = 30.0
#: tries of an operation that meets a locked database, and the first and longest pause between them
ATTEMPTS, FIRST_PAUSE, LONGEST_PAUSE = 3, 0.1, 5.0


def is_locked(error: BaseException) -> bool:
    """Whether an error is SQLite's "database is locked" or "busy" (worth trying again)."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(error) or "database is busy" in str(error)


def pauses(first: float = FIRST_PAUSE, longest: float = LONGEST_PAUSE) -> Iterator[float]:
    """Back-off: first, twice that, ... up to longest, for ever."""
    pause = first
    while True:
        yield pause
        pause = min(pause * 2, longest)


@dataclass(frozen=True)
class CaseRecord:
    """A case: one uploaded file and who sent it, with its latest analysis's status and headline."""

    id: str
    name: str
    uploader: str
    created_at: str
    filename: str
    sha256: str
    size: int
    status: Status
    version: int
    headline: str


@dataclass(frozen=True)
class AnalysisRecord:
    """One analysis version of a case: what it was run with and what it found."""

    id: int
    case_id: str
    version: int
    status: Status
    reason: str
    requested_by: str
    mapping: dict[str, str]
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None
    decisions_applied: int
    catalogs: list[dict[str, Any]]
    sheets: list[dict[str, Any]]
    summary: dict[str, Any]
    outputs: list[str]
    header_rows: dict[str, int]
    #: the attribution basis this version ran on (brand or owner)
    basis: str = "brand"
    #: how far a running analysis has got: lines analysed of lines read
    lines_done: int = 0
    lines_total: int = 0


@dataclass(frozen=True)
class DecisionRecord:
    """A reviewer's decision on one line, with a note, a name and a time."""

    id: int
    case_id: str
    line_id: str
    decision: str
    value: str
    note: str
    reviewer: str
    created_at: str


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit log."""

    id: int
    at: str
    actor: str
    action: str
    case_id: str | None
    detail: dict[str, Any]


_CASE_SELECT = """
    SELECT c.*, a.status AS status, a.version AS version,
           COALESCE((SELECT json_extract(d.summary, '$.headline') FROM analyses d
                     WHERE d.case_id = c.id AND d.status = 'done' ORDER BY d.version DESC LIMIT 1), '')
           AS headline
    FROM cases c JOIN analyses a ON a.case_id = c.id
    AND a.version = (SELECT MAX(version) FROM analyses WHERE case_id = c.id)
"""


class Store:
    """The case database at `path`, created and migrated on open."""

    def __init__(self, path: Path, busy_timeout: float = BUSY_TIMEOUT, attempts: int = ATTEMPTS) -> None:
        """Open the database, in WAL mode, migrated to the latest schema. A locked database is waited for
        `busy_timeout` seconds at a time, `attempts` times with back-off between, before an operation fails."""
        self.path, self.busy_timeout, self.attempts = path, busy_timeout, attempts
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn)

    def _connect(self) -> sqlite3.Connection:
        """A new connection: autocommit, foreign keys on, full sync."""
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    def _retrying(self, action: Callable[[], T]) -> T:
        """`action()`, tried again with back-off while the database is locked (at most `attempts` times)."""
        wait = pauses()
        for attempt in range(1, self.attempts + 1):
            try:
                return action()
            except sqlite3.OperationalError as error:
                if not is_locked(error) or attempt == self.attempts:
                    raise
                time.sleep(next(wait))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none. Taking the write lock is what meets a
        locked database, so that is what is tried again."""
        with closing(self._connect()) as conn:
            self._retrying(lambda: conn.execute("BEGIN IMMEDIATE"))
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """The rows of one query."""
        def query() -> list[sqlite3.Row]:
            with closing(self._connect()) as conn:
                return conn.execute(sql, args).fetchall()

        return self._retrying(query)

    # --- cases ------------------------------------------------------------------------------------

    def create_case(self, *, name: str, uploader: str, filename: str, sha256: str, size: int,
                    now: str, mapping: Mapping[str, str] | None = None) -> CaseRecord:
        """A new case with analysis version 1 queued, and its audit entry, in one transaction."""
        case_id = secrets.token_hex(8)
        with self._tx() as conn:
            conn.execute("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (case_id, name, uploader, now, filename, sha256, size))
            _insert_analysis(conn, case_id, 1, "upload", uploader, mapping or {}, now)
            _audit(conn, now, uploader, "case.create", case_id,
                   {"name": name, "filename": filename, "sha256": sha256, "size": size})
        case = self.case(case_id)
        assert case is not None
        return case

    def cases(self) -> list[CaseRecord]:
        """Every case, newest first."""
        return [_case(row) for row in self._read(_CASE_SELECT + " ORDER BY c.created_at DESC, c.rowid DESC")]

    def case(self, case_id: str) -> CaseRecord | None:
        """One case, or None."""
        rows = self._read(_CASE_SELECT + " WHERE c.id = ?", (case_id,))
        return _case(rows[0]) if rows else None

    def delete_case(self, case_id: str, actor: str, now: str) -> CaseRecord | None:
        """Remove a case with its analyses and decisions; the audit log keeps what it was."""
        case = self.case(case_id)
        if case is None:
            return None
        with self._tx() as conn:
            counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table} WHERE case_id = ?",
                                          (case_id,)).fetchone()[0] for table in ("analyses", "decisions")}
            if conn.execute("DELETE FROM cases WHERE id = ?", (case_id,)).rowcount == 0:
                return None
            _audit(conn, now, actor, "case.delete", case_id,
                   {"name": case.name, "uploader": case.uploader, "filename": case.filename,
                    "sha256": case.sha256, "created_at": case.created_at, **counts})
        return case

    def references(self) -> tuple[set[str], set[str]]:
        """The file hashes and case ids the database refers to."""
        rows = self._read("SELECT id, sha256 FROM cases")
        return {row["sha256"] for row in rows}, {row["id"] for row in rows}

    def hash_in_use(self, sha256: str) -> bool:
        """Whether any case still refers to this stored file."""
        return bool(self._read("SELECT 1 FROM cases WHERE sha256 = ? LIMIT 1", (sha256,)))

    # --- analyses ---------------------------------------------------------------------------------

    def analyses(self, case_id: str) -> list[AnalysisRecord]:
        """Every analysis version of a case, newest first."""
        rows = self._read("SELECT * FROM analyses WHERE case_id = ? ORDER BY version DESC", (case_id,))
        return [_analysis(row) for row in rows]

    def analysis(self, case_id: str, version: int | None = None) -> AnalysisRecord | None:
        """One version of a case's analysis (the latest when version is None), or None."""
        if version is None:
            rows = self._read("SELECT * FROM analyses WHERE case_id = ? ORDER BY version DESC LIMIT 1",
                              (case_id,))
        else:
            rows = self._read("SELECT * FROM analyses WHERE case_id = ? AND version = ?", (case_id, version))
        return _analysis(rows[0]) if rows else None

    def request_analysis(self, case_id: str, *, reason: str, actor: str, now: str,
                         mapping: Mapping[str, str] | None = None, coalesce: bool = False,
                         header_rows: Mapping[str, int] | None = None, basis: str | None = None,
                         ) -> AnalysisRecord | None:
        """Queue a new version (latest mapping, header rows and basis unless given; with `coalesce`,
        reuse one still queued)."""
        with self._tx() as conn:
            return _request(conn, case_id, reason, actor, now, mapping, coalesce, header_rows, basis)

    def progress(self, analysis_id: int, done: int, total: int) -> None:
        """How far a running analysis has got (lines analysed of lines read)."""
        with self._tx() as conn:
            conn.execute("UPDATE analyses SET lines_done = ?, lines_total = ? WHERE id = ? AND status = 'running'",
                         (done, total, analysis_id))

    def record(self, *, actor: str, action: str, now: str, detail: Mapping[str, Any],
               case_id: str | None = None) -> None:
        """Append an entry to the audit log (a change to the unit's catalog, say)."""
        with self._tx() as conn:
            _audit(conn, now, actor, action, case_id, detail)

    def claim_next(self, now: str, max_size: int | None = None) -> AnalysisRecord | None:
        """Mark the oldest queued analysis running and return it, or None when none waits (of a case
        whose file is at most `max_size` bytes, when given)."""
        with self._tx() as conn:
            row = conn.execute(
                "UPDATE analyses SET status = 'running', started_at = ?, "
                "decisions_applied = COALESCE((SELECT MAX(id) FROM decisions WHERE case_id = "
                "analyses.case_id), 0) WHERE id = (SELECT a.id FROM analyses a JOIN cases c ON c.id = a.case_id "
                "WHERE a.status = 'queued' AND (? IS NULL OR c.size <= ?) ORDER BY a.id LIMIT 1) RETURNING *",
                (now, max_size, max_size)).fetchall()
        return _analysis(row[0]) if row else None

    def queue_counts(self) -> dict[str, int]:
        """How many analyses are queued and running."""
        rows = self._read("SELECT status, COUNT(*) AS n FROM analyses WHERE status IN ('queued', 'running') "
                          "GROUP BY status")
        counts = {"queued": 0, "running": 0}
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    def finish(self, analysis_id: int, now: str, *, catalogs: list[dict[str, Any]],
               sheets: list[dict[str, Any]], summary: dict[str, Any], outputs: list[str]) -> bool:
        """Mark a running analysis done with what it found; False when its case was deleted meanwhile."""
        with self._tx() as conn:
            return conn.execute(
                "UPDATE analyses SET status = 'done', finished_at = ?, catalogs = ?, sheets = ?, "
                "summary = ?, outputs = ?, error = NULL WHERE id = ? AND status = 'running'",
                (now, _dump(catalogs), _dump(sheets), _dump(summary), _dump(outputs), analysis_id),
            ).rowcount == 1

    def fail(self, analysis_id: int, now: str, error: str) -> None:
        """Mark a running analysis failed with a one-line reason."""
        with self._tx() as conn:
            conn.execute("UPDATE analyses SET status = 'failed', finished_at = ?, error = ? "
                         "WHERE id = ? AND status = 'running'", (now, error, analysis_id))

    def requeue_interrupted(self) -> int:
        """Put analyses a crash left running back in the queue; returns how many."""
        with self._tx() as conn:
            return conn.execute("UPDATE analyses SET status = 'queued', started_at = NULL "
                                "WHERE status = 'running'").rowcount

    # --- decisions and audit ----------------------------------------------------------------------

    def add_decision(self, case_id: str, *, line_id: str, decision: str, value: str, note: str,
                     reviewer: str, now: str) -> tuple[DecisionRecord, AnalysisRecord]:
        """Record a decision and queue the version that applies it (or join one queued), all at once."""
        with self._tx() as conn:
            row = conn.execute(
                "INSERT INTO decisions (case_id, line_id, decision, value, note, reviewer, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (case_id, line_id, decision, value, note, reviewer, now)).fetchall()[0]
            _audit(conn, now, reviewer, "decision.add", case_id,
                   {"decision_id": row["id"], "line_id": line_id, "decision": decision, "value": value})
            job = _request(conn, case_id, "decisions", reviewer, now, None, coalesce=True)
        assert job is not None  # the decision's foreign key needs the case
        return DecisionRecord(**dict(row)), job

    def decisions(self, case_id: str, upto: int | None = None) -> list[DecisionRecord]:
        """A case's decisions in the order made (those with id <= upto when given)."""
        rows = self._read("SELECT * FROM decisions WHERE case_id = ? AND id <= ? ORDER BY id",
                          (case_id, upto if upto is not None else 2**62))
        return [DecisionRecord(**dict(row)) for row in rows]

    def audit(self, case_id: str | None = None) -> list[AuditRecord]:
        """The audit log, oldest first (one case's entries when case_id is given)."""
        sql, args = "SELECT * FROM audit ORDER BY id", tuple[str, ...]()
        if case_id is not None:
            sql, args = "SELECT * FROM audit WHERE case_id = ? ORDER BY id", (case_id,)
        return [AuditRecord(row["id"], row["at"], row["actor"], row["action"], row["case_id"],
                            json.loads(row["detail"])) for row in self._read(sql, args)]


def _dump(value: object) -> str:
    """JSON for a text column, keys sorted."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _request(conn: sqlite3.Connection, case_id: str, reason: str, actor: str, now: str,
             mapping: Mapping[str, str] | None, coalesce: bool,
             header_rows: Mapping[str, int] | None = None, basis: str | None = None) -> AnalysisRecord | None:
    """Queue a new analysis version inside a transaction (see Store.request_analysis)."""
    latest = conn.execute("SELECT * FROM analyses WHERE case_id = ? ORDER BY version DESC LIMIT 1",
                          (case_id,)).fetchall()
    if not latest:
        return None
    if coalesce and latest[0]["status"] == "queued":
        return _analysis(latest[0])
    used = json.loads(latest[0]["mapping"]) if mapping is None else dict(mapping)
    rows = json.loads(latest[0]["header_rows"]) if header_rows is None else dict(header_rows)
    basis = basis or latest[0]["basis"]
    row = _insert_analysis(conn, case_id, latest[0]["version"] + 1, reason, actor, used, now, rows, basis)
    _audit(conn, now, actor, "analysis.request", case_id,
           {"version": row["version"], "reason": reason, "mapping": used, "header_rows": rows, "basis": basis})
    return _analysis(row)


def _insert_analysis(conn: sqlite3.Connection, case_id: str, version: int, reason: str, actor: str,
                     mapping: Mapping[str, str], now: str, header_rows: Mapping[str, int] | None = None,
                     basis: str = "brand") -> sqlite3.Row:
    """Insert a queued analysis version; returns its row."""
    row: sqlite3.Row = conn.execute(
        "INSERT INTO analyses (case_id, version, status, reason, requested_by, mapping, header_rows, basis, "
        "created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?) RETURNING *",
        (case_id, version, reason, actor, _dump(mapping), _dump(header_rows or {}), basis, now)).fetchall()[0]
    return row


def _audit(conn: sqlite3.Connection, now: str, actor: str, action: str, case_id: str | None,
           detail: Mapping[str, Any]) -> None:
    """Append one entry to the audit log."""
    conn.execute("INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)",
                 (now, actor, action, case_id, _dump(detail)))


def _case(row: sqlite3.Row) -> CaseRecord:
    """A case row as a record."""
    return CaseRecord(row["id"], row["name"], row["uploader"], row["created_at"], row["filename"],
                      row["sha256"], row["size"], row["status"], row["version"], row["headline"])


def _analysis(row: sqlite3.Row) -> AnalysisRecord:
    """An analysis row as a record, JSON columns decoded."""
    data = dict(row)
    for key in ("mapping", "catalogs", "sheets", "summary", "outputs", "header_rows"):
        data[key] = json.loads(data[key])
    return AnalysisRecord(**data)
