"""Where the shipped catalogs, templates, examples and data files are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    installed = _PACKAGE / "_shipped" / name
    return installed if installed.exists() else _PACKAGE.parent / name


def catalogs_dir() -> Path:
    """The shipped catalogs folder."""
    return _shipped("catalogs")


def templates_dir() -> Path:
    """The jinja2 templates folder."""
    return _shipped("templates")


def examples_dir() -> Path:
    """The shipped examples folder."""
    return _shipped("examples")


def data_file(name: str) -> Path:
    """A data file of the package itself (header synonyms, schema)."""
    return _PACKAGE / "data" / name
