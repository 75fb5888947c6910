"""The JSON API (documented at /openapi.json): the same actions as the pages, one service call each."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from bomtrace.models import Basis
from bomtrace.vocabulary import DecisionKind
from bomtrace.web import downloads
from bomtrace.web.downloads import MEDIA, service
from bomtrace.web.problems import Problem
from bomtrace.web.service import Service, clean_text, map_lines
from bomtrace.web.store import AnalysisRecord
from bomtrace.web.unit import maker_dict, unit_maker

router = APIRouter(prefix="/api", tags=["cases"])
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A teardown spreadsheet: .xlsx .xlsm .xls .ods .csv .tsv .txt"},
        "name": {"type": "string", "description": "The case name (default: the file name)"},
        "uploader": {"type": "string", "description": "Who uploads it"},
        "mapping": {"type": "string", "description": "Column mapping, one HEADER=FIELD a line (fields: "
                    "part_number, marking, manufacturer, description, sample, module, quantity, refdes, "
                    "country, date_code, notes)"}}}}}}}


Svc = Annotated[Service, Depends(service)]


class Created(BaseModel):
    """A case just created: its id and status."""

    id: str
    status: str


class CaseOut(BaseModel):
    """A case: the file, who sent it, and its latest analysis's status and headline."""

    id: str
    name: str
    uploader: str
    created_at: str
    filename: str
    sha256: str
    size: int
    status: Literal["queued", "running", "done", "failed"]
    version: int = Field(description="The latest analysis version")
    headline: str = Field(description="The headline of the latest finished analysis ('' before one)")


class AnalysisOut(BaseModel):
    """One analysis version: what it was run with and what it found."""

    version: int
    status: Literal["queued", "running", "done", "failed"]
    reason: str
    requested_by: str
    mapping: dict[str, str]
    header_rows: dict[str, int] = Field(description="Header row given per sheet ('' for a CSV); "
                                        "detection chose the others")
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str | None
    decisions_applied: int = Field(description="Decisions up to this id were applied")
    catalogs: list[dict[str, Any]]
    sheets: list[dict[str, Any]] = Field(description="Detected sheets: header row, mapping, header cells")
    summary: dict[str, Any]
    outputs: list[str]
    basis: Basis = Field("brand", description="The attribution basis it ran on")
    lines_done: int = Field(0, description="While it runs: lines analysed so far")
    lines_total: int = Field(0, description="While it runs: lines read")


class CaseDetail(CaseOut):
    """A case with every analysis version, newest first."""

    analyses: list[AnalysisOut]
    sheets: list[dict[str, Any]] = Field(default_factory=list, description="The sheets to map: header row, "
                                         "mapping, header cells, and `preview` (the first rows) when no header "
                                         "was recognised")


class AnalysisIn(BaseModel):
    """A request to run a case again, optionally with a corrected column mapping."""

    mapping: dict[str, str] | None = Field(None, description="Column header -> field; omit to keep the "
                                           "latest mapping, {} to go back to detection")
    header_rows: dict[str, int] | None = Field(None, description="Sheet name ('' for a CSV) -> header row "
                                               "as the spreadsheet numbers it; omit to keep the latest, {} "
                                               "to go back to detection")
    basis: Basis | None = Field(None, description="brand: the country of the company "
                                                    "named on the part; owner: its ultimate parent's; omit to "
                                                    "keep the latest")
    requested_by: str | None = None


class DecisionIn(BaseModel):
    """A reviewer's decision on one line of the latest finished analysis."""

    line_id: str
    decision: DecisionKind
    value: str = ""
    note: str = ""
    reviewer: str


class DecisionOut(BaseModel):
    """A recorded decision, with the analysis version that applies it."""

    id: int
    line_id: str
    decision: str
    value: str
    note: str
    reviewer: str
    created_at: str
    analysis_version: int | None = Field(None, description="The analysis version that applies it")


def analysis_out(job: AnalysisRecord) -> AnalysisOut:
    """An analysis record as the API shows it."""
    return AnalysisOut(**{k: v for k, v in asdict(job).items() if k in AnalysisOut.model_fields})


