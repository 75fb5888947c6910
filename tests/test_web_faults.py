"""The web app under real faults (no mocks): a database held locked from another connection past the
busy timeout, an upload whose reader fails, an analysis that raises what nobody foresaw, crafted
uploads of every kind. The worker marks what fails with its one-line reason and the next job
completes; /health (no token, no case data) says how the worker is; bad query integers answer 422."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from bomtrace.catalogs import Catalog
from bomtrace.web.files import FileStore
from bomtrace.web.settings import Settings
from bomtrace.web.store import Store
from bomtrace.web.worker import Worker
from tests import crafted
from tests.web_support import (
    GOOD_CSV,
    TestClient,
    app_client,
    mini_catalog,
    real_server,
    wait_done,
    wait_until,
)

TOKEN = "a-long-token-for-the-tests-0123"
NOW = "2026-01-01T00:00:00+00:00"


def upload(client: Any, content: bytes, filename: str, headers: dict[str, str] | None = None) -> Any:
    return client.post("/api/cases", files={"file": (filename, content)}, headers=headers or {})


def new_case(store: Store, files: FileStore, content: bytes = GOOD_CSV, name: str = "t.csv") -> str:
    """A case stored the way an upload stores it (file by hash, analysis 1 queued)."""
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    source = files.scratch("test-") / name
    source.write_bytes(content)
    files.put_blob(source, sha)
    return store.create_case(name=name, uploader="test", filename=name, sha256=sha, size=len(content), now=NOW).id


def test_a_database_locked_past_the_busy_timeout_is_waited_out_and_the_job_completes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    catalog = mini_catalog()
    db = data / "bomtrace.sqlite3"
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    lock_during_analysis = threading.Event()

    def catalogs() -> Catalog:
        """The catalog; for the second case, another connection takes the write lock mid-analysis."""
        if lock_during_analysis.is_set():
            holder.execute("BEGIN IMMEDIATE")
        return catalog

    settings = Settings(data_dir=data, catalogs=catalogs, clock=lambda: NOW)
    store, files = Store(db, busy_timeout=0.2, attempts=2), FileStore(data)
    first = new_case(store, files)
    holder.execute("BEGIN IMMEDIATE")  # another connection holds the write lock before the worker starts
    worker = Worker(settings, store, files)
    try:
        worker.start()
        lane = wait_until(lambda: next((lane for lane in worker.state()["lanes"] if lane["last_error"]), None), 30)
        assert lane["last_error"] == "OperationalError: database is locked"
        assert store.analysis(first).status == "queued"
        holder.execute("ROLLBACK")
        wait_until(lambda: store.analysis(first).status == "done", 30)
        lock_during_analysis.set()
        second = new_case(store, files, GOOD_CSV + b"LM358,\n", "u.csv")
        worker.wake()
        wait_until(lambda: any(lane["last_error"] for lane in worker.state()["lanes"]), 30)
        assert store.analysis(second).status == "running"  # its result cannot be recorded yet
        lock_during_analysis.clear()
        holder.execute("ROLLBACK")
        wait_until(lambda: store.analysis(second).status == "done", 30)
        third = new_case(store, files, GOOD_CSV + b"ADR03,\n", "v.csv")
        worker.wake()
        wait_until(lambda: store.analysis(third).status == "done", 30)
        assert all(lane["alive"] and lane["last_error"] is None for lane in worker.state()["lanes"])
    finally:
        holder.close()
        worker.stop()


def test_an_analysis_raising_what_nobody_foresaw_fails_alone(tmp_path: Path) -> None:
    calls = {"n": 0}
    catalog = mini_catalog()

    def catalogs() -> Catalog:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("catalog folder vanished")
        return catalog

    with app_client(tmp_path / "data", catalogs=catalogs) as client:
        broken = upload(client, GOOD_CSV, "first.csv").json()["id"]
        case = wait_done(client, broken)
        assert (case["status"], case["analyses"][0]["error"]) == (
            "failed", "Internal error (RuntimeError). The server log has the details.")
        assert wait_done(client, upload(client, GOOD_CSV, "next.csv").json()["id"])["status"] == "done"


#: crafted upload -> the answer it gets at upload (413/422), or "failed"/"done" after its analysis
UPLOADS = {
    "zip bomb .xlsx": 413, "zip bomb .xlsm": 413, "zip bomb .xls": 413, "zip bomb .ods": 413,
    "zip bomb .csv": 413,
    "far cell (XFD)": "done", "huge merge A1:XFD1048576": "done", "NUL and RTL text": "done",
    "repeated columns .ods": "failed",  # the reader fails in its child process; the server does not
    "1M-row sheet .xlsx": "failed",  # the upload check reads the first rows only; the analysis refuses it
    "1M-row sheet .csv": "failed",
}


def test_crafted_uploads_cost_one_line_each_and_the_server_keeps_analysing(tmp_path: Path) -> None:
    assert set(UPLOADS) == set(crafted.CRAFTED)
    with app_client(tmp_path / "data") as client:
        for name, outcome in UPLOADS.items():
            filename, make = crafted.CRAFTED[name]
            response = upload(client, make(), filename)
            if isinstance(outcome, int):
                assert response.status_code == outcome, (name, response.text)
                assert "\n" not in response.json()["detail"]
                continue
            assert response.status_code == 201, (name, response.text)
            case = wait_done(client, response.json()["id"], timeout=60)
            assert case["status"] == outcome, (name, case["analyses"][0]["error"])
            if outcome == "failed":
                error = case["analyses"][0]["error"]
                assert filename in error and "\n" not in error
        good = wait_done(client, upload(client, GOOD_CSV, "good.csv").json()["id"])
        assert good["status"] == "done"
        assert client.get("/health").json()["status"] == "ok"


def test_nul_and_direction_overrides_reach_no_download_and_no_name(tmp_path: Path) -> None:
    with app_client(tmp_path / "data") as client:
        response = client.post("/api/cases", files={"file": ("a\u202ecod.csv", crafted.nul_and_rtl())},
                               data={"name": "case \u202eeman\x00", "uploader": "Ann\u2066"})
        case = wait_done(client, response.json()["id"])
        assert (case["filename"], case["name"], case["uploader"]) == ("a_cod.csv", "case eman", "Ann")
        for fmt in ("html", "csv", "json"):
            body = client.get(f"/api/cases/{case['id']}/download/{fmt}").text
            assert not any(c in body for c in "\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), fmt


def test_an_upload_mapping_a_header_the_file_lacks_is_refused_naming_the_headers(client: TestClient) -> None:
    response = client.post("/api/cases", files={"file": ("t.csv", GOOD_CSV)}, data={"mapping": "Chip=part_number"})
    assert (response.status_code, response.json()["detail"]) == (
        422, ("No sheet has a column headed 'Chip', named in the column mapping. Headers found: 'Marking', "
              "'Manufacturer'."))


def test_health_needs_no_token_and_shows_no_case_data(tmp_path: Path) -> None:
    with app_client(tmp_path / "data", token=TOKEN) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        case_id = upload(client, GOOD_CSV, "secret-name.csv", auth).json()["id"]
        wait_done(client, case_id, headers=auth)
        response = client.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok" and body["queue"] == {"queued": 0, "running": 0}
        assert [(lane["name"], lane["alive"]) for lane in body["worker"]["lanes"]] == [("any", True),
                                                                                       ("small", True)]
        assert sum(lane["done"] for lane in body["worker"]["lanes"]) == 1
        assert case_id not in response.text and "secret-name" not in response.text
        assert client.get("/api/cases").status_code == 401


@pytest.mark.parametrize("path", ["/api/cases/{id}/result", "/api/cases/{id}/download/json", "/cases/{id}/report",
                                  "/api/cases/{id}/review"])
@pytest.mark.parametrize("version", ["99999999999999999999", "0", "-3"])
def test_a_version_no_database_holds_answers_422(client: TestClient, path: str, version: str) -> None:
    case_id = upload(client, GOOD_CSV, "t.csv").json()["id"]
    wait_done(client, case_id)
    response = client.get(path.format(id=case_id) + f"?version={version}", headers={"accept": "application/json"})
    assert response.status_code == 422
    assert f"Version {version} is not an analysis version" in response.text


def test_a_small_case_is_claimed_past_a_large_one_by_the_small_lane(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store, files = Store(data / "bomtrace.sqlite3"), FileStore(data)
    large = new_case(store, files, GOOD_CSV + b"LM358,\n" * 300_000, "large.csv")
    small = new_case(store, files, GOOD_CSV, "small.csv")
    assert store.claim_next(NOW, max_size=2 * 1024 * 1024).case_id == small
    assert store.claim_next(NOW).case_id == large


def test_a_real_server_survives_crafted_uploads_and_keeps_analysing(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    with real_server(data, log) as (process, url):
        client = httpx.Client(base_url=url, timeout=60)
        ids = []
        for name in ("zip bomb .xls", "zip bomb .ods", "repeated columns .ods", "1M-row sheet .csv"):
            filename, make = crafted.CRAFTED[name]
            response = upload(client, make(), filename)
            assert response.status_code in (201, 413), response.text
            if response.status_code == 201:
                ids.append(response.json()["id"])
        for case_id in ids:
            assert wait_done(client, case_id, timeout=60)["status"] == "failed"
        good = wait_done(client, upload(client, GOOD_CSV, "good.csv").json()["id"], timeout=60)
        assert good["status"] == "done"
        assert process.poll() is None
        assert client.get("/health").json()["status"] == "ok"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests go to 127.0.0.1 directly, whatever proxy the environment names."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
