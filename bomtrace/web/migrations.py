"""The case store's schema, as numbered migrations; `PRAGMA user_version` records how far a database is.

Add a migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

from bomtrace.errors import BomtraceError

MIGRATIONS: tuple[str, ...] = (
    # 1: cases, analysis versions, review decisions and the audit log
    """
    CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        uploader TEXT NOT NULL,
        created_at TEXT NOT NULL,
        filename TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL
    );
    CREATE INDEX cases_sha256 ON cases (sha256);
    CREATE TABLE analyses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        reason TEXT NOT NULL,
        requested_by TEXT NOT NULL DEFAULT '',
        mapping TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        decisions_applied INTEGER NOT NULL DEFAULT 0,
        catalogs TEXT NOT NULL DEFAULT '[]',
        sheets TEXT NOT NULL DEFAULT '[]',
        summary TEXT NOT NULL DEFAULT '{}',
        outputs TEXT NOT NULL DEFAULT '[]',
        UNIQUE (case_id, version)
    );
    CREATE INDEX analyses_status ON analyses (status);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        line_id TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'set_maker', 'set_part')),
        value TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX decisions_case ON decisions (case_id);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 2: the header row a person gave per sheet ('' for a CSV), where detection picked the wrong one
    """
    ALTER TABLE analyses ADD COLUMN header_rows TEXT NOT NULL DEFAULT '{}';
    """,
    # 3: the attribution basis each version ran on, and how far a running analysis has got
    """
    ALTER TABLE analyses ADD COLUMN basis TEXT NOT NULL DEFAULT 'brand' CHECK (basis IN ('brand', 'owner'));
    ALTER TABLE analyses ADD COLUMN lines_done INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE analyses ADD COLUMN lines_total INTEGER NOT NULL DEFAULT 0;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The migration number a database is at (0 when new)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: tuple[str, ...] = MIGRATIONS) -> int:
    """Apply each missing migration in its own transaction; refuse a database from a newer bomtrace."""
    current, latest = schema_version(conn), len(migrations)
    if current > latest:
        raise BomtraceError(
            f"The case database is at schema version {current}, newer than this bomtrace knows "
            f"({latest})",
            "Upgrade bomtrace, or point --data-dir at another folder.",
        )
    for number in range(current + 1, latest + 1):
        _apply(conn, number, migrations[number - 1])
    return schema_version(conn)


def _apply(conn: sqlite3.Connection, number: int, script: str) -> None:
    """One migration and its version bump, all or nothing."""
    statements = [s.strip() for s in script.split(";") if s.strip()]
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(number)}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
