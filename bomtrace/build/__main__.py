"""`python -m bomtrace.build [CATALOGS]`: rebuild registry.csv, sources/registry-build.json and the
sanctions tables (sanctions/*.csv)."""

from __future__ import annotations

import sys
from pathlib import Path

from bomtrace import resources
from bomtrace.build.registries import build_registry, write_registry
from bomtrace.build.sanctions import build_sanctions


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
    for table in build_sanctions(sources, catalogs):
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
