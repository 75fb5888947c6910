"""Review decisions (overrides): read a filled Review sheet, CSV or YAML, and apply it to a Result.

Each decision names a line by `id`, or every line with a `part_number`; an id decision wins over a
part-number one for the same line. accept keeps the match, confirmed; reject leaves the line
unresolved; set_maker names the maker (resolved against the catalog); set_part re-matches the line
with the reviewer's part number. A decided line has method `override` and its detail says who decided
and why. Decisions that match no line, or cannot be applied, become issues; a file that cannot be read
raises OverridesError with the file, sheet and row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bomtrace import aggregate
from bomtrace.attribute import attribute, country_conflict
from bomtrace.catalogs import Catalog
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.errors import InputError, OverridesError
from bomtrace.ingest import Limits, Table, read_tables
from bomtrace.match import resolve_maker
from bomtrace.models import Issue, LineResult, Match, RawLine, Result
from bomtrace.normalize import part_key
from bomtrace.pipeline import Options, analyze_line

DECISIONS = ("accept", "reject", "set_maker", "set_part")
COLUMNS = ("id", "part_number", "decision", "value", "note", "reviewer")
FIX_COLUMNS = "Give the columns id or part_number, decision, value, note and reviewer (as the Review sheet has)."
_TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".tsv"}
_YAML_SUFFIXES = {".yaml", ".yml"}


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision about a line (by id) or every line with a part number."""

    decision: str
    id: str = ""
    part_number: str = ""
    value: str = ""
    note: str = ""
    reviewer: str = ""
    place: str = ""

    @property
    def target(self) -> str:
        """What the decision names, for messages."""
        return f"id {self.id!r}" if self.id else f"part number {self.part_number!r}"


def _place(file: str, sheet: str | None = None, row: int | None = None) -> str:
    return file + (f"/{sheet}" if sheet else "") + (f" row {row}" if row else "")


def _fail(what: str, file: str, fix: str, sheet: str | None = None, row: int | None = None) -> OverridesError:
    return OverridesError(f"{what} in {_place(file, sheet, row)}", fix)


# --- reading -------------------------------------------------------------------------------------

def read_decisions(path: str | Path) -> list[Decision]:
    """The decisions in a filled Review sheet (.xlsx), a .csv/.tsv or a .yaml; blank decisions skipped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _fail("File not found", path.name, "Check the --overrides path.")
    if suffix not in _TABLE_SUFFIXES | _YAML_SUFFIXES:
        raise _fail(f"Unsupported overrides file type {suffix or '(none)'!r}", path.name,
                    "Give the filled report.xlsx, or a .csv or .yaml of decisions.")
    if suffix in _YAML_SUFFIXES:
        return decisions_from_records(_yaml_records(path), path.name, None)
    try:
        tables = read_tables(path.name, path.read_bytes(), Limits())
    except InputError as error:
        raise OverridesError(error.what, error.fix) from error
    table = _decision_table(tables, path.name)
    return decisions_from_records(_records(table.rows, path.name, table.name), path.name, table.name)


def _decision_table(tables: list[Table], file: str) -> Table:
    """A CSV's one table; in a workbook the Review sheet, else the first sheet with a decision column."""
    if len(tables) == 1 and tables[0].name is None:
        return tables[0]
    for table in tables:
        if table.name == "Review":
            return table
    for table in tables:
        if any("decision" in _headers(cells) for _, cells in table.rows[:10]):
            return table
    raise _fail("No Review sheet and no sheet with a decision column", file, FIX_COLUMNS)


def _headers(cells: Iterable[str]) -> list[str]:
    return ["_".join(c.strip().lower().split()) for c in cells]


def _records(rows: list[tuple[int, list[str]]], file: str, sheet: str | None
             ) -> list[tuple[int, dict[str, str]]]:
    """Rows under the header row (the first with a decision column within ten rows) as dicts."""
    for index, (_, cells) in enumerate(rows[:10]):
        header = _headers(cells)
        if "decision" in header:
            return [(number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h})
                    for number, values in rows[index + 1:]]
    raise _fail("No decision column", file, FIX_COLUMNS, sheet)


