"""The sanctions lists in use: the tables a run screens named parties against, and `update` to load a newer
official download into the user's data folder.

    current()         the lists in use (shipped, each replaced by the user's newer table) and their index
    update(paths)     read an official download and write its table; the list in use changes only when
                      every file was read (SanctionsListError otherwise)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bomtrace.errors import SanctionsListError
from bomtrace.models import SanctionsList
from bomtrace.sanctions import tables
from bomtrace.screening import ScreeningIndex

log = logging.getLogger(__name__)
__all__ = ["Lists", "current", "lists_of", "update"]


@dataclass
class Lists:
    """The lists in use: what each is (for reports) and one index over all their entries."""

    infos: list[SanctionsList]
    index: ScreeningIndex


def lists_of(paths: Sequence[Path]) -> Lists:
    """The lists in the given tables, indexed; a table's origin is 'shipped' when it lies in the
    shipped folder, else its path."""
    infos, entries = [], []
    shipped = tables.shipped_dir().resolve()
    for path in paths:
        rows = tables.read_table(path)
        origin = "shipped" if path.resolve().parent == shipped else str(path)
        infos.append(tables.describe(rows, origin))
        entries.extend(rows)
    return Lists(infos, ScreeningIndex.of(entries))


_remembered: dict[tuple[tuple[str, int, int], ...], Lists] = {}


def current() -> Lists:
    """The lists in use now (bomtrace.sanctions.tables.in_use): from memory while their files are
    unchanged (path, size, modification time), else from the index cache keyed by their bytes."""
    paths = tables.in_use()
    signature = tuple((str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    if signature in _remembered:
        return _remembered[signature]
    from bomtrace import catalog_cache

    key = _key(paths)
    cached = catalog_cache.load(key)
    lists = cached if isinstance(cached, Lists) else lists_of(paths)
    if not isinstance(cached, Lists):
        catalog_cache.save(key, lists)
    _remembered.clear()
    _remembered[signature] = lists
    return lists


def _key(paths: Sequence[Path]) -> str:
    """A cache key over the tables' paths and bytes, the code that indexes them and the tool version."""
    from bomtrace import __version__, catalog_cache

    digest = hashlib.sha256(b"sanctions\0" + __version__.encode() + catalog_cache.code_fingerprint())
    for module in ("screening.py", "sanctions/tables.py", "sanctions/lists.py"):
        digest.update((Path(__file__).parents[1] / module).read_bytes())
    for path in paths:
        digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes() + b"\0")
    return "sanctions-" + digest.hexdigest()[:32]


def update(paths: Sequence[Path], published: str | None = None, folder: Path | None = None) -> tuple[Path, SanctionsList]:
    """Read an official download (OFAC sdn.xml, or sdn.csv with add.csv and alt.csv) and write its
    table into the user's sanctions folder, where it wins over the shipped list. The CSV files carry
    no date: `published` (YYYY-MM-DD) gives it, else the newest file's modification date."""
    if not paths:
        raise SanctionsListError("No list file was given", "Name the downloaded file(s).")
    if published:
        try:
            dt.date.fromisoformat(published)
        except ValueError:
            raise SanctionsListError(f"The publication date {published!r} is not a date",
                                     "Give it as YYYY-MM-DD.") from None
    else:
        existing = [p for p in paths if p.is_file()]
        published = max(dt.date.fromtimestamp(p.stat().st_mtime) for p in existing).isoformat() if existing else ""
    from bomtrace.sanctions.formats import read_download

    entries = read_download(paths, published)
    if not entries:
        raise SanctionsListError(f"{', '.join(str(p) for p in paths)}: no entity entries",
                                 "Check that the file is the full list as downloaded.")
    target = (folder or tables.user_dir()) / tables.table_name(entries[0].list)
    tables.write_table(target, entries)
    log.info("wrote %s (%d entries)", target, len(entries))
    return target, tables.describe(entries, str(target))
