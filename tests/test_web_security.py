"""Safety of `bomtrace serve`: loopback unless a token, the token on every request (Bearer for the
API, a signed session for the pages), CSRF on forms, cross-site and rebinding refused, size caps."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bomtrace.cli import app as cli
from bomtrace.errors import BomtraceError
from bomtrace.web.server import check_binding
from bomtrace.web.store import Store
from tests.web_support import GOOD_CSV, TestClient, app_client, wait_done

TOKEN = "correct-horse-battery-staple-42"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def open_client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path / "data") as client:
        yield client


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", token=TOKEN) as client:
        yield client


# --- starting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("host, token, refused", [
    ("127.0.0.1", None, None),
    ("127.0.0.2", None, None),
    ("::1", None, None),
    ("localhost", None, None),
    ("0.0.0.0", None, "Refusing to listen on 0.0.0.0 without a token"),
    ("192.168.1.5", None, "Refusing to listen on 192.168.1.5 without a token"),
    ("0.0.0.0", TOKEN, None),
    ("127.0.0.1", "short", "The token is 5 characters, under 16"),
])
def test_binding_rules(host: str, token: str | None, refused: str | None) -> None:
    if refused is None:
        check_binding(host, token)
    else:
        with pytest.raises(BomtraceError, match=re.escape(refused)):
            check_binding(host, token)


def test_serve_refuses_a_public_address_without_a_token_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path / "d")],
                                env={"BOMTRACE_TOKEN": ""})
    assert result.exit_code == 1
    assert result.stderr == ("Error: Refusing to listen on 0.0.0.0 without a token: anyone on the network "
                             "could read and change the cases. Pass --token (or set BOMTRACE_TOKEN), or "
                             "listen on 127.0.0.1.\n")
    assert not (tmp_path / "d").exists()


# --- the token ------------------------------------------------------------------------------------

def test_api_needs_the_bearer_token(locked: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}):
        response = locked.get("/api/cases", headers=headers)
        assert (response.status_code, response.json()["detail"]) == (
            401, "Missing or wrong token. Send the header 'Authorization: Bearer TOKEN'.")
        assert response.headers["www-authenticate"] == "Bearer"
    assert locked.get("/openapi.json").status_code == 401
    assert locked.get("/api/cases", headers=BEARER).json() == []
    assert locked.get("/openapi.json", headers=BEARER).status_code == 200
    response = locked.post("/api/cases", files={"file": ("t.csv", GOOD_CSV)})
    assert response.status_code == 401


def test_pages_need_a_session_from_the_sign_in_form(locked: TestClient) -> None:
    response = locked.get("/cases/0123456789abcdef?x=1", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303, "/signin?next=/cases/0123456789abcdef%3Fx%3D1")
    form = locked.get("/signin").text
    token_field = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token_field and 'type="password" name="token"' in form
    wrong = locked.post("/signin", data={"csrf": token_field.group(1), "token": "nope", "next": "/"})
    assert wrong.status_code == 401 and "Wrong token. Try again." in wrong.text
    right = locked.post("/signin", data={"csrf": token_field.group(1), "token": TOKEN, "next": "/x?y=1"},
                        follow_redirects=False)
    assert (right.status_code, right.headers["location"]) == (303, "/x?y=1")
    assert "HttpOnly" in right.headers["set-cookie"] and "SameSite=Lax" in right.headers["set-cookie"]
    assert locked.get("/").status_code == 200
    assert locked.get("/api/cases").status_code == 401  # a session is not a token for the API


def test_sign_in_never_redirects_off_site(locked: TestClient) -> None:
    token_field = re.search(r'name="csrf" value="([^"]+)"', locked.get("/signin").text)
    assert token_field
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = locked.post("/signin", data={"csrf": token_field.group(1), "token": TOKEN, "next": target},
                               follow_redirects=False)
        assert response.headers["location"] == "/"


def test_a_forged_session_cookie_is_refused(locked: TestClient) -> None:
    locked.cookies.set("bomtrace_session", "anything.at.all")
    response = locked.get("/", follow_redirects=False)
    assert response.status_code == 303


def test_a_session_from_another_token_is_refused(tmp_path: Path) -> None:
    with app_client(tmp_path / "data", token=TOKEN) as first:
        field = re.search(r'name="csrf" value="([^"]+)"', first.get("/signin").text)
        assert field
        first.post("/signin", data={"csrf": field.group(1), "token": TOKEN, "next": "/"})
        session = first.cookies.get("bomtrace_session")
        assert session and first.get("/", follow_redirects=False).status_code == 200
    with app_client(tmp_path / "data", token="another-token-entirely-1234") as second:
        second.cookies.set("bomtrace_session", session)
        assert second.get("/", follow_redirects=False).status_code == 303


def test_static_files_and_sign_in_are_public(locked: TestClient) -> None:
    assert locked.get("/static/web.css").status_code == 200
    assert locked.get("/static/web.js").status_code == 200
    assert locked.get("/signin").status_code == 200


# --- cross-site -----------------------------------------------------------------------------------

def test_forms_need_their_csrf_token(open_client: TestClient) -> None:
    open_client.get("/")
    response = open_client.post("/cases", data={"name": "x"}, files={"file": ("t.csv", GOOD_CSV)})
    assert response.status_code == 403
    assert "This form has expired or came from another site." in response.text
    response = open_client.post("/cases", data={"csrf": "0" * 64}, files={"file": ("t.csv", GOOD_CSV)})
    assert response.status_code == 403
    assert open_client.get("/api/cases").json() == []


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Origin": "http://127.0.0.1:9999"}, {"Origin": "null"}])
def test_cross_site_posts_are_refused(open_client: TestClient, headers: dict[str, str]) -> None:
    response = open_client.post("/api/cases", files={"file": ("t.csv", GOOD_CSV)}, headers=headers)
    assert (response.status_code, response.json()["detail"]) == (
        403, "Cross-site request refused. Use the bomtrace pages themselves.")
    assert open_client.get("/api/cases").json() == []


def test_same_origin_posts_pass(open_client: TestClient) -> None:
    response = open_client.post("/api/cases", files={"file": ("t.csv", GOOD_CSV)},
                                headers={"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 201


def test_a_foreign_host_name_is_refused_without_a_token(open_client: TestClient, tmp_path: Path) -> None:
    response = open_client.get("/api/cases", headers={"Host": "rebind.evil.example"})
    assert (response.status_code, response.json()["detail"]) == (
        421, "This server answers only as localhost, not 'rebind.evil.example'.")
    assert open_client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


# --- sizes and headers ----------------------------------------------------------------------------

def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with app_client(data, max_upload_bytes=2048) as client:
        body = b"x" * (2048 + 70 * 1024)
        response = client.post("/api/cases", content=body,
                               headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert (response.status_code, response.json()["detail"]) == (
            413, "File is over the 2048 bytes upload limit. Split it into smaller files.")
        response = client.post("/api/cases/0123456789abcdef/decisions", content=b"{" + b" " * 1_100_000,
                               headers={"Content-Type": "application/json"})
        assert (response.status_code, response.json()["detail"]) == (
            413, "Request body is over 1 MB. Send less at once.")
    assert Store(data / "bomtrace.sqlite3").cases() == []


def test_a_chunked_body_over_the_limit_is_cut_off(tmp_path: Path) -> None:
    data = tmp_path / "data"

    def chunks() -> Iterator[bytes]:
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\n\r\n"
        for _ in range(200):
            yield b"VP230,TI\n" * 100

    with app_client(data, max_upload_bytes=4096) as client:
        response = client.post("/api/cases", content=chunks(),
                               headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert response.status_code == 413
    assert Store(data / "bomtrace.sqlite3").cases() == []
    assert not any((data / "tmp").iterdir())


def test_security_headers_on_pages_and_api(open_client: TestClient) -> None:
    for path in ("/", "/api/cases", "/no/such/page"):
        headers = open_client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert (headers["x-content-type-options"], headers["x-frame-options"], headers["cache-control"]) == (
            "nosniff", "DENY", "no-store")


def test_csrf_cookie_is_strict_and_http_only(open_client: TestClient) -> None:
    cookie = open_client.get("/").headers["set-cookie"]
    assert cookie.startswith("bomtrace_csrf=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_token_server_still_analyses(locked: TestClient) -> None:
    case_id = locked.post("/api/cases", files={"file": ("t.csv", GOOD_CSV)}, headers=BEARER).json()["id"]
    assert wait_done(locked, case_id, headers=BEARER)["status"] == "done"


def test_the_signing_key_is_the_owners_alone_and_the_reports_are_readable_as_the_umask_allows(
        client: TestClient, data: Path) -> None:
    response = client.post("/api/cases", files={"file": ("t.csv", GOOD_CSV)})
    case = wait_done(client, response.json()["id"])
    assert (data / "secret.key").stat().st_mode & 0o777 == 0o600
    umask = os.umask(0)
    os.umask(umask)
    reports = sorted((data / "analyses" / case["id"] / "v1").iterdir())
    assert reports and all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in reports)
