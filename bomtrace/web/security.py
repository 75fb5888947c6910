"""The guard in front of every request: host and cross-site checks, body size caps, the token (Bearer
for the API, a signed session cookie for the pages), CSRF tokens for forms and security headers."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from itsdangerous import BadSignature, TimestampSigner

from bomtrace.web.problems import Problem, size_text, too_large
from bomtrace.web.settings import MAX_FORM_BYTES, Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Answer = Callable[[Scope, Problem], Awaitable[Any]]

SESSION_COOKIE = "bomtrace_session"
CSRF_COOKIE = "bomtrace_csrf"
#: The name a person last typed, to fill in forms (not a credential).
NAME_COOKIE = "bomtrace_name"
#: Paths anyone may reach with a token set: the sign-in form and the static files it needs.
PUBLIC = ("/signin", "/static/", "/favicon.ico")
UPLOAD_PATHS = ("/api/cases", "/cases")
HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def load_secret(data_dir: Path) -> bytes:
    """The data folder's signing key, made (32 random bytes, owner-only) at the first start."""
    path = data_dir / "secret.key"
    if not path.exists():
        temp = data_dir / f".secret.{os.getpid()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    return path.read_bytes()


def is_loopback(host: str) -> bool:
    """Whether a listen address or Host name is this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Keys:
    """Session and CSRF tokens signed with the data folder's key and bound to the server's token."""

    def __init__(self, secret: bytes, token: str | None, max_age: int) -> None:
        """Keys derived from the folder's secret and the token (a new token ends every session)."""
        bound = hashlib.sha256(secret + b"\0" + (token or "").encode()).digest()
        self._session = TimestampSigner(bound, salt="bomtrace-session")
        self._csrf_key = hashlib.sha256(b"csrf\0" + bound).digest()
        self.max_age = max_age

    def session(self) -> str:
        """A new signed session value."""
        return self._session.sign(secrets.token_urlsafe(16)).decode()

    def valid_session(self, value: str | None) -> bool:
        """Whether a session cookie was signed by us, for this token, and has not expired."""
        try:
            return bool(value) and bool(self._session.unsign(value or "", max_age=self.max_age))
        except BadSignature:
            return False

    def form_token(self, cookie: str) -> str:
        """The CSRF value a form must carry for this browser's CSRF cookie."""
        return hmac.new(self._csrf_key, cookie.encode(), hashlib.sha256).hexdigest()

    def valid_form(self, cookie: str | None, field: str | None) -> bool:
        """Whether a form's CSRF field belongs to the browser's CSRF cookie."""
        return bool(cookie and field) and hmac.compare_digest(self.form_token(cookie or ""), field or "")


def cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies by name."""
    from http.cookies import CookieError, SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    for name, value in scope["headers"]:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue  # a malformed Cookie header counts as no cookies
    return {key: morsel.value for key, morsel in jar.items()}


def host_name(value: str) -> str:
    """The name in a Host header, without the port ('[::1]:8000' -> '[::1]')."""
    if value.startswith("["):
        return value.split("]")[0] + "]"
    return value.rsplit(":", 1)[0]


def header(scope: Scope, name: bytes) -> str | None:
    """One request header, or None."""
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == name), None)


def cookie_header(name: str, value: str, scope: Scope, *, max_age: int | None = None,
                  same_site: str = "Lax") -> tuple[bytes, bytes]:
    """A Set-Cookie header: HttpOnly, path /, Secure when the request came over https."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if scope.get("scheme") == "https":
        parts.append("Secure")
    return b"set-cookie", "; ".join(parts).encode("latin-1")


