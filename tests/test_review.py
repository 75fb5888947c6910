"""Review decisions: the round trip analyze -> fill Review -> analyze --overrides changes exactly the
decided lines; decisions by part number; unmatched and failed decisions reported; malformed files
refused with one-line errors. Real parts from tests/fixtures/catalog-mini."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from bomtrace import Options, run
from bomtrace.catalogs import Catalog
from bomtrace.cli import app
from bomtrace.decisions import read_decisions
from bomtrace.errors import OverridesError
from bomtrace.report import to_json_dict, write_outputs
from tests.conftest import MINI

STAMP = "2026-02-01T10:00:00+00:00"
ROWS = [
    ("Module", "Part number", "Marking", "Manufacturer"),
    ("Flight controller", "STM32F405RGT6", "", ""),                     # row 2: confirmed ST
    ("Flight controller", "", "VP230", "Texas Instruments"),            # row 3: confirmed TI
    ("Power", "", "LM358", ""),                                         # row 4: ambiguous, unresolved
    ("Power", "IRF540N", "", "Vishay"),                                 # row 5: IR, unknown maker named
    ("GNSS", "NEO-M8N", "", "u-blox"),                                  # row 6: confirmed u-blox
    ("RF", "AD9364", "", ""),                                           # row 7: confirmed ADI
    ("Power", "LM358", "", ""),                                         # row 8: ambiguous, unresolved
    ("@SUM(A1:A2)", "", '=HYPERLINK("http://evil.example","x")', "<script>alert(1)</script>"),  # row 9
]


@pytest.fixture
def teardown(make_xlsx: Callable[..., Path]) -> Path:
    return make_xlsx({"Parts": ROWS}, name="teardown.xlsx")


def analyse(path: Path, catalog: Catalog, overrides: Path | None = None) -> dict[str, Any]:
    decisions = read_decisions(overrides) if overrides else []
    return to_json_dict(run([path], Options(generated_at=STAMP), decisions, catalog=catalog))


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["id"]: line for line in data["lines"]}


def fill_review(report: Path, decisions: dict[str, tuple[str, str, str, str]], target: Path) -> Path:
    """Fill the Review sheet as a reviewer would: decision, value, note, reviewer per line id."""
    book = openpyxl.load_workbook(report)
    sheet = book["Review"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        line_id = row[header.index("id")].value
        if line_id in decisions:
            for column, value in zip(("decision", "value", "note", "reviewer"), decisions[line_id]):
                row[header.index(column)].value = value
    book.save(target)
    return target


def test_review_round_trip_changes_exactly_the_decided_lines(teardown: Path, mini: Catalog,
                                                              tmp_path: Path) -> None:
    first = run([teardown], Options(generated_at=STAMP), catalog=mini)
    write_outputs(first, tmp_path / "first", ["xlsx"])
    decided = {
        "teardown.xlsx:Parts:4": ("set_maker", "Texas Instruments", "TI logo on the package", "A. Analyst"),
        "teardown.xlsx:Parts:5": ("accept", "", "photo checked", "A. Analyst"),
        "teardown.xlsx:Parts:6": ("reject", "", "a clone module, not u-blox", "B. Reviewer"),
        "teardown.xlsx:Parts:9": ("set_part", "MAX3232", "read from the photo", "B. Reviewer"),
    }
    reviewed = fill_review(tmp_path / "first" / "report.xlsx", decided, tmp_path / "reviewed.xlsx")
    before, after = by_id(to_json_dict(first)), by_id(analyse(teardown, mini, reviewed))
    assert {i for i in before if before[i] != after[i]} == set(decided)
    assert all(after[i]["match"]["method"] == "override" for i in decided)

    tagged = after["teardown.xlsx:Parts:4"]
    assert (tagged["company"], tagged["country"], tagged["confidence"]) == ("Texas Instruments", "US", "confirmed")
    assert tagged["match"]["detail"].startswith("maker set to Texas Instruments by A. Analyst in reviewed.xlsx/"
                                                "Review row 2 (TI logo on the package); was exact 100, unresolved")
    accepted = after["teardown.xlsx:Parts:5"]
    assert (accepted["company"], accepted["confidence"]) == ("International Rectifier", "confirmed")
    assert accepted["match"]["detail"].startswith("accepted by A. Analyst in reviewed.xlsx/Review row ")
    rejected = after["teardown.xlsx:Parts:6"]
    assert (rejected["company"], rejected["country"], rejected["confidence"]) == (None, None, "unresolved")
    assert "rejected by B. Reviewer" in rejected["match"]["detail"]
    assert "(a clone module, not u-blox)" in rejected["match"]["detail"]
    set_part = after["teardown.xlsx:Parts:9"]
    assert (set_part["part_number"], set_part["company"], set_part["match"]["catalog_part"]) == (
        "MAX3232", "Maxim Integrated", "MAX3232")
    assert set_part["marking"] == '=HYPERLINK("http://evil.example","x")'  # the line as read is kept


def test_breakdowns_are_recomputed(teardown: Path, mini: Catalog, tmp_path: Path) -> None:
    decisions = tmp_path / "d.csv"
    decisions.write_text("id,decision,value,note,reviewer\nteardown.xlsx:Parts:6,reject,,clone,C\n",
                         encoding="utf-8")
    before, after = analyse(teardown, mini), analyse(teardown, mini, decisions)
    count = {r["country"]: r["lines"] for r in before["by_country"]}
    assert {r["country"]: r["lines"] for r in after["by_country"]} == {
        **count, "CH": count["CH"] - 1, None: count[None] + 1}
    assert after["summary"]["unresolved"] == before["summary"]["unresolved"] + 1


def test_a_part_number_decision_applies_to_every_line_with_it(teardown: Path, mini: Catalog,
                                                              tmp_path: Path) -> None:
    decisions = tmp_path / "d.csv"
    decisions.write_text("part_number,decision,value,note,reviewer\nlm 358,set_maker,onsemi,,C. Checker\n",
                         encoding="utf-8")
    lines = by_id(analyse(teardown, mini, decisions))
    assert [(i, line["company"]) for i, line in lines.items() if line["match"]["method"] == "override"] == [
        ("teardown.xlsx:Parts:4", "onsemi"), ("teardown.xlsx:Parts:8", "onsemi")]


def test_an_id_decision_wins_over_a_part_number_decision_and_is_reported(teardown: Path, mini: Catalog,
                                                                         tmp_path: Path) -> None:
    decisions = tmp_path / "d.csv"
    decisions.write_text("id,part_number,decision,value,note,reviewer\n"
                         "teardown.xlsx:Parts:8,,set_maker,STMicroelectronics,,C\n"
                         ",LM358,set_maker,onsemi,,C\n", encoding="utf-8")
    data = analyse(teardown, mini, decisions)
    assert by_id(data)["teardown.xlsx:Parts:8"]["company"] == "STMicroelectronics"
    assert by_id(data)["teardown.xlsx:Parts:4"]["company"] == "onsemi"
    assert data["issues"] == [{"source": "d.csv row 2", "message": "Line teardown.xlsx:Parts:8 is decided in "
                               "d.csv row 3 and again in d.csv row 2. The decision in d.csv row 2 applies."}]


def test_unmatched_and_inapplicable_decisions_are_reported_not_dropped(teardown: Path, mini: Catalog,
                                                                       tmp_path: Path) -> None:
    decisions = tmp_path / "d.csv"
    decisions.write_text("id,part_number,decision,value,note,reviewer\n"
                         "teardown.xlsx:Parts:99,,accept,,,C\n"
                         ",TPS54331,reject,,,C\n"
                         "teardown.xlsx:Parts:7,,set_maker,Acme Widgets,,C\n"
                         "teardown.xlsx:Parts:2,,set_part,ZZ9999XQ,,C\n", encoding="utf-8")
    before, data = by_id(analyse(teardown, mini)), analyse(teardown, mini, decisions)
    assert data["issues"] == [
        {"source": "d.csv row 3", "message": "Decision reject for part number 'TPS54331' matches no line in "
         "d.csv row 3. Check it against this run's Review sheet."},
        {"source": "d.csv row 2", "message": "Decision accept for id 'teardown.xlsx:Parts:99' matches no line "
         "in d.csv row 2. Check it against this run's Review sheet."},
        {"source": "d.csv row 5", "message": "Part number 'ZZ9999XQ' set in d.csv row 5 finds no maker; the "
         "line stays unresolved. Check the part number, or use set_maker."},
        {"source": "d.csv row 4", "message": "Unknown maker 'Acme Widgets' for set_maker in d.csv row 4. Use a "
         "maker name or alias from the catalog, or add the maker with --catalog."},
    ]
    assert by_id(data)["teardown.xlsx:Parts:7"] == before["teardown.xlsx:Parts:7"]
    assert by_id(data)["teardown.xlsx:Parts:2"]["confidence"] == "unresolved"


@pytest.mark.parametrize("name,content,message", [
    ("d.csv", "id,decision,value\nx,approve,\n",
     "Unknown decision 'approve' in d.csv row 2. Use accept, reject, set_maker or set_part."),
    ("d.csv", "id,decision,value\nx,accept,\ny,set_part,\n",
     ("set_part without a value in d.csv row 3. Put the maker name (set_maker) or the part number (set_part) "
     "in the value column.")),
    ("d.csv", "id,decision\n,reject\n",
     "Decision names no line in d.csv row 2. Give the line's id (from the Review sheet) or a part number."),
    ("d.csv", "id,verdict\nx,accept\n",
     ("No decision column in d.csv. Give the columns id or part_number, decision, value, note and reviewer "
     "(as the Review sheet has).")),
    ("d.csv", "line,decision\nx,accept\n",
     ("No id or part_number column in d.csv. Give the columns id or part_number, decision, value, note and "
     "reviewer (as the Review sheet has).")),
    ("d.txt", "id,decision\n",
     ("Unsupported overrides file type '.txt' in d.txt. Give the filled report.xlsx, or a .csv or .yaml of "
     "decisions.")),
    ("d.xlsx", b"garbage", "Workbook is corrupt (not a valid .xlsx) in d.xlsx. Open and save it again in Excel."),
])
def test_malformed_overrides_files_get_one_line_errors(tmp_path: Path, name: str, content: str | bytes,
                                                       message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(OverridesError) as error:
        read_decisions(path)
    assert error.value.message == message


def test_a_workbook_without_a_review_sheet_names_the_fix(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"Notes": [("a", "b"), ("1", "2")]}, name="d.xlsx")
    with pytest.raises(OverridesError) as error:
        read_decisions(path)
    assert error.value.message == ("No Review sheet and no sheet with a decision column in d.xlsx. Give the "
                                   "columns id or part_number, decision, value, note and reviewer (as the Review "
                                   "sheet has).")


def test_review_sheet_errors_name_the_sheet_and_row(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"Review": [("id", "decision", "value"), ("x", "", ""), ("y", "maybe", "")]}, name="r.xlsx")
    with pytest.raises(OverridesError) as error:
        read_decisions(path)
    assert error.value.message == ("Unknown decision 'maybe' in r.xlsx/Review row 3. Use accept, reject, "
                                   "set_maker or set_part.")


def test_formula_like_decision_cells_are_read_as_text(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx({"Review": [("id", "decision", "value", "note", "reviewer"),
                                 ("a", "reject", "", "=1+1", "@me")]}, name="r.xlsx")
    [decision] = read_decisions(path)
    assert (decision.note, decision.reviewer, decision.place) == ("=1+1", "@me", "r.xlsx/Review row 2")


def test_yaml_decisions(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("- id: teardown.xlsx:Parts:6\n  decision: reject\n  note: clone\n  reviewer: C\n",
                    encoding="utf-8")
    [decision] = read_decisions(path)
    assert (decision.id, decision.decision, decision.note, decision.place) == (
        "teardown.xlsx:Parts:6", "reject", "clone", "d.yaml row 1")


def test_cli_refuses_a_malformed_overrides_file_before_matching(teardown: Path, tmp_path: Path) -> None:
    bad = tmp_path / "d.csv"
    bad.write_text("id,decision\nx,approve\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(teardown), "--catalog", str(MINI), "--out", str(out),
                                      "--overrides", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: Unknown decision 'approve' in d.csv row 2. Use accept, reject, set_maker or set_part."]
    assert not out.exists()


def test_cli_warns_of_decisions_that_match_nothing(teardown: Path, tmp_path: Path) -> None:
    decisions = tmp_path / "d.csv"
    decisions.write_text("id,decision\nteardown.xlsx:Parts:99,accept\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(teardown), "--catalog", str(MINI), "--out",
                                      str(tmp_path / "out"), "--format", "json", "--overrides", str(decisions)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        ("Warning: Decision accept for id 'teardown.xlsx:Parts:99' matches no line in d.csv row 2. Check it "
        "against this run's Review sheet.")]


def test_the_report_lists_the_decisions_applied(teardown: Path, mini: Catalog, tmp_path: Path) -> None:
    from bomtrace.report.html import render_report

    decisions = tmp_path / "d.csv"
    decisions.write_text("id,decision,value,note,reviewer\n"
                         "teardown.xlsx:Parts:6,reject,,<b>clone</b>,C. Checker\n", encoding="utf-8")
    result = run([teardown], Options(generated_at=STAMP), read_decisions(decisions), catalog=mini)
    html = render_report(result, [])
    applied = html[html.index('id="overrides"'):html.index('id="issues"')]
    assert "<td>reject</td>" in applied
    assert "rejected by C. Checker in d.csv row 2 (&lt;b&gt;clone&lt;/b&gt;)" in applied
    review = html[html.index('id="review"'):html.index('id="charts"')]
    assert "teardown.xlsx<br>" in review and "Parts, row 6" not in review  # decided: no longer up for review


def test_set_maker_by_catalog_id_as_the_web_app_stores_it(teardown: Path, mini: Catalog) -> None:
    from bomtrace.models import Decision

    decision = Decision("set_maker", id="teardown.xlsx:Parts:4", value="texas-instruments", reviewer="A. Analyst",
                        place="web review #1")
    line = next(r for r in run([teardown], Options(generated_at=STAMP), [decision], catalog=mini).lines
                if r.id == "teardown.xlsx:Parts:4")
    assert (line.attribution.company, line.match.method, line.match.confidence) == (
        "Texas Instruments", "override", "confirmed")
    assert line.match.detail.startswith("maker set to Texas Instruments by A. Analyst in web review #1")
