"""The command line on what ingest now tells: the row ledger per sheet, unread columns as warnings, a
--map naming a header no sheet has as a usage error, quantities as people write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bomtrace.cli import app
from bomtrace.models import quantity_of
from tests.conftest import MINI
from tests.test_ledger import ukrainian_csv

runner = CliRunner()


def test_the_summary_gives_each_sheets_ledger_and_warns_about_the_unread_column(tmp_path: Path) -> None:
    path = tmp_path / "ua.csv"
    path.write_bytes(ukrainian_csv().encode("cp1251"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(path), "--catalog", str(MINI), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "ua.csv: 14 rows read, 13 lines, 1 skipped (1 no content in read columns)" in result.stdout.splitlines()
    assert ("Warning: Column 'Тип/познач.' (14 values, e.g. 'SN65HVD230') was not read in ua.csv. Map it with --map "
            "'Тип/познач.=part_number'.") in result.stderr.splitlines()
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    [entry] = data["inputs"]
    assert entry["encoding"] == "cp1251"
    assert entry["rows"] == [{"sheet": None, "read": 14, "lines": 13, "skipped": {"no content in read columns": 1},
                              "issues": 2}]
    assert entry["sheets"][0]["unread_columns"] == [
        {"column": 1, "header": "№", "values": 14, "example": "1", "reason": "ignored"},
        {"column": 2, "header": "Тип/познач.", "values": 14, "example": "SN65HVD230", "reason": "not recognised"}]
    mapped = runner.invoke(app, ["analyze", str(path), "--catalog", str(MINI), "--out", str(out), "--format", "json",
                                 "--map", "Тип/познач.=part_number"])
    assert "ua.csv: 14 rows read, 14 lines, 0 skipped" in mapped.stdout.splitlines()
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert [line["quantity"] for line in data["lines"]][:3] == [2, 1, 2]


def test_a_map_naming_a_header_no_sheet_has_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Marking,Maker\nVP230,Texas Instruments\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path), "--map", "Typo=part_number", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert ("Invalid value for --map: No sheet has a column headed 'Typo', named in the column mapping. "
            "Headers found: 'Marking', 'Maker'.") in " ".join(result.stderr.replace("│", " ").split())
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("text,quantity", [
    ("2", 2), ("2,0", 2), ("3.0", 3), ("2 шт.", 2), ("2 шт", 2), ("2шт.", 2), ("2 pcs", 2), ("2 PCS", 2),
    ("2 pc.", 2), ("x2", 2), ("х2", 2), ("×2", 2), ("2x", 2), (" 4 ", 4),
    ("2.5", None), ("0", None), ("-1", None), ("", None), ("two", None), ("2 шт. 3", None), ("1e3", None),
    ("2-3", None), ("≈2", None),
])
def test_quantities_as_people_write_them(text: str, quantity: int | None) -> None:
    assert quantity_of(text) == quantity
