"""A unit's own catalog layer: makers a unit's reviewers add because the shipped catalog lacks them.

It is a catalog folder like any `--catalog DIR` (a `manufacturers.csv` and a `catalog.toml` whose
version goes up with every change), kept in the web app's data folder and layered over the shipped
catalog, so a maker added for one case is offered to every later one and listed, with its version, in
each result's catalogs. A maker's name or alias may not be one the merged catalog already has (the
colliding maker is named); a retired maker leaves the table, and decisions that named it are then
reported, never dropped.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

from bomtrace.catalogs import TABLES, Catalog, Manufacturer, folder_hash, names_in_text
from bomtrace.catalogs.makers import maker_index
from bomtrace.countries import is_country
from bomtrace.errors import BomtraceError
from bomtrace.models import CatalogInfo
from bomtrace.normalize import maker_key
from bomtrace.report.files import atomic_write_bytes

COLUMNS = TABLES["manufacturers"]
#: The id of every maker a unit adds starts with this, so it never meets a shipped id.
ID_PREFIX = "u-"
CATALOG_NAME = "unit"
_SLUG = re.compile(r"[^a-z0-9]+")


class MakerError(BomtraceError):
    """A unit maker that cannot be added or changed; `field` names the form field at fault."""

    def __init__(self, what: str, fix: str = "", field: str = "") -> None:
        self.field = field
        super().__init__(what, fix)


@dataclass(frozen=True)
class UnitMaker:
    """A maker as a reviewer gives it: name, country, a website or source link, aliases and a note."""

    name: str
    country: str
    source: str
    aliases: tuple[str, ...] = ()
    note: str = ""


def read_makers(folder: Path) -> list[Manufacturer]:
    """The unit's makers, as the catalog loader reads them."""
    path = folder / "manufacturers.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [Manufacturer(r["id"], r["name"], tuple(a for a in r["aliases"].split("|") if a), r["country"],
                             r["domain"], r["parent"], r["source"]) for r in csv.DictReader(handle)]


def version(folder: Path) -> int:
    """The layer's version: how many times it has changed."""
    path = folder / "catalog.toml"
    if not path.exists():
        return 0
    return int(tomllib.loads(path.read_text(encoding="utf-8")).get("version", "0"))


def add_maker(folder: Path, maker: UnitMaker, catalog: Catalog) -> Manufacturer:
    """Add a maker to the unit's layer; refuses a bad field or a name the merged catalog has."""
    makers = read_makers(folder)
    checked = _checked(maker)
    _refuse_collisions(checked, catalog, [m for m in makers])
    new = Manufacturer(_new_id(checked.name, {m.id for m in makers} | set(catalog.manufacturers)),
                       checked.name, checked.aliases, checked.country, "", "", _source(checked))
    _write(folder, [*makers, new])
    return new


def edit_maker(folder: Path, maker_id: str, maker: UnitMaker, catalog: Catalog) -> Manufacturer:
    """Change a unit maker's name, country, source or aliases; its id stays, so decisions still name it."""
    makers = read_makers(folder)
    if maker_id not in {m.id for m in makers}:
        raise MakerError(f"No maker {maker_id!r} in this unit's catalog", "Pick one of the unit's makers.")
    checked = _checked(maker)
    others = [m for m in makers if m.id != maker_id]
    _refuse_collisions(checked, catalog, others, ignore=maker_id)
    changed = Manufacturer(maker_id, checked.name, checked.aliases, checked.country, "", "", _source(checked))
    _write(folder, [changed if m.id == maker_id else m for m in makers])
    return changed


def retire_maker(folder: Path, maker_id: str) -> Manufacturer:
    """Take a unit maker out of the catalog (the audit trail keeps it)."""
    makers = read_makers(folder)
    found = next((m for m in makers if m.id == maker_id), None)
    if found is None:
        raise MakerError(f"No maker {maker_id!r} in this unit's catalog", "Pick one of the unit's makers.")
    _write(folder, [m for m in makers if m.id != maker_id])
    return found


def _checked(maker: UnitMaker) -> UnitMaker:
    name = " ".join(maker.name.split())
    country = maker.country.strip().upper()
    source = " ".join(maker.source.split())
    if not name or not maker_key(name):
        raise MakerError("The maker's name is empty", "Give the company's name as it writes it.", "name")
    if not is_country(country):
        raise MakerError(f"{maker.country.strip() or '(empty)'!r} is not a country code",
                         "Give the ISO 3166 two-letter code of its headquarters, e.g. CN or US.", "country")
    if not source:
        raise MakerError("The source is empty", "Give the company's website or a link that shows where it is "
                         "headquartered.", "source")
    aliases = tuple(dict.fromkeys(a for a in (" ".join(x.split()) for x in maker.aliases) if a and a != name))
    return UnitMaker(name, country, source, aliases, " ".join(maker.note.split()))


def _refuse_collisions(maker: UnitMaker, catalog: Catalog, unit: list[Manufacturer], ignore: str = "") -> None:
    """A name or alias another maker has (shipped, registry or unit) is refused, naming that maker."""
    own = {maker_key(n): m for m in unit if m.id != ignore for n in (m.name, *m.aliases)}
    for name in (maker.name, *maker.aliases):
        key = maker_key(name)
        other = catalog.makers.curated.get(key) or catalog.makers.registry.get(key)
        owner = catalog.maker(other) if other and other != ignore else own.get(key)
        if owner is not None:
            raise MakerError(f"{name!r} is already the name of {owner.name} ({owner.country}, {owner.id})",
                             "Use that maker, or give this one a name that tells them apart.",
                             "name" if name == maker.name else "aliases")


def _new_id(name: str, taken: set[str]) -> str:
    base = ID_PREFIX + (_SLUG.sub("-", anyascii(name).lower()).strip("-")[:40].strip("-") or "maker")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _source(maker: UnitMaker) -> str:
    return maker.source + (f" ({maker.note})" if maker.note else "")


def _write(folder: Path, makers: list[Manufacturer]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in makers:
        writer.writerow([m.id, m.name, "|".join(m.aliases), m.country, m.domain, m.parent, m.source])
    atomic_write_bytes(folder / "manufacturers.csv", buffer.getvalue().encode("utf-8"))
    toml = (f'name = "{CATALOG_NAME}"\nversion = "{version(folder) + 1}"\n'
            "# Makers this unit's reviewers added; see bomtrace.unit_catalog.\n")
    atomic_write_bytes(folder / "catalog.toml", toml.encode("utf-8"))


def layered(base: Catalog, folder: Path) -> Catalog:
    """`base` with the unit's makers added (named, matched and attributed like curated makers, listed
    in the result's catalogs with the layer's version); `base` itself when the unit has none. The
    base is not changed: the layer is a shallow copy with its own maker tables."""
    makers = read_makers(folder)
    if not makers:
        return base
    catalog = copy.copy(base)
    catalog.manufacturers = {**base.manufacturers, **{m.id: m for m in makers}}
    curated = ((maker_key(name), m.id) for m in catalog.manufacturers.values() for name in (m.name, *m.aliases))
    catalog.makers = maker_index(curated, ((m.key, m.id) for m in base.registry.values()))
    catalog.registry = {i: m for i, m in base.registry.items() if catalog.makers.registry.get(m.key) == i}
    catalog.name_keywords = {**base.name_keywords, **names_in_text(makers)}
    catalog.infos = [*base.infos, CatalogInfo(CATALOG_NAME, str(version(folder)), len(makers), folder_hash(folder))]
    return catalog
