"""compare: teardowns side by side from result.json files and spreadsheets; shares, makers common to
all, compare.html (golden) and compare.xlsx read back; unreadable inputs listed, not fatal."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bomtrace.catalogs import Catalog
from bomtrace.cli import app
from bomtrace.compare import Comparison, compare, write_compare
from bomtrace.models import InputInfo
from bomtrace.pipeline import Options
from bomtrace.report.html import render_compare
from bomtrace.report.jsonout import write_json
from tests import reportdata
from tests.test_report_html import check_golden

STAMP = "2026-03-01T12:00:00+00:00"


@pytest.fixture
def results(tmp_path: Path) -> list[Path]:
    """Two result.json files: the report test teardown, and a second one without ST, u-blox or TI."""
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    write_json(reportdata.result(), first)
    kept = [line for line in reportdata.lines() if line.line.source.row in (5, 6, 8, 9)]
    other = dataclasses.replace(reportdata.result(kept), inputs=[InputInfo("geran-2.xlsx", "0" * 64, [])])
    write_json(other, second)
    return [first / "result.json", second / "result.json"]


@pytest.fixture
def spreadsheet(make_xlsx: Callable[..., Path]) -> Path:
    return make_xlsx({"Parts": [("Part number", "Manufacturer"), ("XC7Z020", ""), ("IRF540N", ""),
                                ("NEO-M8N", "u-blox"), ("LM358", "")]}, name="mohajer-6.xlsx")


def test_result_files_side_by_side(results: list[Path]) -> None:
    found = compare(results, Options(generated_at=STAMP))
    assert [(t.name, t.lines) for t in found.teardowns] == [("shahed-136.xlsx", 8), ("geran-2.xlsx", 4)]
    assert found.countries == ["US", "CH", "possible", None]  # the IRF540N maker conflict is only possible
    assert found.common == ["Microchip Technology", "Xilinx"]
    first, second = found.teardowns
    assert (first.share(first.by_country["US"]), second.share(second.by_country["US"])) == (0.375, 0.5)
    assert found.companies[0] == ("Microchip Technology", "US")
    assert (found.issues, found.failed) == ([], [])


def test_a_spreadsheet_is_analysed_as_its_own_teardown(results: list[Path], spreadsheet: Path,
                                                       mini: Catalog) -> None:
    found = compare([*results, spreadsheet], Options(generated_at=STAMP), catalog=mini)
    assert [t.name for t in found.teardowns] == ["shahed-136.xlsx", "geran-2.xlsx", "mohajer-6.xlsx"]
    assert found.teardowns[2].by_country == {"US": 2, "CH": 1, None: 1}
    assert found.common == ["Xilinx"]


def test_unreadable_inputs_are_listed_and_the_rest_compared(results: list[Path], tmp_path: Path) -> None:
    bogus = tmp_path / "other.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    found = compare([results[0], bogus, tmp_path / "missing.json"], Options(generated_at=STAMP))
    assert [t.name for t in found.teardowns] == ["shahed-136.xlsx"]
    assert [i.message for i in found.issues] == [
        ("Not a bomtrace result.json (schema_version 1) in other.json. Give a result.json written by "
        "`bomtrace analyze`, or the spreadsheet itself."),
        "File not found in missing.json. Check the path."]
    assert found.failed == [str(bogus), str(tmp_path / "missing.json")]


def test_repeated_names_are_numbered(results: list[Path]) -> None:
    found = compare([results[0], results[0]], Options(generated_at=STAMP))
    assert [t.name for t in found.teardowns] == ["shahed-136.xlsx", "shahed-136.xlsx (2)"]


@pytest.fixture
def comparison(results: list[Path]) -> Comparison:
    return compare(results, Options(generated_at=STAMP))


def test_compare_page_matches_golden(comparison: Comparison, update_golden: bool) -> None:
    check_golden("compare.html", render_compare(comparison), update_golden)


def test_compare_page_escapes_names(comparison: Comparison) -> None:
    hostile = dataclasses.replace(comparison.teardowns[0], name="<img src=x onerror=alert(1)>")
    html = render_compare(dataclasses.replace(comparison, teardowns=[hostile, *comparison.teardowns[1:]]))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_compare_workbook_reads_back(comparison: Comparison, tmp_path: Path) -> None:
    paths = write_compare(comparison, tmp_path / "out")
    assert [p.name for p in paths] == ["compare.html", "compare.xlsx"]
    book = openpyxl.load_workbook(paths[1])
    assert book.sheetnames == ["Teardowns", "By country", "By company", "Common"]
    countries = [list(r) for r in book["By country"].iter_rows(values_only=True)]
    assert countries == [["country", "code", "shahed-136.xlsx", "geran-2.xlsx"],
                         ["United States", "US", 0.375, 0.5], ["Switzerland", "CH", 0.25, 0],
                         ["Possible (not counted)", "possible", 0.125, 0.25], ["Unresolved", None, 0.25, 0.25]]
    assert [r[0] for r in book["Common"].iter_rows(min_row=2, values_only=True)] == comparison.common
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)


def test_cli_compare_writes_both_files_and_reports_failures(results: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    bogus = tmp_path / "bogus.json"
    bogus.write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(results[0]), str(results[1]), str(bogus), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: Not valid JSON (JSONDecodeError) in bogus.json. Give a result.json written by `bomtrace analyze`."]
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.xlsx"]
