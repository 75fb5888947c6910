"""The review page (the queue of possible, unresolved and flagged lines, and the decisions made) and
the compare page."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from bomtrace.catalogs import Catalog, Manufacturer
from bomtrace.vocabulary import DECISIONS, OVERRIDE
from bomtrace.web.downloads import service
from bomtrace.web.forms import REPORT_CSP, form_of, remember, see, text
from bomtrace.web.problems import Problem
from bomtrace.web.responses import page
from bomtrace.web.store import DecisionRecord

if TYPE_CHECKING:
    from bomtrace.web.service import Service

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


#: How each decision reads on the page.
DECISION_LABELS = {"accept": "accept the match", "reject": "reject: leave it unresolved",
                   "set_maker": "set the maker", "set_part": "set the part number"}


@router.get("/cases/{case_id}/review")
def review(request: Request, case_id: str, error: str | None = None, maker_error: str | None = None,
           maker_field: str = "", maker_form: dict[str, str] | None = None) -> Response:
    """The review queue of the latest finished analysis, with a decision form on each line (no decision
    chosen in advance; the makers the line's evidence names offered first), the decisions made (those
    whose line is gone shown as orphaned) and a form to add a maker the catalog lacks."""
    svc = service(request)
    case = svc.case(case_id)
    latest = svc.store.analysis(case_id)
    done = next((a for a in svc.store.analyses(case_id) if a.status == "done"), None)
    lines: list[dict[str, Any]] = []
    decided: list[dict[str, Any]] = []
    known: set[str] = set()
    if done:
        result = svc.result(done)
        by_id = {line["id"]: line for line in result["lines"]}
        known = set(by_id)
        lines = [by_id[i] for i in svc.review_queue(done) if i in by_id]
        decided = [line for line in result["lines"] if line["match"]["method"] == OVERRIDE]
    decisions = svc.store.decisions(case_id)
    names = maker_names(svc, decisions)
    return page(request, "web/review.html", {
        "case": case, "latest": latest, "done": done, "lines": lines, "decided": decided,
        "decisions": decisions, "choices": DECISIONS, "labels": DECISION_LABELS, "error": error,
        "orphaned": {d.line_id for d in decisions if done and d.line_id not in known},
        "maker_names": names, "unit_makers": svc.unit.makers(), "maker_error": maker_error,
        "maker_field": maker_field, "maker_form": maker_form or {},
    })


def maker_names(svc: Service, decisions: list[DecisionRecord]) -> dict[str, str]:
    """Each set-maker decision's maker as "name (country)"; none when the catalog cannot be loaded
    (the page then shows the ids it stored, rather than failing)."""
    try:
        catalog = svc.unit()
    except Exception:  # the queue and the decisions must stay readable
        log.exception("catalog not available for the review page")
        return {}
    return {d.value: f"{m.name} ({m.country})" for d in decisions if d.decision == "set_maker"
            and (m := _maker(catalog, d.value)) is not None}


def _maker(catalog: Catalog, maker_id: str) -> Manufacturer | None:
    try:
        return catalog.maker(maker_id)
    except KeyError:
        return None


@router.post("/cases/{case_id}/decisions")
async def decide(request: Request, case_id: str) -> Response:
    """Record a decision from the review page, then back to the queue."""
    svc = service(request)
    form = await form_of(request)
    try:
        decision = text(form, "decision")
        value = text(form, "value") or ""
        if decision == "set_maker" and not value.strip():
            value = text(form, "maker_option") or ""  # a candidate picked from the line's own evidence
        svc.decide(case_id, line_id=text(form, "line_id"), decision=decision, value=value,
                   note=text(form, "note"), reviewer=text(form, "reviewer"))
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
    html = render_compare(service(request).comparison(ids), nav=True)
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})
