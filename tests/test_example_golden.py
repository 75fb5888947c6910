"""The shipped example's expected breakdown, checked against a reviewed golden file.

Rewrite with `pytest --update-golden` after a deliberate change, then read the diff before committing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bomtrace import resources
from bomtrace.pipeline import Options, run
from bomtrace.report import to_json_dict

GOLDEN = Path(__file__).parent / "golden" / "example-breakdown.json"


def breakdown_of_example() -> dict[str, Any]:
    example = resources.examples_dir() / "illustrative-teardown.xlsx"
    data = to_json_dict(run([example], Options(generated_at="2026-01-01T00:00:00+00:00")))
    return {
        "summary": data["summary"],
        "by_country": data["by_country"],
        "by_sample": [{k: s[k] for k in ("sample", "lines", "headline")} for s in data["by_sample"]],
        "lines": [
            {"id": line["id"], "company": line["company"], "country": line["country"],
             "confidence": line["confidence"], "method": line["match"]["method"],
             "catalog_part": line["match"]["catalog_part"], "flags": line["flags"]}
            for line in data["lines"]
        ],
    }


def test_example_breakdown_matches_golden(update_golden: bool) -> None:
    actual = breakdown_of_example()
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_example_says_it_is_illustrative() -> None:
    import openpyxl

    book = openpyxl.load_workbook(resources.examples_dir() / "illustrative-teardown.xlsx")
    assert str(book.active["A1"].value).startswith("ILLUSTRATIVE EXAMPLE - not a real teardown")
