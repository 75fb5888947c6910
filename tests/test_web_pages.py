"""The pages in-process: upload form, case page with the detected mapping, correction, review,
report, compare, delete, error pages; every input-derived string escaped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bomtrace.web.store import Store
from tests.web_support import GOOD_CSV, MAPPING_ROWS, TestClient, csv_bytes, wait_done, xlsx_bytes


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token a page's forms carry (GET sets the browser's CSRF cookie)."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def post_upload(client: TestClient, content: bytes, filename: str = "t.csv", **fields: str) -> Any:
    data = {"csrf": csrf(client), "name": "Case", "uploader": "Ann", **fields}
    return client.post("/cases", data=data, files={"file": (filename, content)}, follow_redirects=False)


def case_id_of(response: Any) -> str:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/cases/([0-9a-f]{16})", response.headers["location"])
    assert found
    return found.group(1)


def test_index_has_the_upload_form_and_the_cases(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'enctype="multipart/form-data"' in page.text and 'id="drop"' in page.text
    assert "No case yet." in page.text
    case_id = case_id_of(post_upload(client, GOOD_CSV, name="Shahed A"))
    wait_done(client, case_id)
    page = client.get("/").text
    assert f'href="/cases/{case_id}">Shahed A</a>' in page
    assert "2 of 3 components (67%) were made by 2 companies based in the United States" in page


def test_upload_form_leads_to_the_case_page_with_headline_and_detected_columns(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, csv_bytes(MAPPING_ROWS), "board.csv"))
    first = client.get(f"/cases/{case_id}").text
    assert 'http-equiv="refresh"' in first or 'id="headline"' in first
    wait_done(client, case_id)
    page = client.get(f"/cases/{case_id}").text
    assert 'http-equiv="refresh"' not in page
    assert re.search(r'id="headline">\d+ of 3 components', page)
    assert 'value="1" aria-label="header row of CSV"></label> (detected)' in page.replace("\n", " ")
    assert "5 rows read, 3 lines, 2 skipped (2 no content in read columns)." in page
    assert '<option value="" selected>(not used)</option>' in page  # the Chip column
    assert '<option value="manufacturer" selected>' in page
    assert client.cookies.get("bomtrace_name") == "Ann"


def test_a_refused_upload_shows_its_reason_on_the_form(client: TestClient, data: Path) -> None:
    response = post_upload(client, b"%PDF-1.7", "scan.pdf")
    assert response.status_code == 415
    assert 'id="error" role="alert">Unsupported file type &#39;.pdf&#39; in scan.pdf.' in response.text
    assert Store(data / "bomtrace.sqlite3").cases() == []
    assert not any((data / "blobs").iterdir())


def test_correcting_a_column_runs_a_new_version(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, csv_bytes(MAPPING_ROWS), "board.csv"))
    wait_done(client, case_id)
    form = {"csrf": csrf(client, f"/cases/{case_id}"), "header": ["Board", "Chip", "Maker"],
            "field": ["module", "part_number", "manufacturer"], "requested_by": "Ann"}
    response = client.post(f"/cases/{case_id}/analyses", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/cases/{case_id}")
    case = wait_done(client, case_id)
    assert [(a["version"], a["mapping"]) for a in case["analyses"]] == [
        (2, {"Board": "module", "Chip": "part_number", "Maker": "manufacturer"}), (1, {})]
    page = client.get(f"/cases/{case_id}").text
    assert "5 rows read, 5 lines, 0 skipped." in page
    assert '<option value="part_number" selected>' in page


def test_a_detected_column_can_be_set_to_not_used_and_stays_so(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, csv_bytes(MAPPING_ROWS), "board.csv"))
    wait_done(client, case_id)
    form = {"csrf": csrf(client, f"/cases/{case_id}"), "header": ["Board", "Chip", "Maker"],
            "field": ["module", "part_number", "ignore"], "requested_by": "Ann"}
    client.post(f"/cases/{case_id}/analyses", data=form, follow_redirects=False)
    case = wait_done(client, case_id)
    assert case["analyses"][0]["mapping"] == {"Board": "module", "Chip": "part_number", "Maker": "ignore"}
    page = client.get(f"/cases/{case_id}").text
    maker_row = page[page.index('aria-label="field for Maker"'):]
    assert maker_row[:maker_row.index("</select>")].count(" selected") == 1
    assert '<option value="ignore" selected>(not used)</option>' in maker_row
    lines = client.get(f"/api/cases/{case_id}/result").json()["lines"]
    assert all(line["manufacturer_reported"] is None for line in lines)


def test_a_header_row_typed_on_the_case_page_is_used_and_shown_as_given(client: TestClient) -> None:
    rows = [["Module", "Manufacturer", "Quantity", "Notes"], ["FC", "TI", "1", "summary"], [],
            ["Marking", "Maker"], ["SN65HVD230", "Texas Instruments"]]
    case_id = case_id_of(post_upload(client, xlsx_bytes(rows), "board.xlsx"))
    wait_done(client, case_id)
    form = {"csrf": csrf(client, f"/cases/{case_id}"), "header": [], "field": [], "row_sheet": ["Teardown"],
            "header_row": ["4"], "detected_row": ["1"], "requested_by": "Ann"}
    client.post(f"/cases/{case_id}/analyses", data=form, follow_redirects=False)
    case = wait_done(client, case_id)
    assert case["analyses"][0]["header_rows"] == {"Teardown": 4}
    page = client.get(f"/cases/{case_id}").text.replace("\n", " ")
    assert 'value="4" aria-label="header row of Teardown"></label> (given): 1 row read, 1 line, 0 skipped.' in page
    assert "Header rows given in v2: Teardown row 4" in page
    assert "1 row read, 1 line, 0 skipped." in page
    reset = {"csrf": csrf(client, f"/cases/{case_id}"), "reset": "1", "requested_by": "Ann"}
    client.post(f"/cases/{case_id}/analyses", data=reset, follow_redirects=False)
    assert wait_done(client, case_id)["analyses"][0]["header_rows"] == {}


def test_review_page_records_a_decision_shown_in_the_report(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, csv_bytes([["Marking", "Manufacturer"], ["VP230", "TI"],
                                                        ["QX7781", ""]]), "r.csv"))
    wait_done(client, case_id)
    review = client.get(f"/cases/{case_id}/review").text
    assert "Needs review (1)" in review and 'name="line_id" value="r.csv::3"' in review
    form = {"csrf": csrf(client, f"/cases/{case_id}/review"), "line_id": "r.csv::3", "decision": "set_maker",
            "value": "Texas Instruments", "note": "TI logo", "reviewer": "Bob"}
    response = client.post(f"/cases/{case_id}/decisions", data=form, follow_redirects=False)
    assert response.headers["location"] == f"/cases/{case_id}/review"
    wait_done(client, case_id)
    review = client.get(f"/cases/{case_id}/review").text
    assert "Needs review (0)" in review and "Decided in v2 (1)" in review
    report = client.get(f"/cases/{case_id}/report").text
    assert "maker set to Texas Instruments by Bob in web review #1" in report[report.index('id="overrides"'):]


def test_a_bad_decision_shows_its_reason_on_the_review_page(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, GOOD_CSV))
    wait_done(client, case_id)
    form = {"csrf": csrf(client, f"/cases/{case_id}/review"), "line_id": "t.csv::3", "decision": "set_part",
            "value": "", "reviewer": "Bob"}
    response = client.post(f"/cases/{case_id}/decisions", data=form)
    assert response.status_code == 422
    assert 'id="error" role="alert">The value is missing. Fill it in and send again.' in response.text


def test_report_page_is_the_stored_report_under_a_strict_policy(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, GOOD_CSV))
    wait_done(client, case_id)
    page = client.get(f"/cases/{case_id}/report?version=1")
    assert page.content == client.get(f"/cases/{case_id}/download/html").content
    assert "script-src" not in page.headers["content-security-policy"]
    assert "form-action 'none'" in page.headers["content-security-policy"]


def test_compare_page_sets_cases_side_by_side(client: TestClient) -> None:
    a = case_id_of(post_upload(client, GOOD_CSV, name="Geran-2 A"))
    b = case_id_of(post_upload(client, csv_bytes([["Part number"], ["NEO-M8N"]]), "b.csv", name="Geran-2 B"))
    wait_done(client, a), wait_done(client, b)
    page = client.get(f"/compare?ids={a}&ids={b}").text
    assert "2 teardowns side by side" in page
    assert "Geran-2 A (v1)" in page and "Geran-2 B (v1)" in page


def test_delete_form_removes_the_case(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, GOOD_CSV))
    wait_done(client, case_id)
    form = {"csrf": csrf(client, f"/cases/{case_id}"), "by": "Ann"}
    response = client.post(f"/cases/{case_id}/delete", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 404
    assert 'id="error" role="alert">No such case. It may have been deleted' in page.text


def test_error_pages_are_pages_not_tracebacks(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert (page.status_code, page.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert "No such page. The case list is at /." in page.text and "Traceback" not in page.text
    assert client.get("/cases/0123456789abcdef/report").status_code == 404


def test_every_input_derived_string_is_escaped(client: TestClient) -> None:
    evil = '<script>alert("x")</script>'
    rows = [["Marking", "Manufacturer", "Notes"], ['<img src=x onerror="alert(1)">', evil, evil],
            ["QX1", "", ""]]
    case_id = case_id_of(post_upload(client, csv_bytes(rows), "x.csv", name=evil, uploader=evil))
    wait_done(client, case_id)
    for path in ("/", f"/cases/{case_id}", f"/cases/{case_id}/review", f"/cases/{case_id}/report"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(" in page or "&lt;img src=x" in page, path


# --- the review flow's pages ------------------------------------------------------------------------

def test_a_file_whose_header_is_not_recognised_opens_the_column_editor_with_its_first_rows(
        client: TestClient) -> None:
    response = post_upload(client, csv_bytes([["Board", "Chip"], ["FC", "LM358"]]), "notes.csv")
    case_id = case_id_of(response)  # never a 422 dead end
    wait_done(client, case_id)
    page = client.get(f"/cases/{case_id}").text
    assert 'aria-label="first rows of CSV"' in page
    assert '<th class="n">2</th><td class="wrap">FC</td><td class="wrap">LM358</td>' in page
    assert "aria-label='field for Chip'" in page or 'aria-label="field for Chip"' in page
    assert "--map" not in page  # the web's own words, not the command line's


def test_the_review_page_has_no_default_decision_and_offers_the_lines_candidates(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, csv_bytes([["Part number", "Manufacturer"], ["LM358", ""]])))
    wait_done(client, case_id)
    page = client.get(f"/cases/{case_id}/review").text
    assert '<option value="" selected disabled>choose&hellip;</option>' in page
    assert 'option value="accept" selected' not in page
    candidates = re.findall(r'<option value="([a-z-]+)">[^<]+ \((?:US|CH)\)</option>', page)
    assert candidates == ["onsemi", "stmicroelectronics", "texas-instruments"]
    form = {"csrf": csrf(client, f"/cases/{case_id}/review"), "line_id": "t.csv::2", "decision": "set_maker",
            "maker_option": "stmicroelectronics", "value": "", "reviewer": "Bob"}
    assert client.post(f"/cases/{case_id}/decisions", data=form, follow_redirects=False).status_code == 303
    wait_done(client, case_id)
    page = client.get(f"/cases/{case_id}/review").text
    assert "<td>STMicroelectronics (CH)</td>" in page  # the decision shows the maker, not its id
    assert 'id="before-after"' in client.get(f"/cases/{case_id}").text


def test_a_maker_added_on_the_review_page_with_a_bad_field_is_named_and_what_was_typed_kept(
        client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, GOOD_CSV))
    wait_done(client, case_id)
    review = f"/cases/{case_id}/review"
    form = {"csrf": csrf(client, review), "back": review, "name": "Murata Manufacturing", "country": "JPN",
            "source": "https://corporate.murata.com/en-global/", "aliases": "Murata", "by": "Ann"}
    response = client.post("/makers", data=form)
    assert response.status_code == 422
    assert 'id="maker-error" role="alert">&#39;JPN&#39; is not a country code.' in response.text
    assert 'name="country" maxlength="2" required class="rownum" value="JPN" aria-invalid="true"' in response.text
    assert 'value="Murata Manufacturing"' in response.text
    response = client.post("/makers", data={**form, "country": "JP"}, follow_redirects=False)
    assert response.headers["location"] == review
    assert '<option value="u-murata-manufacturing">Murata Manufacturing (JP)</option>' in client.get(review).text


def test_the_makers_page_edits_and_retires_a_unit_maker(client: TestClient) -> None:
    token = csrf(client, "/makers")
    fields = {"csrf": token, "name": "Murata Manufacturing", "country": "JP",
              "source": "https://corporate.murata.com/en-global/", "by": "Ann"}
    client.post("/makers", data={**fields, "back": "/makers"})
    assert 'id="maker-u-murata-manufacturing"' in client.get("/makers").text
    response = client.post("/makers/u-murata-manufacturing", data={**fields, "country": ""})
    assert response.status_code == 422 and "is not a country code" in response.text
    client.post("/makers/u-murata-manufacturing", data={**fields, "aliases": "Murata"})
    assert 'value="Murata"' in client.get("/makers").text
    client.post("/makers/u-murata-manufacturing/retire", data={"csrf": token, "note": "duplicate", "by": "Ann"})
    assert "In this unit's catalog (0)" in client.get("/makers").text
    actions = [a["action"] for a in client.get("/api/audit").json()]
    assert [a for a in actions if a.startswith("maker.")] == ["maker.add", "maker.edit", "maker.retire"]


def test_the_web_report_links_each_line_to_review_where_the_cli_names_the_overrides_file(
        client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, GOOD_CSV))
    wait_done(client, case_id)
    report = client.get(f"/cases/{case_id}/report").text
    assert f'<a href="/cases/{case_id}/review#l-t.csv%3A%3A3" target="_top" class="fix">fix this line</a>' in report
    assert "--overrides" not in report


def test_the_basis_chosen_on_the_case_page_runs_a_new_version(client: TestClient) -> None:
    case_id = case_id_of(post_upload(client, csv_bytes([["Part number", "Manufacturer"],
                                                        ["IRF540", "International Rectifier"]])))
    wait_done(client, case_id)
    form = {"csrf": csrf(client, f"/cases/{case_id}"), "basis": "owner", "requested_by": "Ann"}
    client.post(f"/cases/{case_id}/analyses", data=form)
    wait_done(client, case_id)
    page = client.get(f"/cases/{case_id}").text
    assert 'id="basis-shown">Basis: owner' in page and "based in Germany" in page
