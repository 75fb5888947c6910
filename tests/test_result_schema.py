"""result.json follows its shipped JSON Schema (schema_version 1), and keeps input text exact."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from bomtrace import resources
from bomtrace.catalogs import Catalog
from bomtrace.pipeline import Options, run
from bomtrace.report import to_json_dict, write_outputs


def result_for(tmp_path: Path, mini: Catalog, text: str) -> dict:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return to_json_dict(run([path], Options(generated_at="2026-01-01T00:00:00+00:00"), catalog=mini))


def test_result_validates_against_schema(tmp_path: Path, mini: Catalog) -> None:
    schema = json.loads(resources.data_file("result.schema.json").read_text(encoding="utf-8"))
    data = result_for(tmp_path, mini, "Sample,Marking,Manufacturer,Country\nA,VP230,TI,US\nA,LM358,,\n"
                                      "B,STM32F405RGT6,,CH\nB,Capacitor,Acme,\n")
    jsonschema.validate(data, schema)
    assert [s["sample"] for s in data["by_sample"]] == ["A", "B"]
    assert data["lines"][0]["source"] == {"file": "t.csv", "sheet": None, "row": 2}
    assert data["lines"][0]["id"] == "t.csv::2"


def test_result_keeps_crafted_cells_exact_and_csv_defuses_them(tmp_path: Path, mini: Catalog) -> None:
    crafted = '=HYPERLINK("http://x.invalid","VP230")'
    path = tmp_path / "t.csv"
    path.write_text(f'Marking,Manufacturer\n"{crafted.replace(chr(34), chr(34) * 2)}",<script>x</script>\n'
                    "+cmd|' /C calc'!A0,@SUM(1)\n", encoding="utf-8")
    result = run([path], Options(generated_at="2026-01-01T00:00:00+00:00"), catalog=mini)
    data = to_json_dict(result)
    assert data["lines"][0]["marking"] == crafted
    assert data["lines"][0]["manufacturer_reported"] == "<script>x</script>"
    write_outputs(result, tmp_path / "out", ["csv"])
    text = (tmp_path / "out" / "lines.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+cmd" in text and "'@SUM(1)" in text
    assert ",=HYPERLINK" not in text and ",+cmd" not in text


def test_result_json_is_streamed_byte_for_byte_as_the_contract_dict(tmp_path: Path) -> None:
    from tests.reportdata import result as report_result

    result = report_result()
    path = write_outputs(result, tmp_path, ["json"])[0]
    assert path.read_text(encoding="utf-8") == json.dumps(to_json_dict(result), ensure_ascii=False, indent=2) + "\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary file left


def test_the_streaming_encoder_writes_what_json_dumps_writes_for_awkward_text_and_numbers() -> None:
    from bomtrace.report.jsonout import LazyLines, json_chunks

    awkward = {"text": "a\"b\\c\n\t\x01\x1f\x7f\u2028\u202e𝔘 Ω <script>", "numbers": [0, -1, 2**53, 0.1, 87.5, 0.0001,
               0.0123, 1e16, 3.0], "empty": [[], {}, None, True, False, ""], "nested": {"k": [{"x": [1, {"y": []}]}]}}
    document = {"first": awkward, "lines": [awkward, {}], "none": [], "last": "end"}
    expected = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    streamed = {**document, "lines": LazyLines([])}
    assert b"".join(json_chunks(document)).decode("utf-8") == expected
    assert b"".join(json_chunks(streamed)).decode("utf-8") == expected.replace(
        json.dumps(document["lines"], ensure_ascii=False, indent=2).replace("\n", "\n  "), "[]")
    # below 1e-4 a float is written in another notation (0.00001 for 1e-05), its value the same
    tiny = {"share": 1e-05, "score": 5e-324}
    assert json.loads(b"".join(json_chunks(tiny))) == tiny


def test_lines_csv_is_streamed_byte_for_byte_as_one_buffer_would_be(tmp_path: Path) -> None:
    import csv
    import io

    from bomtrace.report.csvout import COLUMNS, TASK_FORCE_COLUMNS, csv_rows
    from tests.reportdata import lines, result

    many = result(lines() * 300)  # 2,400 lines: more than one batch of rows
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS + TASK_FORCE_COLUMNS)
    writer.writerows(csv_rows(many))
    path = write_outputs(many, tmp_path, ["csv"])[0]
    assert path.read_bytes() == buffer.getvalue().encode("utf-8-sig")
