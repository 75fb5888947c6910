"""Errors bomtrace raises. Every message is one sentence of what went wrong and one of how to fix it.

    BomtraceError
     ├── InputError          an input file, sheet or row that cannot be read
     │    ├── UnreadableInput     missing, encrypted, corrupt, unknown encoding or type
     │    ├── InputTooLarge       over the size limits (or a zip bomb)
     │    └── NoPartColumn        no sheet with a part/marking/manufacturer column
     ├── CatalogError        a catalog that does not validate
     ├── SanctionsListError  a sanctions-list file in an unknown format or with a missing column
     └── OverridesError      a review-decisions file that cannot be applied
"""

from __future__ import annotations

from bomtrace.vocabulary import place


class BomtraceError(Exception):
    """The root of every error bomtrace raises on purpose."""

    def __init__(self, what: str, fix: str = "") -> None:
        self.what = what
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.what}. {self.fix}".strip() if self.fix else f"{self.what}."


class InputError(BomtraceError):
    """An input that cannot be read; names the file, the sheet and the row where known."""

    def __init__(
        self, what: str, file: str, fix: str = "", sheet: str | None = None, row: int | None = None
    ) -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        super().__init__(f"{what} in {self.place}", fix)

    @property
    def place(self) -> str:
        return place(self.file, self.sheet, self.row)


class UnreadableInput(InputError):
    """Missing, encrypted, corrupt, of an unknown type or encoding."""


class InputTooLarge(InputError):
    """Bigger than the limits allow, compressed or uncompressed."""


class NoPartColumn(InputError):
    """No sheet has a column bomtrace can match on."""


class CatalogError(BomtraceError):
    """A catalog with problems; `problems` lists each with file, line and column."""

    def __init__(self, what: str, problems: list[str] | None = None, fix: str = "") -> None:
        self.problems = problems or []
        super().__init__(what, fix)


class SanctionsListError(BomtraceError):
    """A sanctions-list file bomtrace cannot read; the list in use stays as it was."""


class OverridesError(BomtraceError):
    """A review-decisions file that cannot be read or applied."""