async def upload_form(request: Request) -> FormData:
    """The multipart form of an upload (one file at most); close it when done."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Problem(415, "Send the upload as multipart/form-data with the file in the field 'file'.")
    try:
        form = await request.form(max_files=1, max_fields=8)
    except HTTPException as error:  # Starlette's answer to a malformed form
        raise Problem(400, f"The upload form cannot be read ({str(error.detail).rstrip('.')}). Send "
                           "multipart/form-data with one file in the field 'file'.") from None
    return form


def upload_fields(form: FormData) -> tuple[UploadFile, str | None, str | None, str | None]:
    """An upload form's file and its optional name, uploader and mapping."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Problem(422, "No file in the field 'file'. Attach the teardown spreadsheet as 'file'.")
    fields = [form.get(key) for key in ("name", "uploader", "mapping")]
    name, uploader, mapping = (value if isinstance(value, str) else None for value in fields)
    return upload, name, uploader, mapping


@router.post("/cases", status_code=201, response_model=Created, openapi_extra=UPLOAD_BODY,
             responses={413: {"description": "Too big"}, 415: {"description": "Not a spreadsheet type"},
                        422: {"description": "Unreadable, or no part/marking/manufacturer column"}})
async def create_case(request: Request, svc: Svc) -> Created:
    """Upload a teardown: checked before anything is stored, then analysed in the background."""
    form = await upload_form(request)
    try:
        upload, name, uploader, mapping = upload_fields(form)
        case = await svc.upload(upload, name, uploader, map_lines(mapping))
    finally:
        await form.close()
    return Created(id=case.id, status=case.status)


@router.get("/cases", response_model=list[CaseOut])
def list_cases(svc: Svc) -> list[CaseOut]:
    """Every case, newest first."""
    return [CaseOut(**asdict(case)) for case in svc.store.cases()]


@router.get("/cases/{case_id}", response_model=CaseDetail)
def get_case(case_id: str, svc: Svc) -> CaseDetail:
    """A case with its status, every analysis version (newest first) and the sheets the column editor
    shows: as an analysis read them, or each sheet's first rows when no header was recognised."""
    case = svc.case(case_id)
    analyses = svc.store.analyses(case_id)
    return CaseDetail(**asdict(case), analyses=[analysis_out(a) for a in analyses],
                      sheets=svc.sheets(case, analyses))


@router.get("/cases/{case_id}/result")
def get_result(case_id: str, svc: Svc, version: int | None = None) -> dict[str, Any]:
    """The result.json of the latest analysis (or of `version`); 409 while it is not done."""
    return svc.result(svc.done(case_id, version))


@router.get("/cases/{case_id}/analyses", response_model=list[AnalysisOut])
def list_analyses(case_id: str, svc: Svc) -> list[AnalysisOut]:
    """Every analysis version of a case, newest first."""
    svc.case(case_id)
    return [analysis_out(a) for a in svc.store.analyses(case_id)]


@router.post("/cases/{case_id}/analyses", status_code=202, response_model=AnalysisOut)
def create_analysis(case_id: str, body: AnalysisIn, svc: Svc) -> AnalysisOut:
    """Run the case again as a new version (newer catalogs, a corrected mapping); old ones are kept."""
    return analysis_out(svc.analyse_again(case_id, body.mapping, body.requested_by,
                                          header_rows=body.header_rows, basis=body.basis))


@router.get("/cases/{case_id}/review")
def get_review(case_id: str, svc: Svc, version: int | None = None) -> list[dict[str, Any]]:
    """The lines up for review (possible, unresolved, flagged) in the latest finished analysis."""
    job = svc.done(case_id, version)
    lines = {line["id"]: line for line in svc.result(job)["lines"]}
    return [lines[i] for i in svc.review_queue(job) if i in lines]


@router.get("/cases/{case_id}/decisions", response_model=list[DecisionOut])
def list_decisions(case_id: str, svc: Svc) -> list[DecisionOut]:
    """Every review decision on a case, in the order made."""
    svc.case(case_id)
    return [DecisionOut(**asdict(d)) for d in svc.store.decisions(case_id)]


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionOut)
def create_decision(case_id: str, body: DecisionIn, svc: Svc) -> DecisionOut:
    """Record a decision on a line; a new analysis version applies it (and shows it in the report)."""
    record, job = svc.decide(case_id, line_id=body.line_id, decision=body.decision, value=body.value,
                             note=body.note, reviewer=body.reviewer)
    return DecisionOut(**asdict(record), analysis_version=job.version)


