"""What the pages and the API share: the app's service, and answers that send an analysis's files."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse, Response

from bomtrace.web.service import Service
from bomtrace.web.store import AnalysisRecord

MEDIA = {"html": "text/html; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument."
         "spreadsheetml.sheet", "json": "application/json", "csv": "text/csv; charset=utf-8"}


def service(request: Request) -> Service:
    """The app's service."""
    svc: Service = request.app.state.service
    return svc


def attachment(filename: str) -> str:
    """A Content-Disposition value that survives any file name (ASCII fallback plus RFC 5987 UTF-8)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_name(svc: Service, job: AnalysisRecord, name: str) -> str:
    """'CASE-vN-report.xlsx' from the case's stored file name (already made safe)."""
    stem = svc.case(job.case_id).filename.rsplit(".", 1)[0]
    return f"{stem}-v{job.version}-{name}"


def download(svc: Service, case_id: str, fmt: str, version: int | None = None) -> FileResponse:
    """One output of the latest finished analysis (or `version`), as an attachment."""
    job = svc.done(case_id, version)
    path = svc.output(job, fmt)
    return FileResponse(path, media_type=MEDIA[fmt],
                        headers={"content-disposition": attachment(download_name(svc, job, path.name))})


def export(svc: Service, case_id: str) -> Response:
    """A zip of the original file, every analysis, every decision and the case's audit log."""
    data = svc.export(case_id)
    stem = svc.case(case_id).filename.rsplit(".", 1)[0]
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": attachment(f"{stem}-case-{case_id}.zip")})
