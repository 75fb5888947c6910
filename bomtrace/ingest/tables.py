"""Tables as ingest builds them, row by row, within the limits: a row past the row limit is refused,
text right of the columns read is noted (not read), and the cells and characters kept for one file are
counted against its budget while it is read, merged ranges included (clipped to the area in use)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bomtrace.config import Limits
from bomtrace.errors import InputTooLarge, UnreadableInput
from bomtrace.ingest.cells import UNSAFE, cell_text, clean, removed

RAISE_FIX = "If it is a real teardown, split it, or raise the limit ({option})."


@dataclass(frozen=True)
class Table:
    """A sheet as text cells, row numbers as the spreadsheet shows them, and what reading it noticed."""

    name: str | None
    rows: list[tuple[int, list[str]]]
    #: rows whose text lost unsafe characters on reading: row -> the code points removed
    cleaned: dict[int, list[str]] = field(default_factory=dict)
    #: rows holding text right of the columns read: row -> the first such column (1-based)
    beyond: dict[int, int] = field(default_factory=dict)
    #: rows whose only text is one range merged across columns, as a section title is
    titles: frozenset[int] = frozenset()
    #: the text encoding a CSV was read in (None for a workbook)
    encoding: str | None = None
    #: code points removed from the sheet's name
    name_cleaned: tuple[str, ...] = ()
    #: merged ranges left unfilled because cells inside them other than the first hold text ('A1:XFD9')
    unfilled_merges: tuple[str, ...] = ()


class Budget:
    """The cells and characters one file may keep (Limits.max_cells, max_text_chars), counted as read."""

    def __init__(self, file: str, limits: Limits) -> None:
        """An empty budget for `file`."""
        self.file, self.limits = file, limits
        self.cells = self.chars = 0

    def charge(self, cells: int, chars: int, sheet: str | None, row: int | None) -> None:
        """Count what a row or a merged range keeps; InputTooLarge once over a limit."""
        self.cells += cells
        self.chars += chars
        if self.cells > self.limits.max_cells:
            raise InputTooLarge(f"File holds over {self.limits.max_cells:,} cells (merged cells counted as "
                                "filled), over the cell limit", self.file,
                                RAISE_FIX.format(option="Limits.max_cells"), sheet, row)
        if self.chars > self.limits.max_text_chars:
            raise InputTooLarge(f"File holds over {self.limits.max_text_chars:,} characters of text, over the "
                                "text limit", self.file,
                                RAISE_FIX.format(option="Limits.max_text_chars"), sheet, row)


class TableBuilder:
    """Collects one sheet's rows in order, enforcing the limits, then fills merged ranges."""

    def __init__(self, file: str, name: str | None, limits: Limits, budget: Budget, *,
                 gaps_are_rows: bool = True) -> None:
        """A builder for sheet `name` of `file`. Workbooks leave empty rows out, so a gap between row
        numbers is empty rows (`gaps_are_rows`); a CSV gives every record, and a record spanning lines
        leaves a gap that is no row."""
        self.file, self.limits, self.budget, self.gaps_are_rows = file, limits, budget, gaps_are_rows
        self.name = clean(name) if name is not None else None
        self.name_cleaned = tuple(removed(name)) if name is not None else ()
        self.rows: list[tuple[int, list[str]]] = []
        self.cleaned: dict[int, list[str]] = {}
        self.beyond: dict[int, int] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.last = 0
        #: rows holding text so far
        self.filled = 0
        #: one string object per distinct cell text: a column of repeated makers or samples costs one
        self._texts: dict[str, str] = {}

    def add(self, number: int, values: Sequence[object], beyond: int | None = None) -> None:
        """Row `number` with its values from column 1 (those past Limits.max_columns are not read; give
        the first column past them holding text as `beyond`)."""
        if number <= self.last:
            raise UnreadableInput(f"Rows are out of order (row {number} after row {self.last})", self.file,
                                  "Open and save it again.", self.name, number)
        texts = [cell_text(v) for v in values[: self.limits.max_columns]]
        if beyond is None and len(values) > self.limits.max_columns:
            beyond = next((self.limits.max_columns + 1 + i
                           for i, v in enumerate(values[self.limits.max_columns:]) if cell_text(v)), None)
        while texts and not texts[-1]:
            texts.pop()
        if not texts and beyond is None and self.gaps_are_rows:
            return
        if number > self.limits.max_rows and (texts or beyond is not None or not self.gaps_are_rows):
            raise InputTooLarge(f"Sheet has text in row {number:,}, over the {self.limits.max_rows:,}-row "
                                "limit", self.file, RAISE_FIX.format(option="--max-rows"), self.name, number)
        if beyond is not None:
            self.beyond[number] = beyond
        joined = "".join(texts)
        if UNSAFE.search(joined):
            self.cleaned[number] = removed(joined)
            texts = [clean(t) for t in texts]
        self.budget.charge(len(texts), len(joined), self.name, number)
        texts = [self._texts.setdefault(t, t) for t in texts]
        self.rows.append((number, texts))
        self.last = number
        self.filled += bool(texts)

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        """A merged range (1-based, inclusive), filled from its top-left cell when the table is built."""
        self.budget.charge(1, 0, self.name, r0)
        if r1 >= r0 >= 1 and c1 >= c0 >= 1:
            self.merges.append((r0, c0, r1, c1))

    def build(self, encoding: str | None = None) -> Table:
        """The table: trailing empty rows dropped, workbook gaps as empty rows, merges filled."""
        while self.rows and not self.rows[-1][1] and self.rows[-1][0] not in self.beyond:
            self.rows.pop()
        rows = self._dense() if self.gaps_are_rows else self.rows
        titles, unfilled = self._fill_merges(rows) if self.merges else (frozenset(), ())
        return Table(self.name, rows, self.cleaned, self.beyond, titles, encoding, self.name_cleaned, unfilled)

    def _dense(self) -> list[tuple[int, list[str]]]:
        """Every row from 1 to the last one read, empty ones as []."""
        dense: list[tuple[int, list[str]]] = []
        for number, cells in self.rows:
            dense.extend((n, []) for n in range(len(dense) + 1, number))
            dense.append((number, cells))
        return dense

    def _fill_merges(self, rows: list[tuple[int, list[str]]]) -> tuple[frozenset[int], tuple[str, ...]]:
        """Copy each merged range's top-left text over the range, clipped to the rows read and the
        widest row. A range with text in another of its cells (which Excel never writes: merging keeps
        only the first cell) is left as it is and named. Returns the rows that hold nothing but one
        range merged across columns, and the ranges left unfilled."""
        by_number = {number: cells for number, cells in rows}
        width = max((len(cells) for _, cells in rows), default=0)
        last = rows[-1][0] if rows else 0
        titles, unfilled = set(), []
        for r0, c0, r1, c1 in self.merges:
            top = by_number.get(r0, [])
            value = top[c0 - 1] if c0 - 1 < len(top) else ""
            ref = f"{letters(c0)}{r0}:{letters(c1)}{r1}"
            r1, c1 = min(r1, last), min(c1, width)
            if r0 > r1 or c0 > c1:
                continue
            area = (r1 - r0 + 1) * (c1 - c0 + 1)
            self.budget.charge(area, len(value) * area, self.name, r0)
            covered = [(number, by_number[number]) for number in range(r0, r1 + 1) if number in by_number]
            if any(cells[c] for number, cells in covered for c in range(c0 - 1, min(c1, len(cells)))
                   if (number, c) != (r0, c0 - 1)):
                unfilled.append(ref)
                continue
            if not value:
                continue
            for number, cells in covered:
                if len(cells) < c1:
                    cells.extend([""] * (c1 - len(cells)))
                cells[c0 - 1: c1] = [value] * (c1 - c0 + 1)
                if c1 > c0 and not any(cells[: c0 - 1]) and not any(cells[c1:]):
                    titles.add(number)
        return frozenset(titles), tuple(unfilled)


def letters(column: int) -> str:
    """A column number as Excel names it: 1 -> 'A', 27 -> 'AA', 16384 -> 'XFD'."""
    name = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name
