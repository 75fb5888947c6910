"""The JSON API in-process (real SQLite, real files, the real worker): every endpoint, and uploads
refused with a clear 4xx before anything is stored."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bomtrace.web.store import Store
from tests.crafted import ENCRYPTED
from tests.web_support import (
    GOOD_CSV,
    MAPPING_ROWS,
    TestClient,
    app_client,
    csv_bytes,
    mini_catalog,
    wait_done,
    xlsx_bytes,
)


def upload(client: TestClient, content: bytes, filename: str = "t.csv", **fields: str) -> Any:
    return client.post("/api/cases", files={"file": (filename, content)}, data=fields)


def uploaded(client: TestClient, content: bytes = GOOD_CSV, filename: str = "t.csv", **fields: str
             ) -> dict[str, Any]:
    """Upload, wait for the analysis, return the case."""
    response = upload(client, content, filename, **fields)
    assert response.status_code == 201, response.text
    return wait_done(client, response.json()["id"])


def stored_nothing(data: Path) -> bool:
    """No case in the database and no file left anywhere in the data folder."""
    files = [p for folder in ("blobs", "analyses", "tmp") for p in (data / folder).rglob("*") if p.is_file()]
    return Store(data / "bomtrace.sqlite3").cases() == [] and files == []


# --- uploads ---------------------------------------------------------------------------------------

def test_upload_answers_201_then_analysis_runs_in_background(client: TestClient, data: Path) -> None:
    response = upload(client, GOOD_CSV, "teardown.csv", name="Shahed A", uploader="Ann")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "status"} and body["status"] in ("queued", "running", "done")
    case = wait_done(client, body["id"])
    assert (case["status"], case["name"], case["uploader"], case["filename"]) == (
        "done", "Shahed A", "Ann", "teardown.csv")
    assert case["sha256"] == hashlib.sha256(GOOD_CSV).hexdigest()
    stored = data / "blobs" / case["sha256"][:2] / case["sha256"]
    assert stored.read_bytes() == GOOD_CSV  # unchanged, content-addressed
    assert case["headline"] == "2 of 3 components (67%) were made by 2 companies based in the United States"


def test_upload_xlsx_detects_sheet_header_row_and_mapping(client: TestClient) -> None:
    rows = [["Teardown of board FC"], [], *MAPPING_ROWS]
    case = uploaded(client, xlsx_bytes(rows), "board.xlsx")
    sheet = case["analyses"][0]["sheets"][0]
    assert (sheet["name"], sheet["header_row"], sheet["lines"]) == ("Teardown", 3, 3)
    assert sheet["mapping"] == {"Board": "module", "Maker": "manufacturer"}
    assert sheet["headers"] == ["Board", "Chip", "Maker"]


@pytest.mark.parametrize("filename, content, status, message", [
    ("parts.pdf", b"%PDF-1.7", 415, ("Unsupported file type '.pdf' in parts.pdf. Upload a teardown "
                                     "spreadsheet: .csv, .ods, .tsv, .txt, .xls, .xlsm, .xlsx.")),
    ("noext", b"Marking\nVP230\n", 415, "Unsupported file type '(none)' in noext."),
    ("broken.xlsx", b"PK\x03\x04 not really a zip", 422, ("Workbook is corrupt (not a valid .xlsx) in "
                                                          "broken.xlsx. Open and save it again in Excel.")),
    ("locked.xlsx", ENCRYPTED, 422, (
        "Workbook is encrypted (password-protected) in locked.xlsx. Remove the password, then save it again.")),
    ("cut.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 600, 422, (
        "Workbook is corrupt (not a valid .xlsx) in cut.xlsx. Open and save it again in Excel.")),
    ("empty.csv", b"", 422, "File is empty in empty.csv. Pick the teardown spreadsheet again."),
    ("binary.csv", b"\x00\x01\x02" * 100, 422, "File is binary, not text in binary.csv."),
])
def test_bad_upload_is_refused_with_a_clear_message_and_nothing_stored(
        client: TestClient, data: Path, filename: str, content: bytes, status: int, message: str) -> None:
    response = upload(client, content, filename)
    assert response.status_code == status
    assert response.json()["detail"].startswith(message)
    assert stored_nothing(data)


def test_upload_over_the_size_limit_is_413_and_nothing_stored(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with app_client(data, max_upload_bytes=1000) as client:
        body = GOOD_CSV + b"LM358,Texas Instruments\n" * 60
        response = upload(client, body)
        assert response.status_code == 413
        assert response.json()["detail"] == ("File is over the 1000 bytes upload limit in t.csv. Split it "
                                             "into smaller files.")
    assert stored_nothing(data)


def test_zip_bomb_xlsx_is_413_and_nothing_stored(client: TestClient, data: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    response = upload(client, buffer.getvalue(), "bomb.xlsx")
    assert response.status_code == 413
    assert "looks like a zip bomb" in response.json()["detail"]
    assert stored_nothing(data)


def test_upload_that_is_not_multipart_or_has_no_file_or_two(client: TestClient, data: Path) -> None:
    response = client.post("/api/cases", json={"file": "VP230"})
    assert (response.status_code, response.json()["detail"]) == (
        415, "Send the upload as multipart/form-data with the file in the field 'file'.")
    response = client.post("/api/cases", data={"name": "no file"}, files={"other": ("x.csv", b"a")})
    assert (response.status_code, response.json()["detail"]) == (
        422, "No file in the field 'file'. Attach the teardown spreadsheet as 'file'.")
    response = client.post("/api/cases", files=[("file", ("a.csv", GOOD_CSV)), ("file", ("b.csv", GOOD_CSV))])
    assert (response.status_code, response.json()["detail"]) == (
        400, ("The upload form cannot be read (Too many files. Maximum number of files is 1). Send "
              "multipart/form-data with one file in the field 'file'."))
    assert stored_nothing(data)


def test_a_file_whose_header_is_not_recognised_is_kept_and_shows_its_first_rows(client: TestClient) -> None:
    response = upload(client, csv_bytes([["Colour", "Chip"], ["red", "SN65HVD230"], ["blue", "AD9364"]]),
                      "notes.csv")
    assert response.status_code == 201  # never a dead end: the column editor opens on it
    case = wait_done(client, response.json()["id"])
    assert case["status"] == "failed"
    error = case["analyses"][0]["error"]
    assert error == ("No sheet with a part number, marking or manufacturer column in notes.csv. Pick the header "
                     "row and name the columns in the column editor, then run it again.")  # no CLI options
    [sheet] = case["sheets"]
    assert (sheet["name"], sheet["header_row"], sheet["headers"]) == (None, 1, ["Colour", "Chip"])
    assert sheet["preview"] == [[1, ["Colour", "Chip"]], [2, ["red", "SN65HVD230"]], [3, ["blue", "AD9364"]]]
    client.post(f"/api/cases/{case['id']}/analyses", json={"mapping": {"Chip": "part_number"}})
    case = wait_done(client, case["id"])
    assert (case["status"], case["analyses"][0]["sheets"][0]["lines"]) == ("done", 2)
    assert "preview" not in case["sheets"][0]


def test_upload_with_a_mapping_reads_an_unknown_column(client: TestClient) -> None:
    case = uploaded(client, csv_bytes([["Chip"], ["SN65HVD230"], ["AD9364"]]), "chips.csv",
                    mapping="Chip=part_number")
    assert (case["status"], case["analyses"][0]["mapping"]) == ("done", {"Chip": "part_number"})
    response = upload(client, GOOD_CSV, mapping="Chip=colour")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Unknown field 'colour' (fields: part_number, marking,")


# --- cases, results, analyses ----------------------------------------------------------------------

def test_list_and_get_cases_and_404(client: TestClient) -> None:
    first = uploaded(client, name="A")
    second = uploaded(client, csv_bytes([["Part number"], ["AD9364"]]), "b.csv", name="B")
    listed = client.get("/api/cases").json()
    assert [c["id"] for c in listed] == [second["id"], first["id"]]
    assert {c["status"] for c in listed} == {"done"}
    response = client.get("/api/cases/0123456789abcdef")
    assert (response.status_code, response.json()["detail"]) == (
        404, "No such case. It may have been deleted; the case list is at /.")


def test_result_is_409_while_not_done_and_404_for_unknown(tmp_path: Path) -> None:
    release = threading.Event()
    catalog = mini_catalog()

    def slow_catalog() -> Any:
        release.wait(30)
        return catalog

    with app_client(tmp_path / "data", catalogs=slow_catalog) as client:
        case_id = upload(client, GOOD_CSV).json()["id"]
        response = client.get(f"/api/cases/{case_id}/result")
        assert response.status_code == 409
        assert response.json()["detail"] in ("Analysis version 1 is queued. Try again in a moment.",
                                             "Analysis version 1 is running. Try again in a moment.")
        release.set()
        wait_done(client, case_id)
        result = client.get(f"/api/cases/{case_id}/result").json()
        assert result["schema_version"] == 1 and result["summary"]["lines"] == 3
        assert client.get("/api/cases/ffffffffffffffff/result").status_code == 404


def test_new_analysis_with_corrected_mapping_keeps_the_old_version(client: TestClient) -> None:
    case = uploaded(client, csv_bytes(MAPPING_ROWS), "board.csv")
    v1 = client.get(f"/api/cases/{case['id']}/result").json()
    response = client.post(f"/api/cases/{case['id']}/analyses",
                           json={"mapping": {"Chip": "part_number"}, "requested_by": "Ann"})
    assert response.status_code == 202
    assert (response.json()["version"], response.json()["mapping"]) == (2, {"Chip": "part_number"})
    case = wait_done(client, case["id"])
    assert [(a["version"], a["status"], a["reason"]) for a in case["analyses"]] == [
        (2, "done", "mapping"), (1, "done", "upload")]
    latest = client.get(f"/api/cases/{case['id']}/result").json()
    assert (v1["summary"]["lines"], latest["summary"]["lines"]) == (3, 5)
    assert client.get(f"/api/cases/{case['id']}/result?version=1").json() == v1  # never overwritten
    # without a mapping, a re-run keeps the latest one (newer catalogs, same columns)
    again = client.post(f"/api/cases/{case['id']}/analyses", json={}).json()
    assert (again["version"], again["mapping"], again["reason"]) == (3, {"Chip": "part_number"}, "rerun")


SUMMARY_ABOVE = [["Module", "Manufacturer", "Quantity", "Notes"], ["FC", "TI", "1", "summary"], [],
                 ["Marking", "Maker"], ["SN65HVD230", "Texas Instruments"], ["AD9364", "Analog Devices"]]


def test_a_header_row_given_per_sheet_is_kept_until_detection_is_asked_for(client: TestClient) -> None:
    case = uploaded(client, xlsx_bytes(SUMMARY_ABOVE), "board.xlsx")
    assert case["analyses"][0]["sheets"][0]["header_row"] == 1
    response = client.post(f"/api/cases/{case['id']}/analyses", json={"header_rows": {"Teardown": 4}})
    assert (response.status_code, response.json()["header_rows"]) == (202, {"Teardown": 4})
    case = wait_done(client, case["id"])
    assert (case["analyses"][0]["sheets"][0]["header_row"], case["analyses"][0]["sheets"][0]["lines"]) == (4, 2)
    assert client.post(f"/api/cases/{case['id']}/analyses", json={}).json()["header_rows"] == {"Teardown": 4}
    wait_done(client, case["id"])
    back = client.post(f"/api/cases/{case['id']}/analyses", json={"header_rows": {}}).json()
    assert back["header_rows"] == {}


@pytest.mark.parametrize("rows", [{"Teardown": 0}, {"Teardown": 2_000_000}])
def test_a_header_row_that_is_not_a_row_number_is_refused(client: TestClient, rows: dict[str, int]) -> None:
    case = uploaded(client, xlsx_bytes(SUMMARY_ABOVE), "board.xlsx")
    response = client.post(f"/api/cases/{case['id']}/analyses", json={"header_rows": rows})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The header row")
    assert "of sheet 'Teardown' is not a row number. Give a whole number from 1 to 1,048,576." in \
        response.json()["detail"]


def test_new_analysis_refuses_an_unknown_field_and_unknown_case(client: TestClient) -> None:
    case = uploaded(client)
    response = client.post(f"/api/cases/{case['id']}/analyses", json={"mapping": {"Marking": "colour"}})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Unknown field 'colour' (fields: part_number,")
    assert client.post("/api/cases/0123456789abcdef/analyses", json={}).status_code == 404


def test_a_mapping_that_leaves_no_part_column_fails_that_version_only(client: TestClient) -> None:
    case = uploaded(client, csv_bytes([["Maker", "Part"], ["Texas Instruments", "LM358"]]), "m.csv")
    client.post(f"/api/cases/{case['id']}/analyses", json={"mapping": {"Maker": "notes"}})
    case = wait_done(client, case["id"])
    assert case["status"] == "failed"
    assert case["analyses"][0]["error"].startswith("No sheet with a part number, marking or manufacturer")
    response = client.get(f"/api/cases/{case['id']}/result")
    assert response.status_code == 409 and "failed" in response.json()["detail"]
    assert client.get(f"/api/cases/{case['id']}/result?version=1").status_code == 200


# --- review ---------------------------------------------------------------------------------------

def decide(client: TestClient, case_id: str, **body: str) -> Any:
    return client.post(f"/api/cases/{case_id}/decisions", json=body)


def test_review_queue_and_a_decision_applied_in_a_new_version(client: TestClient) -> None:
    case = uploaded(client, csv_bytes([["Marking", "Manufacturer"], ["VP230", "Texas Instruments"],
                                       ["QX7781", ""]]), "r.csv")
    queue = client.get(f"/api/cases/{case['id']}/review").json()
    assert [line["id"] for line in queue] == ["r.csv::3"]
    response = decide(client, case["id"], line_id="r.csv::3", decision="set_maker", value="Analog Devices",
                      note="ADI logo on the package", reviewer="Bob")
    assert response.status_code == 201
    decision = response.json()
    assert (decision["id"], decision["reviewer"], decision["analysis_version"]) == (1, "Bob", 2)
    assert decision["created_at"]
    case = wait_done(client, case["id"])
    result = client.get(f"/api/cases/{case['id']}/result").json()
    line = next(x for x in result["lines"] if x["id"] == "r.csv::3")
    assert (line["company"], line["country"], line["match"]["method"]) == ("Analog Devices", "US", "override")
    assert "by Bob in web review #1 of" in line["match"]["detail"] and "(ADI logo on the package)" in \
        line["match"]["detail"]
    assert client.get(f"/api/cases/{case['id']}/review").json() == []
    report = client.get(f"/api/cases/{case['id']}/download/html").text
    methodology = report[report.index('id="methodology"'):]
    assert "maker set to Analog Devices by Bob in web review #1" in methodology
    listed = client.get(f"/api/cases/{case['id']}/decisions").json()
    assert [(d["line_id"], d["decision"], d["value"], d["note"]) for d in listed] == [
        ("r.csv::3", "set_maker", "analog-devices", "ADI logo on the package")]  # the maker's id, not the text


@pytest.mark.parametrize("body, message", [
    ({"line_id": "t.csv::2", "decision": "maybe", "reviewer": "Bob"},
     "Invalid request (decision: Input should be 'accept', 'reject', 'set_maker' or 'set_part')."),
    ({"line_id": "t.csv::2", "decision": "accept", "reviewer": "  "},
     "The reviewer's name is missing. Fill it in and send again."),
    ({"line_id": "t.csv::2", "decision": "set_part", "reviewer": "Bob"},
     "The value is missing. Fill it in and send again."),
    ({"line_id": "t.csv::99", "decision": "accept", "reviewer": "Bob"},
     "No line 't.csv::99' in this case. Use an id from the result's lines."),
    ({"line_id": "t.csv::3", "decision": "set_maker", "value": "Acme Widgets", "reviewer": "Bob"},
     "No maker 'Acme Widgets' in the catalogs. Pick one from the list, or add the maker first."),
])
def test_bad_decisions_are_422_and_not_recorded(client: TestClient, body: dict[str, str], message: str
                                                 ) -> None:
    case = uploaded(client)
    response = decide(client, case["id"], **body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(message.rstrip("."))
    assert client.get(f"/api/cases/{case['id']}/decisions").json() == []
    assert len(client.get(f"/api/cases/{case['id']}").json()["analyses"]) == 1


def test_a_later_decision_on_the_same_line_wins(client: TestClient) -> None:
    case = uploaded(client)
    decide(client, case["id"], line_id="t.csv::3", decision="set_maker", value="onsemi", reviewer="Bob")
    wait_done(client, case["id"])
    decide(client, case["id"], line_id="t.csv::3", decision="reject", note="unreadable", reviewer="Cy")
    case = wait_done(client, case["id"])
    line = next(x for x in client.get(f"/api/cases/{case['id']}/result").json()["lines"]
                if x["id"] == "t.csv::3")
    assert (line["confidence"], line["company"]) == ("unresolved", None)
    assert line["match"]["detail"].startswith("rejected by Cy in web review #2")
    assert len(client.get(f"/api/cases/{case['id']}/decisions").json()) == 2


# --- downloads, export, delete, compare -------------------------------------------------------------

def test_downloads_of_every_format(client: TestClient) -> None:
    case = uploaded(client, filename="Шахед.csv")
    base = f"/api/cases/{case['id']}/download"
    xlsx = client.get(f"{base}/xlsx")
    assert xlsx.status_code == 200
    assert "filename*=UTF-8''%D0%A8%D0%B0%D1%85%D0%B5%D0%B4-v1-report.xlsx" in xlsx.headers["content-disposition"]
    assert "Review" in openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert client.get(f"{base}/json").json()["summary"]["lines"] == 3
    assert client.get(f"{base}/csv").content.decode("utf-8-sig").startswith("id,file,sheet,row,")
    assert '<p class="headline" id="headline">' in client.get(f"{base}/html").text
    response = client.get(f"{base}/pdf")
    assert (response.status_code, response.json()["detail"]) == (
        404, "No 'pdf' output for this analysis. Choose one of: html, xlsx, json, csv.")


def test_export_zip_has_the_original_every_analysis_every_decision(client: TestClient) -> None:
    case = uploaded(client, filename="e.csv")
    decide(client, case["id"], line_id="e.csv::3", decision="accept", note="ok", reviewer="Bob")
    wait_done(client, case["id"])
    response = client.get(f"/api/cases/{case['id']}/export")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert "original/e.csv" in names and archive.read("original/e.csv") == GOOD_CSV
    for version in (1, 2):
        assert {f"analyses/v{version}/{n}" for n in ("result.json", "lines.csv", "report.html",
                                                      "report.xlsx")} <= names
    decisions = json.loads(archive.read("decisions.json"))
    assert [(d["line_id"], d["reviewer"], d["note"]) for d in decisions] == [("e.csv::3", "Bob", "ok")]
    actions = [a["action"] for a in json.loads(archive.read("audit.json"))]
    assert actions == ["case.create", "decision.add", "analysis.request"]
    assert json.loads(archive.read("case.json"))["case"]["id"] == case["id"]


def test_delete_removes_the_case_and_keeps_it_in_the_audit_log(client: TestClient, data: Path) -> None:
    case = uploaded(client, name="To go")
    keep = uploaded(client, csv_bytes([["Part number"], ["AD9364"]]), "keep.csv")
    response = client.delete(f"/api/cases/{case['id']}?by=Ann")
    assert (response.status_code, response.json()) == (200, {"id": case["id"], "deleted": True})
    assert client.get(f"/api/cases/{case['id']}").status_code == 404
    assert client.delete(f"/api/cases/{case['id']}").status_code == 404
    assert not (data / "blobs" / case["sha256"][:2] / case["sha256"]).exists()
    assert not (data / "analyses" / case["id"]).exists()
    assert (data / "blobs" / keep["sha256"][:2] / keep["sha256"]).exists()
    entry = client.get(f"/api/audit?case_id={case['id']}").json()[-1]
    assert (entry["action"], entry["actor"], entry["detail"]["name"], entry["detail"]["sha256"]) == (
        "case.delete", "Ann", "To go", case["sha256"])


def test_same_file_twice_is_stored_once_and_survives_deleting_one(client: TestClient, data: Path) -> None:
    first, second = uploaded(client, name="one"), uploaded(client, name="two")
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert len(list((data / "blobs").rglob("*/*"))) == 1
    client.delete(f"/api/cases/{first['id']}")
    assert client.get(f"/api/cases/{second['id']}/export").status_code == 200


def test_compare_two_cases(client: TestClient) -> None:
    a = uploaded(client, name="A")
    b = uploaded(client, csv_bytes([["Part number"], ["STM32F405RGT6"], ["NEO-M8N"]]), "b.csv", name="B")
    comparison = client.get(f"/api/compare?ids={a['id']}&ids={b['id']}").json()
    assert [t["name"] for t in comparison["teardowns"]] == ["A (v1)", "B (v1)"]
    assert comparison["teardowns"][1]["by_country"] == {"CH": 2}
    response = client.get(f"/api/compare?ids={a['id']}")
    assert (response.status_code, response.json()["detail"]) == (422, "Choose between 2 and 20 cases to compare.")


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = {(path, method) for path, methods in spec["paths"].items() for method in methods}
    assert {("/api/cases", "post"), ("/api/cases", "get"), ("/api/cases/{case_id}", "get"),
            ("/api/cases/{case_id}", "delete"), ("/api/cases/{case_id}/result", "get"),
            ("/api/cases/{case_id}/analyses", "post"), ("/api/cases/{case_id}/decisions", "post"),
            ("/api/cases/{case_id}/export", "get"), ("/api/cases/{case_id}/review", "get"),
            ("/api/cases/{case_id}/download/{fmt}", "get"), ("/api/compare", "get")} <= paths
    upload_schema = spec["paths"]["/api/cases"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload_schema["schema"]["required"] == ["file"]
    assert not any(path.startswith("/cases") for path, _ in paths)  # the pages are not API


def test_an_unexpected_error_is_a_json_500_without_traceback(tmp_path: Path) -> None:
    calls = {"n": 0}
    catalog = mini_catalog()

    def flaky() -> Any:
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("disk on fire /secret/path")
        return catalog

    with app_client(tmp_path / "data", catalogs=flaky) as client:
        case = uploaded(client)
        response = decide(client, case["id"], line_id="t.csv::3", decision="set_maker", value="onsemi",
                          reviewer="Bob")
        assert (response.status_code, response.json()) == (
            500, {"detail": "Internal error (RuntimeError). The server log has the details."})
        page = client.get(f"/cases/{case['id']}/review")
        assert page.status_code == 200


def test_demo_starts_with_the_shipped_example_as_a_case_once(data: Path) -> None:
    with app_client(data, demo=True) as client:
        [case] = client.get("/api/cases").json()
        done = wait_done(client, case["id"])
        assert done["name"] == "Illustrative teardown (example)"
        result = client.get(f"/api/cases/{case['id']}/result").json()
        assert result["summary"]["lines"] == 18
    with app_client(data, demo=True) as client:
        assert len(client.get("/api/cases").json()) == 1