def _yaml_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """A YAML list of decisions (or {decisions: [...]}); row N is the N-th entry."""
    import yaml  # type: ignore[import-untyped, import-not-found, unused-ignore]

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise _fail(f"Broken YAML ({type(error).__name__})", path.name, "Check the indentation and quoting."
                    ) from error
    if isinstance(data, dict) and "decisions" in data:
        data = data["decisions"]
    if not isinstance(data, list):
        raise _fail("YAML is not a list of decisions", path.name, "Write one mapping per decision, "
                    "each with id or part_number, decision, value, note and reviewer.")
    records = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise _fail("Entry is not a mapping", path.name, "Write each decision as key: value lines.",
                        row=number)
        records.append((number, {str(k).strip().lower(): "" if v is None else str(v) for k, v in item.items()}))
    return records


def decisions_from_records(records: Sequence[tuple[int, dict[str, str]]], file: str, sheet: str | None
                           ) -> list[Decision]:
    """Decisions from (row, {column: text}) records; rows without a decision are not decisions."""
    if records and not any(k in ("id", "part_number") for k in records[0][1]):
        raise _fail("No id or part_number column", file, FIX_COLUMNS, sheet)
    decisions = []
    for number, record in records:
        text = {k: " ".join(str(record.get(k, "")).split()) for k in COLUMNS}
        kind = "_".join(text["decision"].lower().replace("-", " ").split())
        if not kind:
            continue
        if kind not in DECISIONS:
            raise _fail(f"Unknown decision {text['decision']!r}", file,
                        f"Use {', '.join(DECISIONS[:-1])} or {DECISIONS[-1]}.", sheet, number)
        if not text["id"] and not text["part_number"]:
            raise _fail("Decision names no line", file, "Give the line's id (from the Review sheet) or a "
                        "part number.", sheet, number)
        if kind.startswith("set_") and not text["value"]:
            raise _fail(f"{kind} without a value", file, "Put the maker name (set_maker) or the part "
                        "number (set_part) in the value column.", sheet, number)
        decisions.append(Decision(kind, text["id"], text["part_number"], text["value"], text["note"],
                                  text["reviewer"], _place(file, sheet, number)))
    return decisions


# --- applying ------------------------------------------------------------------------------------

def _part_key_of(r: LineResult) -> str:
    return part_key(r.line.get("part_number") or r.match.matched_text or "")


def targets(result: Result, decisions: Sequence[Decision]) -> tuple[dict[int, Decision], list[Issue]]:
    """Which line each decision decides (index -> decision); id decisions are applied last and win."""
    by_id = {r.id: i for i, r in enumerate(result.lines)}
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(result.lines):
        if key := _part_key_of(r):
            by_part[key].append(i)
    chosen: dict[int, Decision] = {}
    issues = []
    for d in sorted(decisions, key=lambda d: bool(d.id)):
        hits = ([by_id[d.id]] if d.id in by_id else []) if d.id else by_part.get(part_key(d.part_number), [])
        if not hits:
            issues.append(Issue(d.place, f"Decision {d.decision} for {d.target} matches no line in "
                                f"{d.place}. Check it against this run's Review sheet."))
        for i in hits:
            if i in chosen:
                issues.append(Issue(d.place, f"Line {result.lines[i].id} is decided in {chosen[i].place} and "
                                    f"again in {d.place}. The decision in {d.place} applies."))
            chosen[i] = d
    return chosen, issues


def apply_overrides(result: Result, decisions: Sequence[Decision], catalog: Catalog,
                    thresholds: Thresholds = DEFAULT) -> Result:
    """A new Result with each decision applied to its lines and the breakdowns recomputed."""
    chosen, issues = targets(result, decisions)
    lines = list(result.lines)
    for i, d in sorted(chosen.items()):
        decided, problem = decide(lines[i], d, catalog, result, thresholds)
        if problem:
            issues.append(Issue(d.place, problem))
        if decided is not None:
            lines[i] = decided
    return replace(result, lines=lines, breakdown=aggregate.breakdown(lines),
                   by_sample=aggregate.by_sample(lines), issues=[*result.issues, *issues])


