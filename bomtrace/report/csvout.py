"""lines.csv: one row per line, UTF-8 with BOM so Excel shows Cyrillic, formula-looking cells defused."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from bomtrace.models import LineResult, Result
from bomtrace.report.files import atomic_write_chunks
from bomtrace.report.jsonout import line_dict

COLUMNS = ("id", "file", "sheet", "row", "sample", "module", "part_number", "marking", "date_code",
           "manufacturer_reported", "company", "owner", "country", "category", "hs6", "confidence",
           "method", "evidence", "score", "catalog_part", "source", "detail", "flags", "supply_chain")
#: lines.csv's columns after COLUMNS (the workbook's Lines sheet shows COLUMNS; its task-force sheets these)
TASK_FORCE_COLUMNS = ("made_in", "made_in_mark", "owner_at_date", "owner_today", "owner_changed", "screening")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> str:
    """A cell a spreadsheet will show as text: a leading ' before = + - @ tab or CR (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def supply_chain_text(parties: list[dict[str, str | None]]) -> str:
    """'supplier: X (RU); importer: Y' for one cell."""
    return "; ".join(f"{p['role']}: {p['name']}" + (f" ({p['country']})" if p["country"] else "") for p in parties)


def csv_rows(result: Result) -> list[list[str]]:
    """Every line as lines.csv's cells."""
    return list(iter_csv_rows(result))


def iter_csv_rows(result: Result) -> Iterator[list[str]]:
    """The lines as lines.csv's cells, one at a time."""
    for r in result.lines:
        flat = flat_line(r)
        yield [defuse(flat.get(column)) for column in COLUMNS + TASK_FORCE_COLUMNS]


def flat_line(r: LineResult) -> dict[str, Any]:
    """A line as the tables show it (lines.csv, the workbook's Lines sheet), by column: its result.json
    fields with those of its source and match brought up, flags and supply chain as text, and the
    task-force cells; numbers stay numbers."""
    d = line_dict(r, maker_options=False)
    flat = {**d, **d["source"], **{k: d["match"][k] for k in ("method", "evidence", "score", "catalog_part",
                                                              "source", "detail")}}
    flat["flags"] = ";".join(d["flags"])
    flat["supply_chain"] = supply_chain_text(d["supply_chain"])
    flat.update(task_force_cells(d))
    return flat


def task_force_cells(d: dict[str, Any]) -> dict[str, str]:
    """A line's made-in, owner-at-date and screening as text cells: the country and the mark that
    decided it; the owner at the part's date and today's, 'yes' when they differ; each hit's detail."""
    made, owner = d["made_in"] or {}, d["owner_at_date"] or {}
    return {
        "made_in": made.get("country", ""),
        "made_in_mark": made.get("mark", ""),
        "owner_at_date": owner.get("owner", "") if owner.get("made") else "",
        "owner_today": owner.get("today", ""),
        "owner_changed": "yes" if owner.get("changed") else ("ambiguous" if owner.get("ambiguous") else ""),
        "screening": "; ".join(h["detail"] for h in d["screening"]),
    }


def write_lines_csv(result: Result, out: Path) -> Path:
    """DIR/lines.csv, written a thousand rows at a time: a large result is never held whole."""
    return atomic_write_chunks(out / "lines.csv", _encoded(result))


def _encoded(result: Result, batch: int = 1000) -> Iterator[bytes]:
    """lines.csv's bytes: the BOM and the header, then the rows in batches."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS + TASK_FORCE_COLUMNS)
    yield codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    rows = iter_csv_rows(result)
    while chunk := list(islice(rows, batch)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
        yield buffer.getvalue().encode("utf-8")
