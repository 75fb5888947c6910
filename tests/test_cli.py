"""The CLI: exact error lines on stderr, exit codes, outputs written only for what succeeded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bomtrace import __version__
from bomtrace.cli import app
from tests.conftest import MINI

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "good.csv"
    path.write_text("Marking,Manufacturer\nVP230,Texas Instruments\nLM358,\n", encoding="utf-8")
    return path


def test_version() -> None:
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"bomtrace {__version__}\n")


def test_analyze_writes_json_and_csv(tmp_path: Path, good_csv: Path) -> None:
    out = tmp_path / "out"
    result = invoke("analyze", good_csv, "--out", out, "--catalog", MINI, "--format", "json,csv")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["lines.csv", "result.json"]
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert data["summary"]["headline"] == ("1 of 2 components (50%) was made by 1 company based in the "
                                           "United States")
    assert "1 of 2 components (50%) was made by 1 company based in the United States." in result.stdout
    table_rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in table_rows] == ["United States", "unresolved"]


def test_missing_input_one_line_error_and_exit_1(tmp_path: Path) -> None:
    result = invoke("analyze", tmp_path / "nope.xlsx", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: File not found in nope.xlsx. Check the path.",
                                          "Error: no input could be read; nothing written."]
    assert not (tmp_path / "out").exists()


def test_one_bad_input_does_not_stop_the_good_one(tmp_path: Path, good_csv: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"garbage")
    out = tmp_path / "out"
    result = invoke("analyze", bad, good_csv, "--out", out, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: Workbook is corrupt (not a valid .xlsx) in broken.xlsx. Open and save it again in Excel."]
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert data["issues"][0] == {"source": "broken.xlsx", "message": "Workbook is corrupt (not a valid .xlsx) "
                                 "in broken.xlsx. Open and save it again in Excel."}
    assert data["summary"]["lines"] == 2


def test_no_part_column_error_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Photo,Comment\n1.jpg,board\n", encoding="utf-8")
    result = invoke("analyze", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("Error: No sheet with a part number, marking or manufacturer "
                                             "column in notes.csv. Give the header row with --header-row N, or name "
                                             "the columns with --map \"HEADER=part_number\".")


@pytest.mark.parametrize("args,fragment", [
    (["--basis", "country"], "choose brand or owner"),
    (["--format", "pdf"], "unknown format(s) pdf"),
    (["--map", "nonsense"], "'nonsense' is not HEADER=FIELD"),
    (["--map", "Позначка=colour"], "unknown field 'colour'"),
    (["--header-row", "Board=first"], "'Board=first' is not N or SHEET=N"),
    (["--header-row", "0"], "'0' is not N or SHEET=N"),
])
def test_usage_errors_exit_2(good_csv: Path, tmp_path: Path, args: list[str], fragment: str) -> None:
    result = invoke("analyze", good_csv, "--out", tmp_path / "o", *args)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_invalid_user_catalog_refuses_to_start(tmp_path: Path, good_csv: Path) -> None:
    bad = tmp_path / "cat"
    bad.mkdir()
    (bad / "manufacturers.csv").write_text("id,name,aliases,country,domain,parent,source\n"
                                           "acme,Acme,,XX,,,basis\n", encoding="utf-8")
    result = invoke("analyze", good_csv, "--catalog", bad, "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        ("Error: Catalog has 1 problem(s), first: manufacturers.csv:2: column country: 'XX' is not an ISO "
        "3166-1 alpha-2 country code. Run `bomtrace catalog validate` on it and fix the rows it names.")]


def test_catalog_stats_json_is_one_object() -> None:
    result = invoke("catalog", "stats", "--json")
    assert result.exit_code == 0
    counts = json.loads(result.stdout)
    assert {"manufacturers", "families", "grammar_rules", "parts"} <= set(counts)
    assert all(isinstance(v, int) for k, v in counts.items() if not isinstance(v, dict))
    tiers = counts["manufacturers_by_tier"]
    assert counts["manufacturers"] == tiers["curated"] + tiers["registry"] == sum(
        counts["manufacturers_by_country"].values())
    assert counts["manufacturers_with_country_and_source"] == counts["manufacturers"]
    assert set(counts["registry_by_confidence"]) <= {"probable", "possible"}


def test_catalog_validate_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "cat"
    bad.mkdir()
    (bad / "manufacturers.csv").write_text(
        "id,name,aliases,country,domain,parent,source\n"
        "acme,Acme,,XX,,,basis\n"
        "beta,Beta,Acme,US,,,basis\n"
        "gamma,Gamma,,US,,nobody,basis\n", encoding="utf-8")
    (bad / "ownership.csv").write_text("manufacturer,date,event,other,source\n"
                                       "beta,2020-13-01,acquired_by,gamma,basis\n", encoding="utf-8")
    (bad / "families.csv").write_text("prefix,manufacturer,category,series,ambiguous,source\n"
                                      "ZZQ,nobody,mcu,,,basis\n", encoding="utf-8")
    result = invoke("catalog", "validate", bad)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "manufacturers.csv:2: column country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "ownership.csv:2: column date: '2020-13-01' is not a date (YYYY-MM-DD)",
        "manufacturers: gamma: parent 'nobody' is not a manufacturer",
        "families.csv:2: column manufacturer: 'nobody' is not a manufacturer",
    ]


def test_every_command_has_help() -> None:
    for args in (["--help"], ["analyze", "--help"], ["demo", "--help"], ["compare", "--help"],
                 ["serve", "--help"], ["catalog", "stats", "--help"], ["catalog", "validate", "--help"],
                 ["catalog", "import", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_skipped_sheets_and_bad_cells_are_warned_about(tmp_path: Path, make_xlsx) -> None:
    path = make_xlsx({"Notes": [["Photo", "Comment"], ["1.jpg", "board"]],
                      "Parts": [["Marking", "Maker", "Qty"], ["VP230", "TI", "two"]]})
    result = invoke("analyze", path, "--out", tmp_path / "out", "--catalog", MINI, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        ("Warning: Sheet skipped: no part number, marking or manufacturer column in its first rows in "
        "t.xlsx/Notes. Name the column with --map \"HEADER=part_number\" if it is there under another name."),
        "Warning: Quantity 'two' is not a whole number of pieces in t.xlsx/Parts row 2; counted as 1."]


def test_header_row_option_reads_the_parts_under_a_summary_table(tmp_path: Path, make_xlsx) -> None:
    path = make_xlsx({"Board": [["Module", "Manufacturer", "Quantity", "Notes"], ["FC", "TI", "1", "summary"],
                                [], ["Маркування", "Виробник"], ["VP230", "TI"]]})
    result = invoke("analyze", path, "--out", tmp_path / "o", "--catalog", MINI, "--format", "json",
                    "--header-row", "Board=4")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "o" / "result.json").read_text(encoding="utf-8"))
    assert data["inputs"][0]["sheets"][0]["header_row"] == 4
    assert [(line["id"], line["company"]) for line in data["lines"]] == [("t.xlsx:Board:5", "Texas Instruments")]
