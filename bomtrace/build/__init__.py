"""Build: catalog tables made from open datasets rather than written by hand.

`registries` builds the maker registry (catalogs/registry.csv) from the extracts under
catalogs/sources/; `imports` makes those extracts from the downloads. Run `python -m bomtrace.build`
in a checkout to rebuild the registry.
"""

from bomtrace.build.registries import RegistryBuild, RegistryRow, build_registry, write_registry

__all__ = ["RegistryBuild", "RegistryRow", "build_registry", "write_registry"]
