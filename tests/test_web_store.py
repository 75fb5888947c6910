"""The case store on real SQLite and real files: migrations, the analysis queue, deletes, and the
clean-up of what a crash leaves half-made."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bomtrace.errors import BomtraceError
from bomtrace.web.files import FileStore
from bomtrace.web.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from bomtrace.web.store import Store

NOW = "2026-11-25T12:00:00+00:00"
SHA = "ab" * 32


def new_case(store: Store, name: str = "A", sha: str = SHA) -> str:
    return store.create_case(name=name, uploader="Ann", filename="t.csv", sha256=sha, size=10, now=NOW).id


def test_a_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    Store(tmp_path / "db.sqlite3")
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"cases", "analyses", "decisions", "audit"} <= tables


def test_reopening_keeps_the_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    case_id = new_case(Store(tmp_path / "db.sqlite3"))
    again = Store(tmp_path / "db.sqlite3")
    assert [c.id for c in again.cases()] == [case_id]


def test_a_database_of_schema_1_is_migrated_keeping_its_analyses(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        migrate(conn, MIGRATIONS[:1])
        conn.execute("INSERT INTO cases VALUES ('c1', 'A', 'Ann', ?, 't.csv', ?, 10)", (NOW, SHA))
        conn.execute("INSERT INTO analyses (case_id, version, status, reason, mapping, created_at) "
                     "VALUES ('c1', 1, 'done', 'upload', '{\"Chip\": \"part_number\"}', ?)", (NOW,))
    store = Store(tmp_path / "db.sqlite3")
    job = store.analysis("c1")
    assert job is not None and (job.mapping, job.header_rows) == ({"Chip": "part_number"}, {})


def test_a_database_of_a_newer_bomtrace_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(BomtraceError, match=f"schema version {SCHEMA_VERSION + 1}, newer than this bomtrace"):
        Store(tmp_path / "db.sqlite3")


def test_a_migration_that_fails_changes_nothing(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    broken = ("CREATE TABLE a (x)", "CREATE TABLE b (y); INSERT INTO missing VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="no such table: missing"):
        migrate(conn, broken)
    assert schema_version(conn) == 1
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"a"}


def test_the_queue_runs_oldest_first_and_coalesces_decision_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    first, second = new_case(store, "A"), new_case(store, "B")
    job = store.claim_next(NOW)
    assert job is not None and (job.case_id, job.version, job.status) == (first, 1, "running")
    _, queued = store.add_decision(first, line_id="t.csv::2", decision="accept", value="", note="",
                                   reviewer="Bob", now=NOW)
    _, again = store.add_decision(first, line_id="t.csv::3", decision="reject", value="", note="",
                                  reviewer="Bob", now=NOW)
    assert queued.version == again.version == 2  # both wait for the one queued version
    job = store.claim_next(NOW)
    assert job is not None and (job.case_id, job.version) == (second, 1)
    job = store.claim_next(NOW)
    assert job is not None and (job.case_id, job.version, job.decisions_applied) == (first, 2, 2)
    assert store.claim_next(NOW) is None


def test_interrupted_runs_are_requeued(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    case_id = new_case(store)
    store.claim_next(NOW)
    assert store.case(case_id).status == "running"  # type: ignore[union-attr]
    assert Store(tmp_path / "db.sqlite3").requeue_interrupted() == 1
    assert store.case(case_id).status == "queued"  # type: ignore[union-attr]


def test_a_run_finishing_after_its_case_was_deleted_is_not_recorded(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    case_id = new_case(store)
    job = store.claim_next(NOW)
    assert job is not None
    deleted = store.delete_case(case_id, "Ann", NOW)
    assert deleted is not None and deleted.name == "A"
    assert not store.finish(job.id, NOW, catalogs=[], sheets=[], summary={}, outputs=[])
    assert store.audit(case_id)[-1].detail["analyses"] == 1


def test_collect_removes_only_what_nothing_refers_to(tmp_path: Path) -> None:
    files = FileStore(tmp_path)
    kept_source, orphan_source = tmp_path / "k", tmp_path / "o"
    kept_source.write_bytes(b"kept")
    orphan_source.write_bytes(b"orphan")
    kept = files.put_blob(kept_source, "aa" * 32)
    orphan = files.put_blob(orphan_source, "bb" * 32)
    (files.analysis_dir("0123456789abcdef", 1)).mkdir(parents=True)
    (files.analysis_dir("fedcba9876543210", 1)).mkdir(parents=True)
    scratch = files.scratch("upload-")
    (scratch / "half.xlsx").write_bytes(b"PK")
    removed = files.collect({"aa" * 32}, {"0123456789abcdef"})
    assert kept.read_bytes() == b"kept" and not orphan.exists() and not scratch.exists()
    assert files.analysis_dir("0123456789abcdef", 1).exists()
    assert not files.analysis_dir("fedcba9876543210", 1).parent.exists()
    assert len(removed) == 3


def test_paths_are_built_only_from_checked_ids(tmp_path: Path) -> None:
    files = FileStore(tmp_path)
    with pytest.raises(ValueError):
        files.blob("../../etc/passwd")
    with pytest.raises(ValueError):
        files.analysis_dir("../x", 1)
