"""How one server runs: where it keeps its data, its token, its limits and how it loads catalogs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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


def shipped_catalogs(user_folders: Sequence[str | Path] = ()) -> CatalogFactory:
    """A factory loading the shipped catalog with `user_folders` layered over it, at each call."""
    folders = tuple(user_folders)
    return lambda: load_catalogs(folders)


@dataclass(frozen=True)
class Settings:
    """One server's settings; `catalogs` is called for each analysis so newer catalogs are picked up."""

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
