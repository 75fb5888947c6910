"""A real uvicorn server in a subprocess: SIGKILL during uploads and during an analysis leaves a
consistent store that the next start completes; 20 parallel uploads are all stored, none mixed up."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web_support import csv_bytes, free_port, real_server, wait_done, wait_until

PARTS = ["SN65HVD230", "TPS54331", "AD9364", "ADXL326", "MAX3232", "STM32F405RGT6", "STM32F103C8T6",
         "NEO-M8N", "XC7Z020", "IRF540N", "ADR03", "SN65HVD234"]


def check_consistent(data: Path, url: str) -> list[dict[str, Any]]:
    """Every case complete (file stored with its hash, analysis finished), nothing half-made left."""
    with sqlite3.connect(data / "bomtrace.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cases: list[dict[str, Any]] = httpx.get(f"{url}/api/cases").json()
    for case in cases:
        blob = data / "blobs" / case["sha256"][:2] / case["sha256"]
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == case["sha256"]
        assert blob.stat().st_size == case["size"]
        assert wait_done(httpx.Client(base_url=url), case["id"], timeout=60)["status"] == "done"
    hashes, ids = {c["sha256"] for c in cases}, {c["id"] for c in cases}
    assert {p.name for p in (data / "blobs").glob("*/*")} == hashes
    assert {p.name for p in (data / "analyses").iterdir()} <= ids
    assert list((data / "tmp").iterdir()) == []
    return cases


def multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with the fields of an upload."""
    boundary = "----bomtrace-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n{name}\r\n'.encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n",
             f"--{boundary}--\r\n".encode()]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_sigkill_during_uploads_leaves_complete_cases_or_none(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    accepted: list[tuple[str, str]] = []
    stop = threading.Event()

    def keep_uploading(url: str) -> None:
        for n in range(200):  # bounded: ends at the kill or after 200 uploads
            if stop.is_set():
                return
            content = csv_bytes([["Part number", "Batch"], [PARTS[n % len(PARTS)], str(n)]])
            try:
                response = httpx.post(f"{url}/api/cases", files={"file": (f"u{n}.csv", content)},
                                      data={"name": f"steady {n}"}, timeout=10)
            except httpx.HTTPError:
                return
            if response.status_code == 201:
                accepted.append((response.json()["id"], hashlib.sha256(content).hexdigest()))

    with real_server(data, log) as (process, url):
        port = int(url.rsplit(":", 1)[1])
        body, content_type = multipart("half sent", "half.csv", b"Part number\n" + b"AD9364\n" * 400_000)
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(f"POST /api/cases HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body[: len(body) // 2])
        uploader = threading.Thread(target=keep_uploading, args=(url,))
        uploader.start()
        wait_until(lambda: len(accepted) >= 5, timeout=30)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stop.set()
        uploader.join(30)
        sock.close()
    with real_server(data, log) as (process, url):
        cases = check_consistent(data, url)
    names = {c["name"] for c in cases}
    assert "half sent" not in names
    by_id = {c["id"]: c for c in cases}
    for case_id, sha in accepted:  # every upload answered 201 survived the kill
        assert by_id[case_id]["sha256"] == sha
    assert len(cases) >= len(accepted) >= 5


def test_sigkill_during_an_analysis_is_picked_up_at_restart(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    rows = [["Part number", "Board"]] + [[PARTS[i % len(PARTS)], f"B{i % 7}"] for i in range(5_000)]
    with real_server(data, log) as (process, url):
        case_id = httpx.post(f"{url}/api/cases", files={"file": ("big.csv", csv_bytes(rows))}, timeout=60
                             ).json()["id"]
        wait_until(lambda: httpx.get(f"{url}/api/cases/{case_id}").json()["status"] == "running", timeout=30)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    with real_server(data, log) as (process, url):
        case = wait_done(httpx.Client(base_url=url), case_id, timeout=120)
        assert [(a["version"], a["status"]) for a in case["analyses"]] == [(1, "done")]
        assert httpx.get(f"{url}/api/cases/{case_id}/result", timeout=30).json()["summary"]["lines"] == 5_000
        check_consistent(data, url)
    assert "picked up 1 analysis(es) interrupted by a crash" in log.read_text()


def test_twenty_parallel_uploads_all_stored_none_mixed_up(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    start = threading.Barrier(20)

    def one(n: int) -> tuple[int, bytes, dict[str, Any]]:
        parts = [PARTS[(n + k) % len(PARTS)] for k in range(1 + n % 5)]
        content = csv_bytes([["Part number", "Sample"]] + [[p, f"S{n}"] for p in parts])
        start.wait(30)
        response = httpx.post(f"{url}/api/cases", files={"file": (f"upload-{n}.csv", content)},
                              data={"name": f"case {n}", "uploader": f"person {n}"}, timeout=60)
        assert response.status_code == 201, response.text
        return n, content, response.json()

    with real_server(data, log) as (_, url):
        with ThreadPoolExecutor(20) as pool:
            uploads = list(pool.map(one, range(20)))
        assert len({body["id"] for _, _, body in uploads}) == 20
        client = httpx.Client(base_url=url, timeout=30)
        for n, content, body in uploads:
            case = wait_done(client, body["id"], timeout=60)
            assert (case["name"], case["uploader"], case["filename"], case["status"]) == (
                f"case {n}", f"person {n}", f"upload-{n}.csv", "done")
            assert case["sha256"] == hashlib.sha256(content).hexdigest()
            result = client.get(f"/api/cases/{body['id']}/result").json()
            sent = [line.split(",")[0] for line in content.decode().splitlines()[1:]]
            assert [line["part_number"] for line in result["lines"]] == sent
            assert {line["sample"] for line in result["lines"]} == {f"S{n}"}
            archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/cases/{body['id']}/export").content))
            assert archive.read(f"original/upload-{n}.csv") == content
        assert len(client.get("/api/cases").json()) == 20


def test_the_serve_command_runs_the_app(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BOMTRACE_TOKEN": ""}
    process = subprocess.Popen([sys.executable, "-m", "bomtrace", "serve", "--port", str(port), "--data-dir",
                                str(tmp_path / "d")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env)
    try:
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                return httpx.get(f"{url}/api/cases", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, timeout=30, every=0.1)
        assert "Where did the parts come from?" in httpx.get(url).text
        assert (tmp_path / "d" / "bomtrace.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once shut down
    assert b"Application shutdown complete." in output


def test_a_second_server_on_the_same_data_folder_is_refused(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    with real_server(data, log):
        result = subprocess.run([sys.executable, "-m", "bomtrace", "serve", "--port", str(free_port()),
                                 "--data-dir", str(data)], capture_output=True, text=True, timeout=60, check=False,
                                env={**os.environ, "BOMTRACE_TOKEN": ""})
    assert result.returncode != 0
    assert f"Another bomtrace server is using {data}" in result.stdout + result.stderr


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests go to 127.0.0.1 directly, whatever proxy the environment names."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
