"""Bring a unit's own parts list (a distributor export, an internal database dump) into the catalog
schema, so `--catalog DIR` can layer it over the shipped catalog.

Maker names are resolved to catalog ids through the same names and aliases the matcher uses; a row
whose maker is unknown is reported, never guessed: add the maker to a manufacturers.csv first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bomtrace.catalogs import TABLES, Catalog, validate_folder
from bomtrace.config import Limits
from bomtrace.errors import CatalogError
from bomtrace.ingest import normalize_header, read_tables
from bomtrace.normalize import maker_key
from bomtrace.report.files import atomic_write_bytes
from bomtrace.vocabulary import place

#: Columns that name a maker and must be turned into catalog ids.
MAKER_COLUMNS = {"parts": "manufacturer", "families": "manufacturer", "keywords": "manufacturer",
                 "ownership": "manufacturer"}


@dataclass
class Imported:
    """Rows in the table's schema, and the problems of the rows left out (file and row named)."""

    table: str
    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def import_table(path: str | Path, mapping: Mapping[str, str], catalog: Catalog, table: str = "parts",
                 defaults: Mapping[str, str] | None = None, limits: Limits = Limits()) -> Imported:
    """Rows of `path` (csv/tsv/xlsx/xls/ods, first sheet with the mapped headers) in `table`'s schema:
    `mapping` names the source column of each field; `defaults` fill fields no column gives."""
    if table not in TABLES:
        raise CatalogError(f"Unknown table {table!r}", fix=f"Choose one of {', '.join(TABLES)}.")
    columns = TABLES[table]
    unknown = [f for f in mapping.values() if f not in columns]
    if unknown:
        raise CatalogError(f"Unknown field(s) {', '.join(unknown)} for {table}",
                           fix=f"The fields of {table} are {', '.join(columns)}.")
    path = Path(path)
    defaults = dict(defaults or {})
    missing = [c for c in columns if c not in mapping.values() and not defaults.get(c) and c in REQUIRED[table]]
    if missing:
        raise CatalogError(f"No column or default for {', '.join(missing)}",
                           fix="Name a column with --map COLUMN=FIELD or a value with --default FIELD=VALUE.")
    result = Imported(table)
    wanted = {normalize_header(h): f for h, f in mapping.items()}
    for sheet in read_tables(path.name, path.read_bytes(), limits):
        header_at = _header_row(sheet.rows, wanted)
        if header_at is None:
            continue
        _, header = sheet.rows[header_at]
        positions = {wanted[normalize_header(h)]: i for i, h in enumerate(header)
                     if normalize_header(h) in wanted}
        for row_number, cells in sheet.rows[header_at + 1:]:
            if not any(cells):
                continue
            values = {c: (cells[positions[c]].strip() if c in positions and positions[c] < len(cells) else "")
                      or defaults.get(c, "") for c in columns}
            problem = _resolve_maker(values, table, catalog)
            if problem:
                result.problems.append(f"{place(path.name, sheet.name, row_number)}: {problem}")
                continue
            result.rows.append(values)
        return result
    raise CatalogError(f"No sheet in {path.name} has the columns {', '.join(mapping)}",
                       fix="Check the column names given with --map.")


REQUIRED: dict[str, tuple[str, ...]] = {
    "parts": ("part_number", "manufacturer", "category", "source"),
    "manufacturers": ("id", "name", "country", "source"),
    "families": ("prefix", "manufacturer", "category", "source"),
    "keywords": ("keyword", "manufacturer", "source"),
    "ownership": ("manufacturer", "date", "event", "other", "source"),
    "categories": ("category", "hs6", "source"),
    "chpl": ("hs6", "tier", "source"),
    "restrictions": ("date", "jurisdiction", "measure", "targets", "source"),
}


def _header_row(rows: list[tuple[int, list[str]]], wanted: Mapping[str, str]) -> int | None:
    """The first row (of the first 30) that holds every mapped column header."""
    for index, (_, cells) in enumerate(rows[:30]):
        if set(wanted) <= {normalize_header(c) for c in cells}:
            return index
    return None


def _resolve_maker(values: dict[str, str], table: str, catalog: Catalog) -> str | None:
    """Turn the maker name into its catalog id in place; the problem when it names no known maker."""
    column = MAKER_COLUMNS.get(table)
    if column is None or not values.get(column):
        return None
    name = values[column]
    if name in catalog.manufacturers:
        return None
    found = catalog.makers.curated.get(maker_key(name))
    if found is None:
        return f"maker {name!r} is not in the catalog; add it to a manufacturers.csv first"
    values[column] = found
    return None


def write_folder(imported: Imported, out: str | Path, name: str, version: str) -> list[str]:
    """Write the rows as `out/<table>.csv` with a catalog.toml, then validate the folder over the
    shipped catalog; returns its problems (none when it can be used with --catalog)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=TABLES[imported.table], lineterminator="\n")
    writer.writeheader()
    writer.writerows(imported.rows)
    atomic_write_bytes(folder / f"{imported.table}.csv", buffer.getvalue().encode("utf-8"))
    toml = f'name = "{_toml(name)}"\nversion = "{_toml(version)}"\n'
    atomic_write_bytes(folder / "catalog.toml", toml.encode("utf-8"))
    return validate_folder(folder, with_shipped=True)


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
