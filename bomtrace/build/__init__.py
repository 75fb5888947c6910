"""Build: catalog tables made from open datasets rather than written by hand.

`registries` builds the maker registry (catalogs/registry.csv) from the extracts under
catalogs/sources/; `imports` makes those extracts from the downloads. Run `python -m bomtrace.build`
in a checkout to rebuild the registry.
"""

from collections.abc import Iterator
from pathlib import Path

from bomtrace.build.registries import RegistryBuild, RegistryRow, build_registry, write_registry

__all__ = ["RegistryBuild", "RegistryRow", "build_all", "build_registry", "write_registry"]


def build_all(catalogs: Path) -> Iterator[str]:
    """Rebuild every built table of a catalogs folder from its sources/, one line of news per table."""
    sources = catalogs / "sources"
    registry = build_registry(sources, catalogs)
    write_registry(registry, catalogs / "registry.csv", sources / "registry-build.json")
    yield (f"{catalogs / 'registry.csv'}: {registry.report['rows']} makers "
           f"({', '.join(f'{n} {c}' for c, n in registry.report['by_confidence'].items())})")
    from bomtrace.build.libraries import (
        build_and_write_libraries,  # needs the catalog loader, the registry not
    )
    from bomtrace.build.sanctions import build_sanctions

    yield build_and_write_libraries(sources, catalogs)
    yield from (str(table) for table in build_sanctions(sources, catalogs))
