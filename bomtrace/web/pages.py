"""The pages a person uses: upload and case list, a case (status, detected mapping, versions), the
report and downloads, sign-in. Every form carries a CSRF token; every page escapes what it shows."""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import FormData, UploadFile

from bomtrace.models import FIELDS
from bomtrace.web import downloads
from bomtrace.web.downloads import MEDIA, service
from bomtrace.web.forms import REPORT_CSP, form_of, local_page, remember, see, text
from bomtrace.web.library import DOWNLOADS
from bomtrace.web.problems import Problem
from bomtrace.web.responses import page
from bomtrace.web.security import SESSION_COOKIE, Keys, cookie_header
from bomtrace.web.service import Service, map_lines

router = APIRouter(include_in_schema=False)


# --- cases ----------------------------------------------------------------------------------------

@router.get("/")
def index(request: Request) -> Response:
    """The upload form and the list of cases."""
    svc = service(request)
    return index_page(request, svc)


def index_page(request: Request, svc: Service, error: str | None = None, status: int = 200,
               typed: dict[str, str] | None = None) -> Response:
    """The upload form (with what was typed, after a refusal) and the case list."""
    return page(request, "web/index.html", {
        "cases": svc.store.cases(), "error": error, "max_mb": svc.settings.max_upload_bytes // 1_048_576,
        "typed": typed or {"name": "", "uploader": "", "mapping": ""}}, status)


@router.post("/cases")
async def upload(request: Request) -> Response:
    """An upload from the form; problems show on the form again with their status."""
    svc = service(request)
    form = await form_of(request, max_files=1)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            raise Problem(422, "No file chosen. Drop a teardown spreadsheet on the form or pick one.")
        case = await svc.upload(file, text(form, "name"), text(form, "uploader"),
                                map_lines(text(form, "mapping")))
    except Problem as problem:
        typed = {key: text(form, key) or "" for key in ("name", "uploader", "mapping")}
        return index_page(request, svc, problem.message, problem.status, typed)
    finally:
        await form.close()
    return remember(see(f"/cases/{case.id}"), request, text(form, "uploader") or "")


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str) -> Response:
    """A case: status, headline, detected mapping to correct, analysis versions, downloads."""
    svc = service(request)
    case = svc.case(case_id)
    analyses = svc.store.analyses(case_id)
    finished = [a for a in analyses if a.status == "done"]
    done = finished[0] if finished else None
    return page(request, "web/case.html", {
        "case": case, "analyses": analyses, "latest": analyses[0], "done": done,
        "before": finished[1] if len(finished) > 1 else None,
        "sheets": svc.sheets(case, analyses), "fields": FIELDS,
        "review_count": len(svc.review_queue(done)) if done else 0,
        "downloads": [f for f, name in DOWNLOADS.items() if done and name in done.outputs],
        "decisions": svc.store.decisions(case_id), "audit": svc.store.audit(case_id),
    })


def given_header_rows(form: FormData, given_before: dict[str, int]) -> dict[str, str] | None:
    """The header rows to pin: those changed from what detection found, and those pinned before and
    still asked for; None when the form has no header-row fields (keep the latest)."""
    sheets, rows, detected = (form.getlist(k) for k in ("row_sheet", "header_row", "detected_row"))
    if not sheets:
        return None
    pinned = {}
    for sheet, row, found in zip(sheets, rows, detected):
        if isinstance(sheet, str) and isinstance(row, str) and row.strip() and (
                row.strip() != found or sheet in given_before):
            pinned[sheet] = row
    return pinned


@router.post("/cases/{case_id}/analyses")
async def analyse_again(request: Request, case_id: str) -> Response:
    """Run again with the mapping as corrected on the case page."""
    svc = service(request)
    form = await form_of(request)
    mapping = {h: f for h, f in zip(form.getlist("header"), form.getlist("field"))
               if isinstance(h, str) and isinstance(f, str) and f and h.strip()}
    extra_header, extra_field = text(form, "extra_header") or "", text(form, "extra_field") or ""
    if extra_header.strip() and extra_field:
        mapping[extra_header] = extra_field
    reset = text(form, "reset") == "1"
    header_rows = None if reset else given_header_rows(form, svc.analysis(case_id).header_rows)
    svc.analyse_again(case_id, {} if reset else mapping, text(form, "requested_by"),
                      header_rows={} if reset else header_rows, basis=text(form, "basis") or None)
    return see(f"/cases/{case_id}")


@router.post("/cases/{case_id}/delete")
async def delete(request: Request, case_id: str) -> Response:
    """Delete a case (the audit log keeps it)."""
    form = await form_of(request)
    service(request).delete(case_id, text(form, "by"))
    return see("/")


@router.get("/cases/{case_id}/report")
def report(request: Request, case_id: str, version: int | None = None) -> Response:
    """The HTML report of the latest finished analysis (or `version`), exactly as `analyze` writes it."""
    svc = service(request)
    job = svc.done(case_id, version)
    return FileResponse(svc.output(job, "html"), media_type=MEDIA["html"],
                        headers={"content-security-policy": REPORT_CSP})


@router.get("/cases/{case_id}/download/{fmt}")
def download(request: Request, case_id: str, fmt: str, version: int | None = None) -> Response:
    """One output file of the latest finished analysis (or `version`)."""
    return downloads.download(service(request), case_id, fmt, version)


@router.get("/cases/{case_id}/export")
def export(request: Request, case_id: str) -> Response:
    """The case as a zip (original, analyses, decisions, audit)."""
    return downloads.export(service(request), case_id)


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon: an empty answer rather than a 404 in every browser's console."""
    return Response(status_code=204)


# --- sign-in --------------------------------------------------------------------------------------

@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    """The sign-in form (only when the server has a token)."""
    if service(request).settings.token is None:
        return see("/")
    return page(request, "web/signin.html", {"next": local_page(next), "error": None})


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Check the token and start a session; a wrong token waits a second before it is answered."""
    svc = service(request)
    form = await form_of(request)
    target = local_page(text(form, "next"))
    given, token = (text(form, "token") or "").encode(), (svc.settings.token or "").encode()
    if svc.settings.token is None:
        return see("/")
    if not hmac.compare_digest(given, token):
        await asyncio.sleep(1)
        return page(request, "web/signin.html", {"next": target, "error": "Wrong token. Try again."}, 401)
    keys: Keys = request.app.state.keys
    response = see(target)
    key, value = cookie_header(SESSION_COOKIE, keys.session(), request.scope, max_age=keys.max_age)
    response.headers.append(key.decode(), value.decode())
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session."""
    await form_of(request)
    response = see("/signin")
    key, value = cookie_header(SESSION_COOKIE, "", request.scope, max_age=0)
    response.headers.append(key.decode(), value.decode())
    return response
