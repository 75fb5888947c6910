"""`python -m bomtrace.build [CATALOGS]`: rebuild the tables made from open datasets (as `bomtrace catalog
build` does)."""

from __future__ import annotations

import sys
from pathlib import Path

from bomtrace import resources
from bomtrace.build import build_all


def main(argv: list[str]) -> int:
    """Rebuild a catalogs folder's built tables (the checkout's by default) from its sources/."""
    catalogs = Path(argv[0]) if argv else resources.catalogs_dir()
    if not (catalogs / "sources").is_dir():
        print(f"Error: no sources folder at {catalogs / 'sources'}. Run this in a checkout of bomtrace, or "
              "name its catalogs folder: python -m bomtrace.build path/to/catalogs", file=sys.stderr)
        return 1
    for line in build_all(catalogs):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
