"""result.json, schema_version 1: names are a contract (add fields freely, never rename)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bomtrace import __version__
from bomtrace.models import Breakdown, LineResult, Result
from bomtrace.report.files import atomic_write_bytes

SCHEMA_VERSION = 1


def line_dict(r: LineResult) -> dict[str, Any]:
    """One line as result.json carries it."""
    m, a, s = r.match, r.attribution, r.line.source
    return {
        "id": r.id,
        "source": {"file": s.file, "sheet": s.sheet, "row": s.row},
        "sample": r.line.get("sample") or None,
        "module": r.line.get("module") or None,
        "raw": r.line.raw,
        "part_number": r.line.get("part_number") or m.matched_text,
        "marking": r.line.get("marking") or None,
        "description": r.line.get("description") or None,
        "quantity": r.quantity,
        "date_code": r.parsed.date_code,
        "manufacturer_reported": r.line.get("manufacturer") or None,
        "country_reported": r.line.get("country") or None,
        "company": a.company,
        "company_id": a.company_id,
        "owner": a.owner,
        "country": a.country,
        "category": a.category,
        "hs6": a.hs6,
        "chpl_tier": a.chpl_tier,
        "match": {
            "method": m.method,
            "score": round(m.score, 1),
            "catalog_part": m.catalog_part,
            "runner_up": m.runner_up,
            "detail": m.detail,
            "source": m.source,
            "evidence": m.evidence,
            "maker_options": [{"id": o.id, "name": o.name, "country": o.country} for o in m.maker_options],
        },
        "confidence": m.confidence,
        "flags": list(r.flags),
        "supply_chain": [{"role": p.role, "name": p.name, "country": p.country} for p in r.supply_chain],
    }


def breakdown_dict(b: Breakdown) -> dict[str, Any]:
    return {
        "summary": asdict(b.summary),
        "by_country": [{**asdict(row), "share": round(row.share, 4)} for row in b.by_country],
        "by_company": [asdict(row) for row in b.by_company],
    }


def to_json_dict(result: Result) -> dict[str, Any]:
    """The whole result as the result.json contract."""
    overall = breakdown_dict(result.breakdown)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bomtrace", "version": __version__},
        "generated_at": result.generated_at,
        "inputs": [
            {"path": i.path, "sha256": i.sha256,
             "sheets": [{"name": s.name, "header_row": s.header_row, "mapping": s.mapping,
                         "lines": s.lines, "skipped": s.skipped} for s in i.sheets]}
            for i in result.inputs
        ],
        "catalogs": [asdict(c) for c in result.catalogs],
        "basis": result.basis,
        "as_of": result.as_of,
        "summary": overall["summary"],
        "by_country": overall["by_country"],
        "by_company": overall["by_company"],
        "by_sample": [
            {"sample": name, "lines": b.summary.lines, "headline": b.summary.headline,
             "by_country": breakdown_dict(b)["by_country"]}
            for name, b in result.by_sample
        ],
        "lines": [line_dict(r) for r in result.lines],
        "issues": [{"source": i.source, "message": i.message} for i in result.issues],
    }


def write_json(result: Result, out: Path) -> Path:
    """DIR/result.json, UTF-8, keys in contract order."""
    text = json.dumps(to_json_dict(result), ensure_ascii=False, indent=2) + "\n"
    return atomic_write_bytes(out / "result.json", text.encode("utf-8"))
