"""Sanctions-list tables: one CSV per list, each row an entry with its names, countries, programmes,
the list's publication date and the file each field came from. The shipped tables live in
catalogs/sanctions/; `bomtrace sanctions update` writes newer ones into the user's data folder, and a
table there wins over the shipped table of the same list.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bomtrace import resources
from bomtrace.errors import SanctionsListError
from bomtrace.models import SanctionsList

COLUMNS = ("list", "entry", "name", "aliases", "former_names", "countries", "programs", "designated",
           "published", "name_from", "aliases_from", "countries_from")
#: The table a list's name is written to ('OFAC SDN' -> ofac-sdn.csv).
SHIPPED_FOLDER = "sanctions"


@dataclass(frozen=True)
class ListEntry:
    """One entry of a sanctions list. `*_from` name the file and its date ('sdn.csv 2024-05-03') each
    field came from: the name and programmes, the aliases and former names, the address countries."""

    list: str
    entry: str
    name: str
    aliases: tuple[str, ...]
    former_names: tuple[str, ...]
    countries: tuple[str, ...]
    programs: tuple[str, ...]
    designated: str
    published: str
    name_from: str
    aliases_from: str
    countries_from: str

    def row(self) -> tuple[str, ...]:
        """The entry as the table's columns."""
        return (self.list, self.entry, self.name, "|".join(self.aliases), "|".join(self.former_names),
                "|".join(self.countries), "|".join(self.programs), self.designated, self.published,
                self.name_from, self.aliases_from, self.countries_from)


def file_date(origin: str) -> str:
    """The date of a `*_from` value ('alt.csv 2026-06-02' -> '2026-06-02'); '' when empty."""
    return origin.rsplit(" ", 1)[-1] if origin else ""


def table_name(list_name: str) -> str:
    """The file a list is kept in: its name in lower case, words joined by dashes, '.csv'."""
    return "-".join(list_name.lower().split()) + ".csv"


def shipped_dir() -> Path:
    """The shipped tables' folder (catalogs/sanctions/)."""
    return resources.catalogs_dir() / SHIPPED_FOLDER


def user_dir() -> Path:
    """The user's sanctions folder: BOMTRACE_SANCTIONS_DIR, else `sanctions` in the user data folder."""
    if os.environ.get("BOMTRACE_SANCTIONS_DIR"):
        return Path(os.environ["BOMTRACE_SANCTIONS_DIR"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("bomtrace")) / SHIPPED_FOLDER


def table_text(entries: Iterable[ListEntry]) -> str:
    """A table as CSV text: header row, one row per entry in the order given, '\\n' line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(entry.row() for entry in entries)
    return buffer.getvalue()


def write_table(path: Path, entries: Iterable[ListEntry]) -> None:
    """Write a table atomically (a temporary file renamed over it), so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(table_text(entries).encode("utf-8"))
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p for p in (p.strip() for p in cell.split("|")) if p)


def read_table(path: Path) -> list[ListEntry]:
    """The entries of one table; a table without the expected columns is an error naming the file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SanctionsListError(f"{path}: not a bomtrace sanctions table (missing column(s) "
                                     f"{', '.join(missing)})", "Rebuild it with `bomtrace sanctions update`.")
        return [ListEntry(r["list"], r["entry"], r["name"], _split(r["aliases"]), _split(r["former_names"]),
                          _split(r["countries"]), _split(r["programs"]), r["designated"], r["published"],
                          r["name_from"], r["aliases_from"], r["countries_from"]) for r in reader]


def table_paths(folder: Path) -> list[Path]:
    """The tables in a folder, by name."""
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def in_use() -> list[Path]:
    """The tables a run screens against: the shipped ones, each replaced by the user's table of the
    same file name."""
    chosen = {p.name: p for p in table_paths(shipped_dir())}
    chosen.update({p.name: p for p in table_paths(user_dir())})
    return [chosen[name] for name in sorted(chosen)]


def describe(entries: Sequence[ListEntry], origin: str) -> SanctionsList:
    """What a report says of a table: list, date of its primary records, entries, origin and the
    files (with their dates) each field came from."""
    files: dict[tuple[str, str], set[str]] = {}
    for entry in entries:
        for source, fields in ((entry.name_from, "names, programmes"), (entry.aliases_from, "aliases"),
                               (entry.countries_from, "address countries")):
            if source:
                name, _, date = source.rpartition(" ")
                files.setdefault((name, date), set()).update(fields.split(", "))
    published = min((e.published for e in entries if e.published), default="")
    described = tuple((name, date, ", ".join(sorted(fields))) for (name, date), fields in sorted(files.items()))
    return SanctionsList(entries[0].list if entries else "", published, len(entries), origin, described)
