"""Shared by the tests of `bomtrace serve`: teardown files of real parts (from the mini catalog), an
in-process app over a fresh data folder, a real uvicorn server in a subprocess, and bounded waits."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.web.app import create_app
from bomtrace.web.settings import Settings
from tests.conftest import MINI
from tests.crafted import workbook

with warnings.catch_warnings():  # Starlette would rather have httpx2; httpx works the same here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]  # re-exported for the test modules

BASE = "http://127.0.0.1"
#: 'Chip' is a column bomtrace does not know: mapping it to part_number adds the two maker-less rows.
MAPPING_ROWS = [
    ["Board", "Chip", "Maker"],
    ["FC", "SN65HVD230", "Texas Instruments"],
    ["FC", "STM32F405RGT6", ""],
    ["GNSS", "NEO-M8N", ""],
    ["RF", "AD9364", "Analog Devices"],
    ["FC", "LM358", "?"],
]
GOOD_CSV = b"Marking,Manufacturer\nVP230,Texas Instruments\nLM358,\nADXL326,Analog Devices\n"


def mini_catalog() -> Catalog:
    """The small catalog of real parts, without the shipped one."""
    return load_catalogs([MINI], shipped=False)


@contextmanager
def app_client(data_dir: Path, catalogs: Callable[[], Catalog] | None = None, **settings: Any
               ) -> Iterator[TestClient]:
    """The app in-process over `data_dir` (mini catalog unless given), its worker running."""
    catalog = mini_catalog()
    app = create_app(Settings(data_dir=data_dir, catalogs=catalogs or (lambda: catalog), **settings))
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield client


def xlsx_bytes(rows: list[list[Any]], sheet: str = "Teardown") -> bytes:
    """A workbook with one sheet of these rows."""
    return workbook(rows, sheet)


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV of these rows."""
    return "".join(",".join(row) + "\n" for row in rows).encode("utf-8")


def wait_until(check: Callable[[], Any], timeout: float = 30.0, every: float = 0.05) -> Any:
    """Call `check` until it returns something truthy, at most `timeout` seconds; then fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up after {timeout} s waiting for {check}")


def wait_done(client: Any, case_id: str, timeout: float = 30.0, headers: dict[str, str] | None = None
              ) -> dict[str, Any]:
    """Poll GET /api/cases/{id} until its latest analysis is done or failed; returns the case."""
    def finished() -> dict[str, Any] | None:
        case: dict[str, Any] = client.get(f"/api/cases/{case_id}", headers=headers or {}).json()
        return case if case["status"] in ("done", "failed") else None

    result: dict[str, Any] = wait_until(finished, timeout)
    return result


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


SERVER_SCRIPT = """
import sys
from pathlib import Path
from bomtrace.catalogs import load_catalogs
from bomtrace.web.server import serve
from bomtrace.web.settings import Settings
data, port, mini, token = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] or None
catalog = load_catalogs([mini], shipped=False)
serve(Settings(data_dir=data, token=token, catalogs=lambda: catalog), "127.0.0.1", port)
"""


@contextmanager
def real_server(data_dir: Path, log: Path, token: str = "") -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A real uvicorn server (subprocess) over `data_dir` with the mini catalog; killed at the end."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT, str(data_dir), str(port), str(MINI), token],
                                   stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"{BASE}:{port}"
    try:
        wait_until(lambda: _answers(url, process, token), timeout=30, every=0.1)
        yield process, url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(10)


def _answers(url: str, process: subprocess.Popen[bytes], token: str) -> bool:
    """Whether the server answers its API yet (it must not have exited)."""
    if process.poll() is not None:
        raise AssertionError(f"server exited with {process.returncode}")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        return httpx.get(f"{url}/api/cases", headers=headers, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