def _by(d: Decision) -> str:
    """'by NAME (note)' for a detail."""
    return f"by {d.reviewer or 'an unnamed reviewer'} in {d.place}" + (f" ({d.note})" if d.note else "")


def _was(m: Match) -> str:
    return f"was {m.method} {m.score:.0f}, {m.confidence}: {m.detail}"


def _line(r: LineResult, match: Match, catalog: Catalog, result: Result, line: RawLine | None = None
          ) -> LineResult:
    """The line with a new match, attributed on the result's basis, country conflict re-checked."""
    line = line or r.line
    attribution = attribute(match, catalog, result.basis)
    flags = list(match.flags)
    if country_conflict(line.get("country"), attribution.country):
        flags.append("country_conflict")
    return LineResult(line, r.parsed, match, attribution, tuple(flags))


def decide(r: LineResult, d: Decision, catalog: Catalog, result: Result, thresholds: Thresholds = DEFAULT
           ) -> tuple[LineResult | None, str | None]:
    """One decision applied to one line: the decided line (None if it cannot apply) and any problem."""
    old = r.match
    flag = f"review:{d.decision}"
    if d.decision == "accept":
        kept = "confirmed" if old.manufacturer and old.confidence != "unresolved" else old.confidence
        what = "accepted" if kept == "confirmed" else "accepted as unresolved"
        match = replace(old, method="override", confidence=kept, detail=f"{what} {_by(d)}; {_was(old)}",
                        flags=(*old.flags, flag))
        return _line(r, match, catalog, result), None
    if d.decision == "reject":
        match = Match("override", 0.0, "unresolved", None, detail=f"rejected {_by(d)}; {_was(old)}",
                      flags=(flag,), matched_text=old.matched_text)
        return _line(r, match, catalog, result), None
    if d.decision == "set_maker":
        found = resolve_maker(d.value, catalog, thresholds)
        if found is None:
            return None, (f"Unknown maker {d.value!r} for set_maker in {d.place}. Use a maker name or alias "
                          "from the catalog, or add the maker with --catalog.")
        maker = catalog.manufacturers[found.maker]
        read = "" if found.how == "name" else f" ({d.value!r} read as {maker.name})"
        match = Match("override", 100.0, "confirmed", maker.id,
                      catalog_part=old.catalog_part if old.manufacturer == maker.id else None,
                      category=old.category, detail=f"maker set to {maker.name}{read} {_by(d)}; {_was(old)}",
                      source=maker.source, flags=(flag,), matched_text=old.matched_text)
        return _line(r, match, catalog, result), None
    return _set_part(r, d, catalog, result, thresholds)


def _set_part(r: LineResult, d: Decision, catalog: Catalog, result: Result, thresholds: Thresholds
              ) -> tuple[LineResult, str | None]:
    """Re-match the line on the reviewer's part number (the marking and description set aside)."""
    kept = {k: v for k, v in r.line.fields.items() if k not in ("marking", "description", "notes")}
    probe = RawLine(r.line.source, {**kept, "part_number": d.value}, r.line.raw)
    m = analyze_line(probe, catalog, Options(basis=result.basis, thresholds=thresholds)).match
    match = replace(m, method="override", detail=f"part number set to {d.value} {_by(d)}, then {m.method}: "
                    f"{m.detail}; {_was(r.match)}", flags=(*m.flags, f"review:{d.decision}"))
    shown = RawLine(r.line.source, {**r.line.fields, "part_number": d.value}, r.line.raw)
    problem = None
    if match.manufacturer is None:
        problem = (f"Part number {d.value!r} set in {d.place} finds no maker; the line stays unresolved. "
                   "Check the part number, or use set_maker.")
    return _line(r, match, catalog, result, shown), problem
