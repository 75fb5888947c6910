"""Wheel build hook: ship the catalogs, templates and example inside the package, without the raw
dataset extracts the catalogs are built from (catalogs/sources/ stays in the repository).

Hatchling's `force-include` ignores excludes and its `sources` rewrite breaks editable installs, so
the shipped files are listed here, for standard wheels only; an editable install reads them from the
checkout (bomtrace.resources falls back to it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = {"catalogs": "bomtrace/_shipped/catalogs", "templates": "bomtrace/_shipped/templates",
           "examples": "bomtrace/_shipped/examples"}
#: Folders under a shipped folder that stay in the repository.
NOT_SHIPPED = {"catalogs/sources"}


class ShippedDataHook(BuildHookInterface):  # type: ignore[misc]
    """Adds every shipped data file to a standard wheel."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "standard":
            return
        root = Path(self.root)
        for folder, target in SHIPPED.items():
            for path in sorted((root / folder).rglob("*")):
                relative = path.relative_to(root).as_posix()
                if path.is_file() and not any(relative.startswith(f"{n}/") for n in NOT_SHIPPED) \
                        and "__pycache__" not in path.parts:
                    build_data["force_include"][str(path)] = f"{target}/{path.relative_to(root / folder).as_posix()}"
