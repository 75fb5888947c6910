"""How a run is configured, in one place: the matcher's thresholds (so a report can state them), the
input size limits and the run's options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # models.py (26 dataclasses, 20 ms) stays out of `bomtrace --version`
    from bomtrace.models import Basis


@dataclass(frozen=True)
class Thresholds:
    """Matching thresholds. Scores are 0-100."""

    #: rapidfuzz ratio a fuzzy part match needs (and only misread-like edits are allowed).
    fuzzy_min: float = 88.0
    #: most characters a fuzzy candidate's length may differ from the query's (blocking).
    fuzzy_spread: int = 2
    #: longest ordering suffix (package, temperature, reel) after a catalog part number.
    max_suffix: int = 8
    #: shortest catalog part number used as the base of a longer marking.
    min_base: int = 4
    #: shortest query that may stand for a truncated catalog part number.
    min_truncated: int = 6
    #: most look-alike substitutions tried on a marking (0/O, 1/I, 5/S, 8/B, 2/Z).
    max_misreads: int = 2
    #: shortest family prefix that names a maker at probable confidence on its own.
    family_probable_len: int = 4
    #: token_sort_ratio a reported maker name needs to match a catalog name fuzzily.
    maker_fuzzy_min: float = 90.0
    #: shortest exact key that is confirmed without a maker named.
    confirmed_len: int = 6

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT = Thresholds()


MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much an input may hold before it is refused, checked before and while it is read. Every
    error that a limit causes names the limit and the command-line option that raises it."""

    #: bytes of one file on disk (--max-file-mb)
    max_file_bytes: int = 50 * MB
    #: bytes a container (xlsx, xlsm, ods, a zip under any name) expands to (--max-expanded-mb)
    max_expanded_bytes: int = 100 * MB
    #: expanded size over packed size of a container (--max-ratio); checked once it expands past 1 MB
    max_ratio: float = 100.0
    #: members of a container
    max_members: int = 10_000
    #: rows of a sheet: a row below this number holding text is refused (--max-rows)
    max_rows: int = 200_000
    #: columns read; text further right is reported, not read (--max-columns)
    max_columns: int = 256
    #: cells kept for one file, filled merged cells included (rows x columns actually stored)
    max_cells: int = 5_000_000
    #: characters of cell text kept for one file
    max_text_chars: int = 100_000_000
    #: address space a child process reading .xls/.ods may add to what it starts with: 20 times the
    #: file's expanded size, at least reader_memory_floor, at most reader_memory_bytes
    reader_memory_bytes: int = 1024 * MB
    reader_memory_floor: int = 256 * MB
    #: seconds a child process reading .xls/.ods may take
    reader_seconds: float = 120.0


@dataclass(frozen=True)
class Options:
    """How to run: catalogs layered over the shipped one, basis, sheets, column overrides, limits."""

    catalogs: tuple[str, ...] = ()
    basis: Basis = "brand"
    sheets: tuple[str, ...] = ()
    mapping: Mapping[str, str] = field(default_factory=dict)
    thresholds: Thresholds = DEFAULT
    limits: Limits = field(default_factory=Limits)
    #: ISO timestamp written into the result; the current time when None.
    generated_at: str | None = None
    #: Header row by sheet name ('*' for every sheet), where detection picks the wrong row.
    header_rows: Mapping[str, int] = field(default_factory=dict)
    #: Processes that analyse a large teardown side by side (bomtrace.forked): only for a process with
    #: no other threads, such as the command line.
    workers: int = 1
