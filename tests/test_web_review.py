"""The review flow through the JSON API in-process (real SQLite, real files, the real worker): a file
whose header is not recognised is mapped, an unresolved line is decided by a candidate maker, a maker
the catalog lacks is added to the unit's catalog and chosen, the headline changes and the audit keeps
every step. Also the basis per case, progress, the look-ups and the unit makers' edits and refusals.

The teardown rows are illustrative (real part numbers, invented boards); the unit maker added is a
real company with its own site as source."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import TestClient, app_client, csv_bytes, wait_done

#: Illustrative rows under headers no synonym names ("Chip", "Firm").
UNRECOGNISED = [["Board", "Chip", "Firm"], ["FC", "LM358", ""], ["PWR", "GRM188R71H104KA93D", "Murata"],
                ["GNSS", "NEO-M8N", ""], ["RF", "AD9364", ""]]
#: Murata Manufacturing, headquartered in Nagaokakyo, Kyoto (its corporate site).
MURATA = {"name": "Murata Manufacturing", "country": "JP", "source": "https://corporate.murata.com/en-global/",
          "aliases": ["Murata"], "note": "not in the server's catalogs", "by": "Ann"}


def upload(client: TestClient, rows: list[list[str]], filename: str = "t.csv") -> dict[str, Any]:
    response = client.post("/api/cases", files={"file": (filename, csv_bytes(rows))}, data={"uploader": "Ann"})
    assert response.status_code == 201, response.text
    return wait_done(client, response.json()["id"])


def rerun(client: TestClient, case_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/cases/{case_id}/analyses", json=body)
    assert response.status_code == 202, response.text
    return wait_done(client, case_id)


def decide(client: TestClient, case_id: str, **body: str) -> Any:
    return client.post(f"/api/cases/{case_id}/decisions", json=body)


def headline(case: dict[str, Any]) -> str:
    return str(case["analyses"][0]["summary"]["headline"])


def line(client: TestClient, case_id: str, line_id: str) -> dict[str, Any]:
    lines = client.get(f"/api/cases/{case_id}/result").json()["lines"]
    found: dict[str, Any] = next(x for x in lines if x["id"] == line_id)
    return found


def test_map_an_unrecognised_header_pick_a_candidate_add_a_maker_and_the_headline_changes(
        client: TestClient) -> None:
    case = upload(client, UNRECOGNISED)
    assert case["status"] == "failed" and case["sheets"][0]["headers"] == ["Board", "Chip", "Firm"]
    case = rerun(client, case["id"], mapping={"Board": "module", "Chip": "part_number", "Firm": "manufacturer"})
    before = headline(case)
    assert before == "1 of 4 components (25%) was made by 1 company based in Switzerland"  # a tie with the US

    queue = client.get(f"/api/cases/{case['id']}/review").json()
    assert [x["id"] for x in queue] == ["t.csv::2", "t.csv::3"]
    candidates = [o["id"] for o in queue[0]["match"]["maker_options"]]
    assert candidates == ["onsemi", "stmicroelectronics", "texas-instruments"]  # the makers its detail names
    response = decide(client, case["id"], line_id="t.csv::2", decision="set_maker", value=candidates[2],
                      note="TI logo on the package (illustrative)", reviewer="Bob")
    assert response.status_code == 201
    assert queue[1]["match"]["detail"] == "the maker named, 'Murata', is in no catalog"

    response = client.post("/api/unit-makers", json=MURATA)
    assert response.status_code == 201, response.text
    murata = response.json()
    assert (murata["name"], murata["country"], murata["tier"]) == ("Murata Manufacturing", "JP", "unit")
    assert [m["id"] for m in client.get("/api/makers", params={"q": "murata"}).json()] == [murata["id"]]
    response = decide(client, case["id"], line_id="t.csv::3", decision="set_maker", value=murata["id"],
                      reviewer="Bob")
    assert response.status_code == 201
    case = wait_done(client, case["id"])

    assert headline(case) == "2 of 4 components (50%) were made by 2 companies based in the United States"
    summary = case["analyses"][0]["summary"]
    assert (summary["resolved"], summary["unresolved"], summary["decisions"]) == (4, 0, 2)
    decided = line(client, case["id"], "t.csv::3")
    assert (decided["company"], decided["country"], decided["match"]["method"]) == (
        "Murata Manufacturing", "JP", "override")
    assert client.get(f"/api/cases/{case['id']}/review").json() == []
    catalogs = client.get(f"/api/cases/{case['id']}/result").json()["catalogs"]
    assert [(c["name"], c["version"], c["entries"]) for c in catalogs][1:] == [("unit", "1", 1)]  # the unit layer

    actions = [(a["action"], a["actor"]) for a in client.get("/api/audit").json()]
    assert ("maker.add", "Ann") in actions
    decisions = [a["detail"] for a in client.get("/api/audit", params={"case_id": case["id"]}).json()
                 if a["action"] == "decision.add"]
    assert [(d["line_id"], d["value"]) for d in decisions] == [("t.csv::2", "texas-instruments"),
                                                              ("t.csv::3", murata["id"])]


def test_a_unit_maker_is_offered_to_later_cases_and_read_from_their_maker_column(client: TestClient) -> None:
    assert client.post("/api/unit-makers", json=MURATA).status_code == 201
    case = upload(client, [["Part number", "Manufacturer"], ["GRM188R71H104KA93D", "Murata"]])
    assert line(client, case["id"], "t.csv::2")["country"] == "JP"


@pytest.mark.parametrize("change, field, message", [
    ({"name": " "}, "name", "The maker's name is empty. Give the company's name as it writes it."),
    ({"country": "XX"}, "country", "'XX' is not a country code. Give the ISO 3166 two-letter code"),
    ({"source": ""}, "source", "The source is empty. Give the company's website"),
    ({"name": "TI"}, "name", "'TI' is already the name of Texas Instruments (US, texas-instruments). Use that maker"),
    ({"aliases": ["Analog Devices Inc"]}, "aliases",
     "'Analog Devices Inc' is already the name of Analog Devices (US, analog-devices)"),
])
def test_a_maker_that_cannot_be_added_is_422_naming_the_field(client: TestClient, change: dict[str, Any],
                                                              field: str, message: str) -> None:
    response = client.post("/api/unit-makers", json={**MURATA, **change})
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(message)
    assert client.get("/api/unit-makers").json() == []


def test_a_unit_maker_edited_keeps_its_id_and_retired_leaves_its_decisions_reported(client: TestClient) -> None:
    murata = client.post("/api/unit-makers", json=MURATA).json()
    response = client.put(f"/api/unit-makers/{murata['id']}", json={**MURATA, "name": "Murata Manufacturing Co., Ltd."})
    assert (response.status_code, response.json()["id"], response.json()["name"]) == (
        200, murata["id"], "Murata Manufacturing Co., Ltd.")
    case = upload(client, [["Part number", "Manufacturer"], ["GRM188R71H104KA93D", ""]])
    assert decide(client, case["id"], line_id="t.csv::2", decision="set_maker", value=murata["id"],
                  reviewer="Bob").status_code == 201
    wait_done(client, case["id"])
    response = client.delete(f"/api/unit-makers/{murata['id']}", params={"by": "Ann", "note": "duplicate"})
    assert response.status_code == 200
    assert client.get("/api/unit-makers").json() == []
    case = rerun(client, case["id"])
    assert case["status"] == "done"
    issues = client.get(f"/api/cases/{case['id']}/result").json()["issues"]
    assert any(murata["id"] in i["message"] for i in issues)  # the decision is reported, not dropped
    assert [d["value"] for d in client.get(f"/api/cases/{case['id']}/decisions").json()] == [murata["id"]]
    audit = [a["action"] for a in client.get("/api/audit").json()]
    assert audit.count("maker.add") == audit.count("maker.edit") == audit.count("maker.retire") == 1


def test_set_maker_by_a_typed_name_stores_the_id_and_an_unknown_one_suggests(client: TestClient) -> None:
    case = upload(client, [["Part number", "Manufacturer"], ["LM358", ""]])
    assert decide(client, case["id"], line_id="t.csv::2", decision="set_maker", value="Texas Instruments",
                  reviewer="Bob").status_code == 201
    assert client.get(f"/api/cases/{case['id']}/decisions").json()[0]["value"] == "texas-instruments"
    response = decide(client, case["id"], line_id="t.csv::2", decision="set_maker", value="Texas",
                      reviewer="Bob")
    assert response.status_code == 422
    assert response.json()["detail"] == ("No maker 'Texas' in the catalogs. Did you mean: Texas Instruments (US)? "
                                         "Pick one from the list, or add the maker first.")


def test_look_ups_for_the_pickers(client: TestClient) -> None:
    makers = client.get("/api/makers", params={"q": "analog"}).json()
    assert makers[0] == {"id": "analog-devices", "name": "Analog Devices", "country": "US",
                         "aliases": ["ADI", "Analog Devices Inc"], "source": makers[0]["source"],
                         "tier": makers[0]["tier"]}
    parts = client.get("/api/parts", params={"q": "AD936"}).json()
    assert {(p["part_number"], p["manufacturer"], p["country"]) for p in parts} >= {("AD9364", "analog-devices", "US")}
    assert client.get("/api/parts", params={"q": "A"}).json() == []  # too short to narrow anything


def test_basis_per_case_and_progress_in_the_case_status(client: TestClient) -> None:
    case = upload(client, [["Part number", "Manufacturer"], ["IRF540", "International Rectifier"]])
    analysis = case["analyses"][0]
    assert (analysis["basis"], analysis["lines_done"], analysis["lines_total"]) == ("brand", 1, 1)
    assert line(client, case["id"], "t.csv::2")["country"] == "US"
    case = rerun(client, case["id"], basis="owner")
    assert (case["analyses"][0]["basis"], case["analyses"][0]["reason"]) == ("owner", "basis")
    assert line(client, case["id"], "t.csv::2")["country"] == "DE"  # Infineon's
    case = rerun(client, case["id"])
    assert case["analyses"][0]["basis"] == "owner"  # kept until changed
    response = client.post(f"/api/cases/{case['id']}/analyses", json={"basis": "parent"})
    assert response.status_code == 422


def test_a_decision_whose_line_is_gone_stays_listed_as_orphaned(tmp_path: Path) -> None:
    with app_client(tmp_path / "data") as client:
        case = upload(client, [["Part number", "Manufacturer"], ["LM358", ""], ["NEO-M8N", ""]])
        decide(client, case["id"], line_id="t.csv::2", decision="reject", note="unreadable", reviewer="Bob")
        wait_done(client, case["id"])
        # row 2 read as the header row: line t.csv::2 is gone
        rerun(client, case["id"], header_rows={"": 2}, mapping={"LM358": "part_number"})
        page = client.get(f"/cases/{case['id']}/review").text
        assert "<b>orphaned</b>: no such line in v3" in page
        assert [d["line_id"] for d in client.get(f"/api/cases/{case['id']}/decisions").json()] == ["t.csv::2"]


def test_two_reviewers_deciding_one_line_at_once_are_both_kept_and_the_later_wins(client: TestClient) -> None:
    case = upload(client, [["Part number", "Manufacturer"], ["LM358", ""]])
    start = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def review(reviewer: str, maker: str) -> None:
        start.wait()
        answers[reviewer] = decide(client, case["id"], line_id="t.csv::2", decision="set_maker", value=maker,
                                   reviewer=reviewer)

    threads = [threading.Thread(target=review, args=args) for args in (("Bob", "onsemi"), ("Cy", "texas-instruments"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r: a.status_code for r, a in answers.items()} == {"Bob": 201, "Cy": 201}
    decisions = client.get(f"/api/cases/{case['id']}/decisions").json()
    assert sorted(d["reviewer"] for d in decisions) == ["Bob", "Cy"]
    later = max(decisions, key=lambda d: d["id"])
    wait_done(client, case["id"])
    decided = line(client, case["id"], "t.csv::2")
    assert decided["company"] == {"onsemi": "onsemi", "texas-instruments": "Texas Instruments"}[later["value"]]
    assert f"by {later['reviewer']} in web review #{later['id']}" in decided["match"]["detail"]
    audit = [a for a in client.get("/api/audit", params={"case_id": case["id"]}).json() if a["action"] == "decision.add"]
    assert sorted(a["actor"] for a in audit) == ["Bob", "Cy"]
