"""Review decisions read from a file: a filled Review sheet of report.xlsx, a CSV/TSV or a YAML list.

Each decision names a line by `id`, or every line with a `part_number`. A file that cannot be read
raises OverridesError with the file, sheet and row; rows without a decision are not decisions. Files
are read within the input limits; YAML with aliases (&anchor, *alias: the "billion laughs" expansion)
is refused, and text loses control and direction-override characters as spreadsheet cells do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bomtrace.config import MB, Limits
from bomtrace.errors import InputError, OverridesError
from bomtrace.ingest import Table, clean, read_tables
from bomtrace.models import Decision
from bomtrace.vocabulary import DECISIONS, DECISIONS_WITH_VALUE, place

COLUMNS = ("id", "part_number", "decision", "value", "note", "reviewer")
FIX_COLUMNS = "Give the columns id or part_number, decision, value, note and reviewer (as the Review sheet has)."
_TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".tsv"}
_YAML_SUFFIXES = {".yaml", ".yml"}


def _fail(what: str, file: str, fix: str, sheet: str | None = None, row: int | None = None) -> OverridesError:
    return OverridesError(f"{what} in {place(file, sheet, row)}", fix)


def read_decisions(path: str | Path, limits: Limits = Limits()) -> list[Decision]:
    """The decisions in a filled Review sheet (.xlsx), a .csv/.tsv or a .yaml; blank decisions skipped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _fail("File not found", path.name, "Check the --overrides path.")
    if suffix not in _TABLE_SUFFIXES | _YAML_SUFFIXES:
        raise _fail(f"Unsupported overrides file type {suffix or '(none)'!r}", path.name,
                    "Give the filled report.xlsx, or a .csv or .yaml of decisions.")
    if path.stat().st_size > limits.max_file_bytes:
        raise _fail(f"File is over the {limits.max_file_bytes // MB:,} MB limit", path.name,
                    "Give only the decisions, or raise the limit (--max-file-mb).")
    if suffix in _YAML_SUFFIXES:
        return decisions_from_records(_yaml_records(path), path.name, None)
    try:
        tables = read_tables(path.name, path.read_bytes(), limits)
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
    """A YAML list of decisions (or {decisions: [...]}); row N is the N-th entry. Aliases are refused."""
    import yaml  # type: ignore[import-untyped, import-not-found, unused-ignore]

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader(yaml))  # a SafeLoader
    except _AliasRefused as error:
        raise _fail(f"YAML uses an alias ({error})", path.name, "Write each decision out in full, without "
                    "&anchor and *alias.") from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
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
        records.append((number, {clean(str(k)).strip().lower(): "" if v is None else clean(str(v))
                                 for k, v in item.items()}))
    return records


class _AliasRefused(Exception):
    """A YAML alias (*name) met while composing."""


def _loader(yaml: Any) -> Any:
    """PyYAML's SafeLoader that refuses aliases: each one could stand for a whole tree, and a few
    levels of them expand to billions of nodes."""

    class NoAliasLoader(yaml.SafeLoader):  # type: ignore[misc, name-defined, unused-ignore]
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise _AliasRefused(f"*{event.anchor} at line {event.start_mark.line + 1}")
            return super().compose_node(parent, index)

    return NoAliasLoader


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
        if kind in DECISIONS_WITH_VALUE and not text["value"]:
            raise _fail(f"{kind} without a value", file, "Put the maker name (set_maker) or the part "
                        "number (set_part) in the value column.", sheet, number)
        decisions.append(Decision(kind, text["id"], text["part_number"], text["value"], text["note"],
                                  text["reviewer"], place(file, sheet, number)))
    return decisions