class Guard:
    """ASGI middleware applying every check above before the app sees a request."""

    def __init__(self, app: ASGIApp, settings: Settings, keys: Keys, answer: Answer) -> None:
        """Wrap `app`; `answer` turns a Problem into a response."""
        self.app, self.settings, self.keys, self.answer = app, settings, keys, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on with capped body and security headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        jar = cookies(scope)
        new_csrf = None if CSRF_COOKIE in jar else secrets.token_urlsafe(24)
        state = scope.setdefault("state", {})
        state["csrf"] = self.keys.form_token(jar.get(CSRF_COOKIE) or new_csrf or "")
        state["signed_in"] = self.settings.token is not None and self.keys.valid_session(jar.get(SESSION_COOKIE))
        state["your_name"] = unquote(jar.get(NAME_COOKIE, ""))[:100]

        async def send_with_headers(message: Message) -> None:
            """Add the security headers (and a new CSRF cookie) to the response."""
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]
                if new_csrf:
                    extra.append(cookie_header(CSRF_COOKIE, new_csrf, scope, same_site="Strict"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            self.check(scope, jar)
        except Problem as problem:
            response = await self.answer(scope, problem)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, self.capped(scope, receive), send_with_headers)

    def check(self, scope: Scope, jar: dict[str, str]) -> None:
        """Raise Problem for a request that must not reach the app."""
        host = host_name(header(scope, b"host") or "")
        if self.settings.token is None and not is_loopback(host) and host not in self.settings.allowed_hosts:
            raise Problem(421, f"This server answers only as localhost, not {host!r}.")
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            self.check_same_origin(scope)
            self.check_length(scope)
        if self.settings.token is not None:
            self.check_token(scope, jar)

    def check_same_origin(self, scope: Scope) -> None:
        """403 for a state-changing request sent by another site's page."""
        if header(scope, b"sec-fetch-site") == "cross-site":
            raise Problem(403, "Cross-site request refused. Use the bomtrace pages themselves.")
        origin = header(scope, b"origin")
        if origin and urlsplit(origin).netloc != header(scope, b"host"):  # "null" (sandboxed) too
            raise Problem(403, "Cross-site request refused. Use the bomtrace pages themselves.")

    def limit(self, scope: Scope) -> int:
        """The most bytes a body may carry on this path."""
        if scope["method"] == "POST" and scope["path"].rstrip("/") in UPLOAD_PATHS:
            return self.settings.max_upload_bytes + 64 * 1024
        return MAX_FORM_BYTES

    def too_big(self, scope: Scope) -> Problem:
        """413 naming the limit that applies to this path."""
        if self.limit(scope) == MAX_FORM_BYTES:
            return Problem(413, f"Request body is over {size_text(MAX_FORM_BYTES)}. Send less at once.")
        return too_large(self.settings.max_upload_bytes)

    def check_length(self, scope: Scope) -> None:
        """413 at once when the declared body is over the limit."""
        declared = header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit(scope):
            raise self.too_big(scope)

    def check_token(self, scope: Scope, jar: dict[str, str]) -> None:
        """401 unless the request carries the token (Bearer) or a valid session cookie (pages)."""
        path = scope["path"]
        if path.startswith(PUBLIC):
            return
        if path.startswith("/api/") or path == "/openapi.json":
            given = header(scope, b"authorization") or ""
            expected = f"Bearer {self.settings.token}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
                raise Problem(401, "Missing or wrong token. Send the header 'Authorization: Bearer TOKEN'.",
                              {"www-authenticate": "Bearer"})
            return
        if not self.keys.valid_session(jar.get(SESSION_COOKIE)):
            target = quote(path + ("?" + scope["query_string"].decode() if scope["query_string"] else ""))
            raise Problem(303 if scope["method"] == "GET" else 401, "Sign in first.",
                          {"location": f"/signin?next={target}"})

    def capped(self, scope: Scope, receive: Receive) -> Receive:
        """`receive` that raises 413 once the body grows past the limit (for bodies sent in chunks)."""
        limit, seen = self.limit(scope), 0

        async def wrapped() -> Message:
            """The next body message, counted."""
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise self.too_big(scope)
            return message

        return wrapped
