"""Forms the pages post: the CSRF check, text fields, the name a browser remembers, and the redirect
after a post. Shared by every page module."""

from __future__ import annotations

from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from bomtrace.web.problems import Problem
from bomtrace.web.security import CSRF_COOKIE, NAME_COOKIE, Keys, cookie_header, cookies

#: The policy a rendered report is served under: its own inline styles and images, nothing else.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"


async def form_of(request: Request, max_files: int = 0) -> FormData:
    """A posted form whose CSRF token matches this browser's; 403 otherwise."""
    try:
        form = await request.form(max_files=max_files, max_fields=200)
    except HTTPException as error:  # Starlette's answer to a malformed form
        raise Problem(400, f"The form cannot be read ({str(error.detail).rstrip('.')}). Reload the page and "
                           "try again.") from None
    keys: Keys = request.app.state.keys
    field = form.get("csrf")
    if not keys.valid_form(cookies(request.scope).get(CSRF_COOKIE), field if isinstance(field, str) else None):
        await form.close()
        raise Problem(403, "This form has expired or came from another site. Reload the page and send it again.")
    return form


def text(form: FormData, name: str) -> str | None:
    """A text field of a form, or None."""
    value = form.get(name)
    return value if isinstance(value, str) else None


def remember(response: Response, request: Request, name: str) -> Response:
    """Remember the name a person typed, to fill it in next time."""
    key, value = cookie_header(NAME_COOKIE, quote(name[:100]), request.scope, max_age=365 * 86400)
    response.headers.append(key.decode(), value.decode())
    return response


def see(url: str) -> RedirectResponse:
    """303 to a page after a post."""
    return RedirectResponse(url, status_code=303)


def local_page(target: str | None) -> str:
    """A redirect target that stays on this site ('/' otherwise)."""
    target = unquote(target or "/")
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
