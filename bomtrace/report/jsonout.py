"""result.json, schema_version 1: names are a contract (add fields freely, never rename)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from bomtrace import __version__, task_force
from bomtrace.models import Breakdown, InputInfo, Issue, LineResult, OwnerAtDate, Result, ScreeningHit
from bomtrace.report.files import atomic_write_chunks
from bomtrace.screening import MIN_KEY
from bomtrace.vocabulary import place

SCHEMA_VERSION = 1


def line_dict(r: LineResult, *, maker_options: bool = True) -> dict[str, Any]:
    """One line as result.json carries it; without the makers a family's number may be from
    (`match.maker_options`, up to dozens a line) for the tables, which do not show them."""
    m, a, s = r.match, r.attribution, r.line.source
    d: dict[str, Any] = {
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
        },
        "confidence": m.confidence,
        "flags": list(r.flags),
        "supply_chain": [{"role": p.role, "name": p.name, "country": p.country} for p in r.supply_chain],
        "made_in": {"country": r.made_in.country, "mark": r.made_in.mark} if r.made_in else None,
        "owner_at_date": owner_dict(r.ownership) if r.ownership else None,
        "screening": [hit_dict(h) for h in r.screening],
    }
    if maker_options:
        d["match"]["maker_options"] = [{"id": o.id, "name": o.name, "country": o.country} for o in m.maker_options]
    return d


def owner_dict(o: OwnerAtDate) -> dict[str, Any]:
    """A line's owner at the part's date and today's, as result.json carries it."""
    return {"owner": o.owner, "owner_id": o.owner_id, "country": o.country, "today": o.today,
            "today_id": o.today_id, "today_country": o.today_country, "made": o.made or None,
            "changed": o.changed, "ambiguous": o.ambiguous, "events": list(o.events), "detail": o.detail}


def hit_dict(h: ScreeningHit) -> dict[str, Any]:
    """A name match against a sanctions-list entry, as result.json carries it."""
    return {"role": h.role, "party": h.party, "party_country": h.party_country, "named_as": h.named_as or None,
            "list": h.list, "entry": h.entry, "entry_name": h.entry_name, "matched_name": h.matched_name,
            "name_kind": h.name_kind, "programs": list(h.programs), "countries": list(h.countries),
            "name_date": h.name_date, "published": h.published, "designated": h.designated or None,
            "detail": h.detail}


SCREENING_RULE = (f"A named party (maker as reported and as the catalog names it, owner, supplier, importer) is "
                  f"listed when its name equals a list entry's name, alias or former name after normalisation "
                  f"(transliterated, lower case, legal forms and punctuation removed; no fuzzy matching; names "
                  f"shorter than {MIN_KEY} characters once normalised are not screened), and, where both sides "
                  f"give a country, the party's country is one of the entry's listed address countries. A hit "
                  f"says that a name matches a list entry, not that the party is the listed entity.")


def screening_dict(result: Result) -> dict[str, Any]:
    """The run's screening: the rule, the lists with their dates, and every hit with its lines."""
    return {
        "rule": SCREENING_RULE,
        "lists": [{"list": s.list, "published": s.published, "entries": s.entries, "origin": s.origin,
                   "files": [{"file": f, "date": d, "fields": fields} for f, d, fields in s.files]}
                  for s in result.sanctions_lists],
        "lines_with_hits": task_force.parties_screened(result.lines),
        "hits": [{**hit_dict(row.hit), "lines": list(row.lines)} for row in task_force.screening_rows(result.lines)],
    }


def made_in_dicts(result: Result) -> dict[str, Any]:
    """Lines by printed country of assembly ('not printed' its own row), and brand x made-in pairs."""
    return {
        "by_made_in": [asdict(row) for row in task_force.by_made_in(result.lines)],
        "brand_by_made_in": [asdict(row) for row in task_force.brand_by_made_in(result.lines)],
    }


