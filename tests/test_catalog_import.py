"""`bomtrace catalog import`: a distributor export into the parts schema, makers resolved by name."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from bomtrace.cli import app
from bomtrace.pipeline import Options, run

runner = CliRunner()

EXPORT = ("Mfr Part #,Manufacturer,Description,Datasheet\n"
          "TPS5450DDAR,Texas Instruments,5.5-V to 36-V 5-A step-down converter,https://www.ti.com/product/TPS5450\n"
          "ADXL362BCCZ-RL7,Analog Devices Inc.,3-axis MEMS accelerometer,https://www.analog.com/en/products/adxl362.html\n"
          "XYZ123,Acme Widgets,unknown maker,https://example.invalid/xyz\n")


def test_import_maps_columns_resolves_makers_and_reports_unknown_ones(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(EXPORT, encoding="utf-8")
    out = tmp_path / "ours"
    result = runner.invoke(app, ["catalog", "import", str(source), "--map", "Mfr Part #=part_number",
                                 "--map", "Manufacturer=manufacturer", "--map", "Description=description",
                                 "--map", "Datasheet=source", "--default", "category=other-ic",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        ("skipped: export.csv row 4: maker 'Acme Widgets' is not in the catalog; add it to a "
        "manufacturers.csv first")]
    with (out / "parts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["part_number"], r["manufacturer"], r["category"]) for r in rows] == [
        ("TPS5450DDAR", "texas-instruments", "other-ic"), ("ADXL362BCCZ-RL7", "analog-devices", "other-ic")]
    assert "wrote 2 row(s)" in result.stdout and "valid" in result.stdout


def test_imported_catalog_layers_over_the_shipped_one(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(EXPORT, encoding="utf-8")
    out = tmp_path / "ours"
    runner.invoke(app, ["catalog", "import", str(source), "--map", "Mfr Part #=part_number", "--map",
                        "Manufacturer=manufacturer", "--map", "Datasheet=source", "--default",
                        "category=power-ic", "--out", str(out), "--name", "unit-export"])
    teardown = tmp_path / "t.csv"
    teardown.write_text("Part Number\nTPS5450DDAR\n", encoding="utf-8")
    result = run([teardown], Options(catalogs=(str(out),)))
    line = result.lines[0]
    assert (line.match.method, line.match.catalog_part) == ("exact", "TPS5450DDAR")
    assert [c.name for c in result.catalogs] == ["bomtrace-shipped", "unit-export"]


def test_import_without_a_source_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(EXPORT, encoding="utf-8")
    result = runner.invoke(app, ["catalog", "import", str(source), "--map", "Mfr Part #=part_number",
                                 "--map", "Manufacturer=manufacturer", "--default", "category=other-ic",
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: No column or default for source. Name a column with --map "
                                     "COLUMN=FIELD or a value with --default FIELD=VALUE.")
