"""How one server runs: where it keeps its data, its token, its limits and how it loads catalogs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bomtrace import resources
from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.config import Limits
from bomtrace.pipeline import now_iso

CatalogFactory = Callable[[], Catalog]

#: The default upload limit, in bytes (the issue's 25 MB).
DEFAULT_MAX_UPLOAD = 25 * 1024 * 1024
#: The most a JSON or form body other than an upload may carry.
MAX_FORM_BYTES = 1024 * 1024


def default_data_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ~/.local/share/bomtrace on Linux."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("bomtrace"))


#: What a catalog folder's files look like from outside: (name, size, modification time, inode) each.
FolderStamp = tuple[str, tuple[tuple[str, int, int, int], ...] | None]


def folder_stamps(folders: Sequence[Path]) -> tuple[FolderStamp, ...]:
    """The catalog files of each folder (the CSV tables and catalog.toml, as `folder_hash` reads
    them) by name, size, modification time and inode: a file written, replaced, added or removed
    changes it. None for a folder that is not there."""
    stamps: list[FolderStamp] = []
    for folder in folders:
        try:
            files = sorted([*folder.glob("*.csv"), *folder.glob("catalog.toml")])
            found = tuple((p.name, (st := p.stat()).st_size, st.st_mtime_ns, st.st_ino) for p in files)
        except OSError:
            found = None
        stamps.append((str(folder), found if folder.is_dir() else None))
    return tuple(stamps)


class CachedCatalogs:
    """The shipped catalog with user folders layered over it, loaded once and kept; loaded again only
    when a catalog file of any of its folders changes (checked by `folder_stamps` at each call, a few
    stat calls). Safe to call from several threads: one load at a time."""

    def __init__(self, user_folders: Sequence[str | Path] = (), *, shipped: bool = True) -> None:
        self.user_folders = tuple(Path(f) for f in user_folders)
        self.shipped = shipped
        self._lock = threading.Lock()
        self._stamps: tuple[FolderStamp, ...] | None = None
        self._catalog: Catalog | None = None

    def folders(self) -> tuple[Path, ...]:
        """Every folder the catalog is read from, shipped first."""
        return (resources.catalogs_dir(), *self.user_folders) if self.shipped else self.user_folders

    def __call__(self) -> Catalog:
        stamps = folder_stamps(self.folders())  # before loading: a change during a load is seen next time
        with self._lock:
            if self._catalog is None or stamps != self._stamps:
                self._catalog = load_catalogs(self.user_folders, shipped=self.shipped)
                self._stamps = stamps
            return self._catalog


def shipped_catalogs(user_folders: Sequence[str | Path] = ()) -> CatalogFactory:
    """A factory giving the shipped catalog with `user_folders` layered over it: loaded at the first
    call, then kept until a catalog file changes."""
    return CachedCatalogs(user_folders)


@dataclass(frozen=True)
class Settings:
    """One server's settings; `catalogs` is called for each analysis (it keeps the loaded catalog and
    loads it again only when a catalog file changes, so newer catalogs are picked up)."""

    data_dir: Path
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    limits: Limits = field(default_factory=Limits)
    catalogs: CatalogFactory = field(default=shipped_catalogs())
    clock: Callable[[], str] = now_iso
    #: Host names answered without a token besides loopback ones (a token lifts the check)
    allowed_hosts: tuple[str, ...] = ()
    #: seconds a signed-in session lasts
    session_seconds: int = 12 * 3600
    #: add the shipped illustrative teardown as a case when the data folder has none
    demo: bool = False