def input_dict(i: InputInfo, issue_counts: Mapping[str, int]) -> dict[str, Any]:
    """One input: its hash, encoding, sheets (header row, mapping, unread columns) and row ledger."""
    return {
        "path": i.path, "sha256": i.sha256, "encoding": i.encoding,
        "sheets": [{"name": s.name, "header_row": s.header_row, "mapping": s.mapping, "lines": s.lines,
                    "skipped": s.skipped, "unread_columns": [asdict(c) for c in s.unread]} for s in i.sheets],
        "rows": [{"sheet": s.name, "read": s.rows_read, "lines": s.lines, "skipped": s.skipped_rows,
                  "issues": issue_counts.get(place(i.path, s.name), 0)} for s in i.sheets],
    }


def issues_by_place(issues: Iterable[Issue]) -> Counter[str]:
    """How many issues name each sheet (`file/sheet`), a row of it (`file/sheet row N`) counted under
    the sheet."""
    counts: Counter[str] = Counter()
    for issue in issues:
        base, sep, row = issue.source.rpartition(" row ")
        counts[base if sep and row.isdigit() else issue.source] += 1
    return counts


def breakdown_dict(b: Breakdown) -> dict[str, Any]:
    return {
        "summary": asdict(b.summary),
        "by_country": [{**asdict(row), "share": round(row.share, 4)} for row in b.by_country],
        "by_company": [asdict(row) for row in b.by_company],
    }


def to_json_dict(result: Result, *, lazy_lines: bool = False) -> dict[str, Any]:
    """The whole result as the result.json contract (its lines made as they are walked, with
    `lazy_lines`, for the streaming writer)."""
    overall = breakdown_dict(result.breakdown)
    counts = issues_by_place(result.issues)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bomtrace", "version": __version__},
        "generated_at": result.generated_at,
        "inputs": [input_dict(i, counts) for i in result.inputs],
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
        "lines": LazyLines(result.lines) if lazy_lines else [line_dict(r) for r in result.lines],
        "issues": [{"source": i.source, "message": i.message} for i in result.issues],
        "screening": screening_dict(result),
        **made_in_dicts(result),
        "owner_at_date": {"changed": [r.id for r in task_force.owner_changed(result.lines)],
                          "ambiguous": [r.id for r in task_force.owner_ambiguous(result.lines)]},
    }


class LazyLines:
    """The lines as the streaming writer walks them: each line's dict made when it is written, so a
    result of 200,000 lines is never held as dicts (nor as one string) at once."""

    def __init__(self, lines: Sequence[LineResult]) -> None:
        self.lines = lines

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (line_dict(r) for r in self.lines)


def _indented(value: Any, depth: int) -> bytes:
    """`value` as json.dumps(value, ensure_ascii=False, indent=2) writes it `depth` levels deep (a JSON
    string holds no raw newline, so every newline is the layout's)."""
    encoded: bytes = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    return encoded.replace(b"\n", b"\n" + b"  " * depth) if depth else encoded


def json_chunks(document: dict[str, Any]) -> Iterator[bytes]:
    """The document as json.dumps(document, ensure_ascii=False, indent=2) writes it, made piece by
    piece: a LazyLines value one line at a time."""
    yield b"{"
    for n, (key, value) in enumerate(document.items()):
        yield (b",\n  " if n else b"\n  ") + orjson.dumps(key) + b": "
        if not isinstance(value, LazyLines):
            yield _indented(value, 1)
            continue
        empty = True
        for d in value:
            yield (b"[\n    " if empty else b",\n    ") + _indented(d, 2)
            empty = False
        yield b"[]" if empty else b"\n  ]"
    yield b"\n}\n"


def _batched(chunks: Iterator[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    batch: list[bytes] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(batch)
            batch, held = [], 0
    yield b"".join(batch)


def write_json(result: Result, out: Path) -> Path:
    """DIR/result.json, UTF-8, keys in contract order, indented by two; encoded as it is written (by
    orjson, a line at a time), so a large result never sits in memory as one string."""
    return atomic_write_chunks(out / "result.json", _batched(json_chunks(to_json_dict(result, lazy_lines=True))))
