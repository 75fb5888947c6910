from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.models import RawLine, Source

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "catalog-mini"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/ from the current output (review the diff!).")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def mini() -> Catalog:
    """A small catalog of real parts, independent of the shipped catalog's growth."""
    return load_catalogs([MINI], shipped=False)


@pytest.fixture(scope="session")
def shipped() -> Catalog:
    return load_catalogs()


def raw(**fields: str) -> RawLine:
    """A line with only the given fields, as if read from row 2 of t.csv."""
    return RawLine(Source("t.csv", None, 2), dict(fields), dict(fields))


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write a workbook: {sheet: rows}; merged ranges as {'sheet': ['A3:A5']}."""

    def make(sheets: dict[str, Sequence[Sequence[object]]], name: str = "t.xlsx",
             merged: dict[str, list[str]] | None = None) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
            for cells in (merged or {}).get(title, []):
                sheet.merge_cells(cells)
        path = tmp_path / name
        book.save(path)
        return path

    return make


@pytest.fixture(autouse=True, scope="session")
def _private_index_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's index cache, nor the sanctions lists the user loaded."""
    import os

    os.environ["BOMTRACE_CACHE_DIR"] = str(tmp_path_factory.mktemp("index-cache"))
    os.environ["BOMTRACE_SANCTIONS_DIR"] = str(tmp_path_factory.mktemp("user-sanctions"))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The web app's data folder for one test (the app creates it)."""
    return tmp_path / "data"


@pytest.fixture
def client(data: Path) -> Iterator[Any]:
    """The web app in-process over `data`, with the mini catalog and its worker running."""
    from tests.web_support import app_client

    with app_client(data) as client:
        yield client
