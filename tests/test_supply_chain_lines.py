"""Suppliers and importers in a teardown: split off the maker cell (and read from their own columns),
kept on the line with their country where a catalog knows the name, shown in every output; a maker
cell that names only suppliers yields no maker and an issue. Party names are real OFAC SDN entities
(entry numbers in tests/cases/supply_chain.csv); the cells are illustrative combinations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from bomtrace import Options, run
from bomtrace.catalogs import Catalog
from bomtrace.report import write_outputs

CELLS = [
    ("Part number", "Manufacturer", "Постачальник"),
    ("SN65HVD230", "Texas Instruments Suppliers SINNO ELECTRONICS CO., LIMITED Importers LLC IQ COMPONENTS", ""),
    ("STM32F405RGT6", "STMicroelectronics", "JOTRIN ELECTRONICS LIMITED"),
    ("NEO-M8N", "Suppliers: SHENZHEN BIGUANG TRADING CO., LTD", ""),
]


def teardown(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(CELLS)
    return path


def test_parties_are_split_off_and_the_maker_still_resolved(tmp_path: Path, mini: Catalog) -> None:
    result = run([teardown(tmp_path)], Options(generated_at="2026-01-01T00:00:00+00:00"), catalog=mini)
    first, second, third = result.lines
    assert (first.attribution.company, first.match.confidence) == ("Texas Instruments", "confirmed")
    assert [(p.role, p.name) for p in first.supply_chain] == [
        ("supplier", "SINNO ELECTRONICS CO., LIMITED"), ("importer", "LLC IQ COMPONENTS")]
    assert [(p.role, p.name) for p in second.supply_chain] == [("supplier", "JOTRIN ELECTRONICS LIMITED")]
    assert third.supply_chain[0].name == "SHENZHEN BIGUANG TRADING CO., LTD"
    assert "unknown_maker" not in third.flags  # the supplier is not taken for the maker
    assert [i.message for i in result.issues] == [
        ("The maker cell of t.csv row 4 names only suppliers or importers (SHENZHEN BIGUANG TRADING CO., "
        "LTD); no maker.")]


def test_every_output_shows_the_named_parties(tmp_path: Path, mini: Catalog) -> None:
    result = run([teardown(tmp_path)], Options(generated_at="2026-01-01T00:00:00+00:00"), catalog=mini)
    out = tmp_path / "out"
    write_outputs(result, out)
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert data["lines"][1]["supply_chain"] == [
        {"role": "supplier", "name": "JOTRIN ELECTRONICS LIMITED", "country": None}]
    rows = list(csv.DictReader(io.StringIO((out / "lines.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["supply_chain"] == "supplier: SINNO ELECTRONICS CO., LIMITED; importer: LLC IQ COMPONENTS"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="supply-chain"' in html and "JOTRIN ELECTRONICS LIMITED" in html
    sheet = openpyxl.load_workbook(out / "report.xlsx")["Supply chain"]
    assert [c.value for c in sheet[1]] == ["role", "company", "country", "lines", "line ids"]
    assert sheet.max_row == 5  # four parties, one line each
