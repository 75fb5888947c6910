"""The review page (the queue of possible, unresolved and flagged lines, and the decisions made) and
the compare page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from bomtrace.vocabulary import DECISIONS, OVERRIDE
from bomtrace.web.downloads import service
from bomtrace.web.forms import REPORT_CSP, form_of, remember, see, text
from bomtrace.web.problems import Problem
from bomtrace.web.responses import page

router = APIRouter(include_in_schema=False)


@router.get("/cases/{case_id}/review")
def review(request: Request, case_id: str, error: str | None = None) -> Response:
    """The review queue of the latest finished analysis, with a decision form on each line."""
    svc = service(request)
    case = svc.case(case_id)
    latest = svc.store.analysis(case_id)
    done = next((a for a in svc.store.analyses(case_id) if a.status == "done"), None)
    lines: list[dict[str, Any]] = []
    decided: list[dict[str, Any]] = []
    if done:
        result = svc.result(done)
        by_id = {line["id"]: line for line in result["lines"]}
        lines = [by_id[i] for i in svc.review_queue(done) if i in by_id]
        decided = [line for line in result["lines"] if line["match"]["method"] == OVERRIDE]
    return page(request, "web/review.html", {
        "case": case, "latest": latest, "done": done, "lines": lines, "decided": decided,
        "decisions": svc.store.decisions(case_id), "choices": DECISIONS, "error": error,
    })


@router.post("/cases/{case_id}/decisions")
async def decide(request: Request, case_id: str) -> Response:
    """Record a decision from the review page, then back to the queue."""
    svc = service(request)
    form = await form_of(request)
    try:
        svc.decide(case_id, line_id=text(form, "line_id"), decision=text(form, "decision"),
                   value=text(form, "value"), note=text(form, "note"), reviewer=text(form, "reviewer"))
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        response: Response = review(request, case_id, error=problem.message)
        response.status_code = problem.status
        return response
    return remember(see(f"/cases/{case_id}/review"), request, text(form, "reviewer") or "")


@router.get("/compare")
def compare(request: Request, ids: Annotated[list[str] | None, Query()] = None) -> Response:
    """The chosen cases side by side, as `bomtrace compare` renders it."""
    from bomtrace.report.html import render_compare

    if not ids:
        return see("/")
    html = render_compare(service(request).comparison(ids))
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})
