"""Header rows: found under title rows from the synonyms in data/headers.csv (English, Ukrainian,
Russian; `ignore` marks columns known to hold nothing to read, such as row numbers), mapped to fields,
overridden by `--map "HEADER=FIELD"`, and a mapping that names a header no sheet has refused."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from bomtrace import resources
from bomtrace.errors import BomtraceError
from bomtrace.models import FIELDS, MATCHABLE_FIELDS

#: How many rows holding text are searched for the header row.
HEADER_SEARCH_ROWS = 30
IGNORE = "ignore"  # --map "HEADER=ignore": a column detection would read, left unread
ALL_SHEETS = "*"  # header_rows key: every sheet without a row of its own
#: the shortest synonym found inside a longer header ("кількість" in "Кількість, шт.")
MIN_INSIDE = 4


class UnknownHeader(BomtraceError):
    """A column mapping names a header that no sheet read has (a usage error)."""


_PUNCTUATION = re.compile(r"[^\w/#\-\s\u2116]")


def normalize_header(text: str) -> str:
    """Lower case, ё as е, punctuation other than / # - _ № dropped, spaces collapsed."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower().replace("\u0451", "\u0435")).split())


@lru_cache(maxsize=1)
def header_synonyms() -> dict[str, str]:
    """Normalised header -> field (or `ignore`), from data/headers.csv."""
    table: dict[str, str] = {}
    with resources.data_file("headers.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table[normalize_header(row["header"])] = row["field"]
    return table


def parse_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """--map overrides: normalised header -> field (or IGNORE); an unknown field is a usage error."""
    parsed = {}
    for header, field in mapping.items():
        if field not in FIELDS and field != IGNORE:
            raise ValueError(f"unknown field {field!r} in --map (fields: {', '.join(FIELDS)}, "
                             f"or {IGNORE} to leave a column unread)")
        parsed[normalize_header(header)] = field
    return parsed


def header_field(header: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """What a header names: an override, an exact synonym, else the longest synonym inside it; IGNORE
    for a column known to hold nothing to read; None when it names nothing known."""
    key = normalize_header(header)
    if not key:
        return None
    if overrides and key in overrides:
        return overrides[key]
    synonyms = header_synonyms()
    if key in synonyms:
        return synonyms[key]
    words = f" {key} "
    inside = [s for s in synonyms if len(s) >= MIN_INSIDE and f" {s} " in words]
    return synonyms[max(inside, key=len)] if inside else None


def field_for_header(header: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """The field a header's column is read as, or None (unknown, or to be left unread)."""
    field = header_field(header, overrides)
    return None if field == IGNORE else field


def map_columns(cells: list[str], overrides: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index -> field for a header row; the first column claiming a field keeps it."""
    taken: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = field_for_header(cell, overrides)
        if field and field not in taken:
            taken[field] = index
    return {index: field for field, index in taken.items()}


def find_header(rows: list[tuple[int, list[str]]], overrides: Mapping[str, str] | None = None,
                ) -> tuple[int, dict[int, str]] | None:
    """The row (index into rows), among the first HEADER_SEARCH_ROWS holding text, whose cells name the
    most fields, one of them matchable."""
    best: tuple[int, dict[int, str]] | None = None
    searched = 0
    for index, (_, cells) in enumerate(rows):
        if not any(cells):
            continue
        searched += 1
        if searched > HEADER_SEARCH_ROWS:
            break
        columns = map_columns(cells, overrides)
        if not set(columns.values()) & set(MATCHABLE_FIELDS):
            continue
        if best is None or len(columns) > len(best[1]):
            best = (index, columns)
    return best


def header_row_for(sheet: str | None, header_rows: Mapping[str, int]) -> int | None:
    """The header row asked for this sheet: by its name, else for every sheet."""
    return header_rows.get(sheet or "", header_rows.get(ALL_SHEETS))


def header_at(rows: list[tuple[int, list[str]]], number: int, overrides: Mapping[str, str] | None = None,
              ) -> tuple[int, dict[int, str]] | None:
    """The given row (as numbered in the sheet) as the header, if it names a matchable column."""
    for index, (row_number, cells) in enumerate(rows):
        if row_number == number:
            columns = map_columns(cells, overrides)
            return (index, columns) if set(columns.values()) & set(MATCHABLE_FIELDS) else None
    return None


def check_mapping(mapping: Mapping[str, str], headers: Iterable[str]) -> None:
    """Raise UnknownHeader when the mapping names a header that none of `headers` (the header cells of
    every sheet read) is, naming the headers there are."""
    found = list(dict.fromkeys(h for h in headers if h))
    known = {normalize_header(h) for h in found}
    missing = [header for header in mapping if normalize_header(header) not in known]
    if missing:
        names = ", ".join(repr(h) for h in found[:40]) + (" ..." if len(found) > 40 else "") or "none"
        raise UnknownHeader(f"No sheet has a column headed {', '.join(repr(m) for m in missing)}, named in the "
                            "column mapping", f"Headers found: {names}.")
