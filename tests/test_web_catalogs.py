"""The web app's catalogs: loaded once, kept, and loaded again when (and only when) a catalog file of
one of its folders changes, is added or is removed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.catalogs import Catalog
from bomtrace.web import settings
from bomtrace.web.settings import CachedCatalogs, shipped_catalogs
from tests.conftest import MINI

HEADER = "part_number,manufacturer,category,description,markings,source\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the mini catalog without its SN65HVD230 row (the changes below bring it back)."""
    target = tmp_path / "ours"
    shutil.copytree(MINI, target)
    parts = target / "parts.csv"
    kept = [row for row in parts.read_text("utf-8").splitlines(keepends=True) if not row.startswith("SN65HVD230,")]
    parts.write_text("".join(kept), "utf-8")
    return target


def the_row() -> str:
    return next(row for row in (MINI / "parts.csv").read_text("utf-8").splitlines(keepends=True)
                if row.startswith("SN65HVD230,"))


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every load_catalogs call the cache makes, by the user folders it was given."""
    calls: list[tuple[str, ...]] = []
    real = settings.load_catalogs

    def counted(folders: tuple[Path, ...], shipped: bool = True) -> Catalog:
        calls.append(tuple(map(str, folders)))
        return real(folders, shipped=shipped)

    monkeypatch.setattr(settings, "load_catalogs", counted)
    return calls


def append_row(folder: Path) -> None:
    with (folder / "parts.csv").open("a", encoding="utf-8") as handle:
        handle.write(the_row())


def add_file(folder: Path) -> None:
    (folder / "parts.extra.csv").write_text(HEADER + the_row(), "utf-8")


def replace_file(folder: Path) -> None:
    fresh = folder / "parts.new"
    fresh.write_text((folder / "parts.csv").read_text("utf-8") + the_row(), "utf-8")
    os.replace(fresh, folder / "parts.csv")


def test_the_catalog_is_loaded_once_and_kept(folder: Path, loads: list[tuple[str, ...]]) -> None:
    catalogs = CachedCatalogs([folder], shipped=False)
    first, second, third = catalogs(), catalogs(), catalogs()
    assert first is second is third
    assert loads == [(str(folder),)]


@pytest.mark.parametrize("change", [append_row, add_file, replace_file],
                         ids=["row appended", "file added", "file replaced"])
def test_a_changed_catalog_file_is_picked_up(folder: Path, loads: list[tuple[str, ...]],
                                             change: Callable[[Path], None]) -> None:
    catalogs = CachedCatalogs([folder], shipped=False)
    before = catalogs()
    assert "SN65HVD230" not in before.by_key
    change(folder)
    after = catalogs()
    assert "SN65HVD230" in after.by_key and len(loads) == 2
    assert catalogs() is after and len(loads) == 2


def test_a_removed_file_is_picked_up(folder: Path, loads: list[tuple[str, ...]]) -> None:
    add_file(folder)
    catalogs = CachedCatalogs([folder], shipped=False)
    assert "SN65HVD230" in catalogs().by_key
    (folder / "parts.extra.csv").unlink()
    assert "SN65HVD230" not in catalogs().by_key and len(loads) == 2


def test_the_stamps_change_with_a_file_and_not_without(folder: Path) -> None:
    first = settings.folder_stamps([folder])
    assert settings.folder_stamps([folder]) == first
    append_row(folder)
    assert settings.folder_stamps([folder]) != first
    assert settings.folder_stamps([folder / "gone"]) == ((str(folder / "gone"), None),)


def test_the_server_keeps_the_shipped_catalog_under_the_user_folders(folder: Path,
                                                                     loads: list[tuple[str, ...]]) -> None:
    catalogs = shipped_catalogs([folder])
    assert isinstance(catalogs, CachedCatalogs) and catalogs.folders()[1:] == (folder,)
    assert catalogs() is catalogs() and loads == [(str(folder),)]
