"""The makers page: the makers this unit added to its own catalog layer, a form to add one, and forms
to change or retire each (every change in the audit log)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from bomtrace.web.downloads import service
from bomtrace.web.forms import form_of, local_page, remember, see, text
from bomtrace.web.pages_review import review
from bomtrace.web.problems import Problem
from bomtrace.web.responses import page
from bomtrace.web.unit import MAKER_FIELDS, unit_maker

router = APIRouter(include_in_schema=False)
_REVIEW = re.compile(r"^/cases/([A-Za-z0-9_-]+)/review$")


def _fields(form: FormData) -> dict[str, str]:
    return {name: text(form, name) or "" for name in MAKER_FIELDS}


@router.get("/makers")
def makers(request: Request, error: str | None = None, field: str = "", typed: dict[str, str] | None = None,
           status: int = 200) -> Response:
    """The unit's makers and the form to add one."""
    svc = service(request)
    return page(request, "web/makers.html", {"makers": svc.unit.makers(), "error": error, "field": field,
                                             "typed": typed or {}}, status)


@router.post("/makers")
async def add(request: Request) -> Response:
    """Add a maker; back to the page it was added from (the review page offers it at once). A form error
    names the field and keeps what was typed."""
    svc = service(request)
    form = await form_of(request)
    back = local_page(text(form, "back"))
    fields = _fields(form)
    try:
        svc.unit.add(unit_maker(dict(fields)), text(form, "by") or "anonymous")
    except Problem as problem:
        if problem.status != 422:
            raise
        found = _REVIEW.match(back)
        response: Response = (review(request, found.group(1), maker_error=problem.message, maker_field=problem.field,
                                     maker_form=fields) if found else
                              makers(request, problem.message, problem.field, fields))
        response.status_code = 422
        return response
    return remember(see(back), request, text(form, "by") or "")


@router.post("/makers/{maker_id}")
async def edit(request: Request, maker_id: str) -> Response:
    """Change a unit maker (its id stays, so decisions still name it)."""
    svc = service(request)
    form = await form_of(request)
    try:
        svc.unit.edit(maker_id, unit_maker(dict(_fields(form))), text(form, "by") or "anonymous")
    except Problem as problem:
        if problem.status != 422:
            raise
        response: Response = makers(request, problem.message, problem.field, _fields(form), 422)
        return response
    return see("/makers")


@router.post("/makers/{maker_id}/retire")
async def retire(request: Request, maker_id: str) -> Response:
    """Retire a unit maker: it leaves the catalog; the audit log keeps it."""
    svc = service(request)
    form = await form_of(request)
    svc.unit.retire(maker_id, text(form, "by") or "anonymous", text(form, "note") or "")
    return see("/makers")
