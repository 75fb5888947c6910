"""Crafted inputs (tests/crafted.py): each costs one line naming the file (sheet and row where known)
and the rest of the work completes. Outcomes and messages only: the time and memory each takes are
measured by bench/ingest_bench.py, never asserted here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bomtrace.catalogs import Catalog
from bomtrace.cli import app
from bomtrace.decisions import read_decisions
from bomtrace.errors import OverridesError
from bomtrace.pipeline import Options, run
from bomtrace.report import write_outputs
from tests import crafted
from tests.conftest import MINI

BOMB = (r"Workbook expands [\d,]+ times its packed size \(to 30 MB\), over the 100:1 ratio limit in {name}\. "
        r"This looks like a zip bomb; if it is a real teardown, split it, or raise the limit \(--max-ratio\)\.")
ROWS = (r"Sheet has text in row 200,001, over the 200,000-row limit in {place} row 200001\. If it is a real "
        r"teardown, split it, or raise the limit \(--max-rows\)\.")
#: crafted input -> the one line it must cost, as a pattern (None: it is read, see the next table)
FAILS = {
    "zip bomb .xlsx": BOMB.format(name=r"bomb\.xlsx"),
    "zip bomb .xlsm": BOMB.format(name=r"bomb\.xlsm"),
    "zip bomb .xls": BOMB.format(name=r"bomb\.xls"),
    "zip bomb .ods": BOMB.format(name=r"bomb\.ods"),
    "zip bomb .csv": BOMB.format(name=r"bomb\.csv"),
    "repeated columns .ods": (r"Workbook needs more than the 256 MB its reader may use \(the reader was stopped by "
                              r"signal \d+\) in repeated\.ods\. If it is a real teardown, save it as \.xlsx or CSV "
                              r"\(read in a stream\), or raise Limits\.reader_memory_floor and reader_memory_bytes\."),
    "1M-row sheet .xlsx": ROWS.format(place=r"million\.xlsx/S"),
    "1M-row sheet .csv": ROWS.format(place=r"million\.csv"),
}
#: crafted input that is read -> (lines, the warning it must carry)
READ = {
    "far cell (XFD)": (500, ("Text right of the columns read (first in column XFD) was not read in far.xlsx/S row "
                             "1. Move it into the table, or raise the limit (--max-columns).")),
    "huge merge A1:XFD1048576": (2, ("Merged range A1:XFD1048576 holds text in more than its first cell; it was "
                                     "read cell by cell, not filled, in merge.xlsx/S.")),
    "NUL and RTL text": (202, "Cells held control or direction characters (U+202E), removed in nul-rtl.csv row 203."),
}
GOOD = "Marking,Manufacturer\nVP230,Texas Instruments\nAD9364,Analog Devices\n"


def crafted_file(folder: Path, name: str) -> Path:
    """Write one crafted input into `folder`."""
    filename, make = crafted.CRAFTED[name]
    path = folder / filename
    path.write_bytes(make())
    return path


def test_every_crafted_input_is_tested() -> None:
    assert set(FAILS) | set(READ) == set(crafted.CRAFTED)


@pytest.mark.parametrize("name", FAILS)
def test_a_crafted_file_costs_one_line_and_the_rest_is_analysed(tmp_path: Path, mini: Catalog, name: str) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = run([crafted_file(tmp_path, name), good], Options(generated_at="2026-01-01T00:00:00+00:00"),
                 catalog=mini)
    [issue] = result.issues
    assert re.fullmatch(FAILS[name], issue.message), issue.message
    assert "\n" not in issue.message
    assert [r.line.get("marking") for r in result.lines] == ["VP230", "AD9364"]
    assert [r.attribution.company for r in result.lines] == ["Texas Instruments", "Analog Devices"]


@pytest.mark.parametrize("name", READ)
def test_a_crafted_file_that_can_be_read_is_read_with_a_warning(tmp_path: Path, mini: Catalog, name: str) -> None:
    lines, warning = READ[name]
    result = run([crafted_file(tmp_path, name)], Options(generated_at="2026-01-01T00:00:00+00:00"), catalog=mini)
    assert len(result.lines) == lines
    assert warning in [issue.message for issue in result.issues]


def test_nul_and_direction_overrides_reach_no_output(tmp_path: Path, mini: Catalog) -> None:
    result = run([crafted_file(tmp_path, "NUL and RTL text")], Options(generated_at="2026-01-01T00:00:00+00:00"),
                 catalog=mini)
    assert [r.line.get("marking") for r in result.lines[-2:]] == ["VP230", "AD4639"]
    assert "Cells held control or direction characters (U+0000), removed in nul-rtl.csv row 202." in [
        issue.message for issue in result.issues]
    written = write_outputs(result, tmp_path / "out", ["json", "csv", "html", "xlsx"])
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(n) for n in archive.namelist())
        text = data.decode("utf-8", errors="replace")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]", text), path.name


def test_a_yaml_alias_bomb_is_one_line_from_the_library_and_the_cli(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_bytes(crafted.alias_bomb())
    with pytest.raises(OverridesError) as caught:
        read_decisions(bomb)
    assert caught.value.message == ("YAML uses an alias (*a at line 2) in bomb.yaml. Write each decision out in "
                                    "full, without &anchor and *alias.")
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(good), "--overrides", str(bomb), "--out", str(tmp_path / "o")])
    assert (result.exit_code, result.stderr) == (1, ("Error: YAML uses an alias (*a at line 2) in bomb.yaml. Write "
                                                     "each decision out in full, without &anchor and *alias.\n"))


def test_limits_are_settable_on_the_command_line_and_named_when_exceeded(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(good), "--max-rows", "2", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("Error: Sheet has text in row 3, over the 2-row limit in good.csv row 3. "
                                             "If it is a real teardown, split it, or raise the limit (--max-rows).")
    bomb = crafted_file(tmp_path, "zip bomb .xlsx")
    result = CliRunner().invoke(app, ["analyze", str(bomb), str(good), "--max-ratio", "1000", "--max-expanded-mb",
                                      "10", "--catalog", str(MINI), "--out", str(out), "--format", "json"])
    assert result.stderr.splitlines()[0] == (
        "Error: Workbook expands to 30 MB, over the 10 MB limit in bomb.xlsx. This looks like a zip bomb; if it "
        "is a real teardown, split it, or raise the limit (--max-expanded-mb).")
    assert json.loads((out / "result.json").read_text(encoding="utf-8"))["summary"]["lines"] == 2
    wide = tmp_path / "wide.csv"
    wide.write_text("Marking,Manufacturer,Qty\nVP230,Texas Instruments,2\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(wide), "--max-columns", "2", "--out", str(out)])
    assert "Warning: Text right of the columns read (first in column C) was not read in wide.csv row 1" in result.stderr