@router.get("/cases/{case_id}/download/{fmt}", responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def download(case_id: str, fmt: str, svc: Svc, version: int | None = None) -> FileResponse:
    """One output of the latest finished analysis (or `version`): html, xlsx, json or csv."""
    return downloads.download(svc, case_id, fmt, version)


@router.get("/cases/{case_id}/export", responses={200: {"content": {"application/zip": {}}}})
def export(case_id: str, svc: Svc) -> Response:
    """A zip of the original file, every analysis, every decision and the case's audit log."""
    return downloads.export(svc, case_id)


@router.delete("/cases/{case_id}")
def delete_case(case_id: str, svc: Svc, by: Annotated[str | None, Query(max_length=200)] = None
                ) -> dict[str, Any]:
    """Delete a case, its analyses and decisions (and its file unless another case has it); audited."""
    case = svc.delete(case_id, by)
    return {"id": case.id, "deleted": True}


@router.get("/audit")
def audit(svc: Svc, case_id: str | None = None) -> list[dict[str, Any]]:
    """The audit log (uploads, analyses requested, decisions, deletions), oldest first."""
    return [asdict(a) for a in svc.store.audit(case_id)]


@router.get("/compare")
def compare(svc: Svc, ids: Annotated[list[str], Query()]) -> dict[str, Any]:
    """The latest finished analyses of the chosen cases side by side: shares by country and company."""
    return asdict(svc.comparison(ids))


# --- the unit's makers and the review page's look-ups ---------------------------------------------

class MakerIn(BaseModel):
    """A maker the catalog lacks, as a reviewer adds it to the unit's catalog."""

    name: str = Field(description="The company's name as it writes it")
    country: str = Field(description="ISO 3166 two-letter code of its headquarters")
    source: str = Field(description="Its website, or a link that shows where it is headquartered")
    aliases: list[str] = Field(default_factory=list, description="Other names it is written under")
    note: str = ""
    by: str = Field(description="Who adds it (kept in the audit log)")


class MakerOut(BaseModel):
    """A maker as the catalogs have it; tier is curated, registry or unit."""

    id: str
    name: str
    country: str
    aliases: list[str]
    source: str
    tier: str


def maker_in(body: MakerIn) -> dict[str, str | None]:
    return {"name": body.name, "country": body.country, "source": body.source,
            "aliases": "|".join(body.aliases), "note": body.note}


@router.get("/makers", response_model=list[MakerOut], tags=["catalog"])
def search_makers(svc: Svc, q: Annotated[str, Query(max_length=200)] = "") -> list[MakerOut]:
    """Makers whose name or alias holds `q` (curated and unit makers first, then registry names that
    begin with it): the review page's maker picker."""
    return [MakerOut(**m) for m in svc.unit.search_makers(q)]


@router.get("/parts", tags=["catalog"])
def search_parts(svc: Svc, q: Annotated[str, Query(max_length=200)] = "") -> list[dict[str, Any]]:
    """Catalog parts whose number begins with `q`, with maker and country: the set-part picker."""
    return svc.unit.search_parts(q)


@router.get("/unit-makers", response_model=list[MakerOut], tags=["catalog"])
def list_unit_makers(svc: Svc) -> list[MakerOut]:
    """The makers this unit added."""
    return [MakerOut(**maker_dict(m)) for m in svc.unit.makers()]


@router.post("/unit-makers", status_code=201, response_model=MakerOut, tags=["catalog"])
def add_unit_maker(body: MakerIn, svc: Svc) -> MakerOut:
    """Add a maker the catalog lacks; offered to every later case. 422 names the field at fault (a name
    another maker has names that maker)."""
    by = clean_text(body.by, "name of who adds it", required=True)
    return MakerOut(**maker_dict(svc.unit.add(unit_maker(maker_in(body)), by)))


@router.put("/unit-makers/{maker_id}", response_model=MakerOut, tags=["catalog"])
def edit_unit_maker(maker_id: str, body: MakerIn, svc: Svc) -> MakerOut:
    """Change a maker this unit added (its id stays); the audit log keeps the old row."""
    by = clean_text(body.by, "name of who changes it", required=True)
    return MakerOut(**maker_dict(svc.unit.edit(maker_id, unit_maker(maker_in(body)), by)))


@router.delete("/unit-makers/{maker_id}", response_model=MakerOut, tags=["catalog"])
def retire_unit_maker(maker_id: str, svc: Svc, by: Annotated[str, Query(max_length=200)],
                      note: Annotated[str, Query(max_length=2000)] = "") -> MakerOut:
    """Retire a maker this unit added; decisions that named it are then reported, not dropped."""
    return MakerOut(**maker_dict(svc.unit.retire(maker_id, clean_text(by, "name", required=True), note)))
