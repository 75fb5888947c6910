"""`python -m bomtrace.build [CATALOGS]`: rebuild registry.csv and sources/registry-build.json, and the
parts and families tables built from the open parts libraries (bomtrace.build.libraries)."""

from __future__ import annotations

import sys
from pathlib import Path

from bomtrace import resources
from bomtrace.build.libraries import build_and_write_libraries
from bomtrace.build.registries import build_registry, write_registry


def main(argv: list[str]) -> int:
    """Rebuild the registry of a catalogs folder (the checkout's by default) from its sources/."""
    catalogs = Path(argv[0]) if argv else resources.catalogs_dir()
    sources = catalogs / "sources"
    if not sources.is_dir():
        print(f"Error: no sources folder at {sources}. Run this in a checkout of bomtrace, or name its "
              "catalogs folder: python -m bomtrace.build path/to/catalogs", file=sys.stderr)
        return 1
    build = build_registry(sources, catalogs)
    write_registry(build, catalogs / "registry.csv", sources / "registry-build.json")
    print(f"{catalogs / 'registry.csv'}: {build.report['rows']} makers "
          f"({', '.join(f'{n} {c}' for c, n in build.report['by_confidence'].items())})")
    print(build_and_write_libraries(sources, catalogs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
