"""The unit's catalog in the web app: the makers its reviewers add (bomtrace.unit_catalog, in the data
folder) layered over the server's catalog for every analysis, and the look-ups the review page offers
(makers and parts by what a reviewer types). Every change to the unit's makers is in the audit log."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bomtrace.catalogs import Catalog, Manufacturer
from bomtrace.match import resolve_maker
from bomtrace.normalize import maker_key, part_key
from bomtrace.unit_catalog import (
    MakerError,
    UnitMaker,
    add_maker,
    edit_maker,
    layered,
    read_makers,
    retire_maker,
)
from bomtrace.web.problems import Problem
from bomtrace.web.settings import folder_stamps
from bomtrace.web.store import Store

#: Most answers a type-ahead gives.
MOST_ANSWERS = 20
#: The form fields of a unit maker, as MakerError names them.
MAKER_FIELDS = ("name", "country", "source", "aliases", "note")


def maker_dict(maker: Manufacturer) -> dict[str, Any]:
    """A maker as the API and the pages show it."""
    return {"id": maker.id, "name": maker.name, "country": maker.country, "aliases": list(maker.aliases),
            "source": maker.source, "tier": "unit" if maker.id.startswith("u-") else maker.evidence}


class UnitCatalog:
    """Callable like a catalog factory: the server's catalog with the unit's makers on top, rebuilt
    only when the server's catalog or the unit's folder changes."""

    def __init__(self, base: Callable[[], Catalog], folder: Path, store: Store, clock: Callable[[], str]) -> None:
        """The unit layer kept in `folder`, changes audited in `store`."""
        self.base, self.folder, self.store, self.clock = base, folder, store, clock
        self._lock = threading.Lock()
        self._key: tuple[int, object] | None = None
        self._catalog: Catalog | None = None

    def __call__(self) -> Catalog:
        base = self.base()
        key = (id(base), folder_stamps([self.folder]))
        with self._lock:
            if self._catalog is None or key != self._key:
                self._catalog, self._key = layered(base, self.folder), key
            return self._catalog

    # --- the unit's makers ------------------------------------------------------------------------

    def makers(self) -> list[Manufacturer]:
        """The makers the unit added, in the order added."""
        return read_makers(self.folder)

    def add(self, maker: UnitMaker, actor: str) -> Manufacturer:
        """Add a maker (422 naming the field at fault); audited."""
        with self._lock:
            added = _checked(lambda: add_maker(self.folder, maker, self._base_with_unit()))
        self.store.record(actor=actor, action="maker.add", now=self.clock(), detail=maker_dict(added))
        return added

    def edit(self, maker_id: str, maker: UnitMaker, actor: str) -> Manufacturer:
        """Change a unit maker (its id stays, so decisions still name it); audited with the old row."""
        before = next((m for m in self.makers() if m.id == maker_id), None)
        with self._lock:
            changed = _checked(lambda: edit_maker(self.folder, maker_id, maker, self._base_with_unit()))
        self.store.record(actor=actor, action="maker.edit", now=self.clock(),
                          detail={"before": maker_dict(before) if before else None, "after": maker_dict(changed)})
        return changed

    def retire(self, maker_id: str, actor: str, note: str = "") -> Manufacturer:
        """Take a unit maker out of the catalog; the audit log keeps its row."""
        with self._lock:
            retired = _checked(lambda: retire_maker(self.folder, maker_id))
        self.store.record(actor=actor, action="maker.retire", now=self.clock(),
                          detail={**maker_dict(retired), "note": note})
        return retired

    def _base_with_unit(self) -> Catalog:
        """The catalog names are checked against: the server's, with the unit's current makers."""
        return layered(self.base(), self.folder)

    # --- look-ups ---------------------------------------------------------------------------------

    def search_makers(self, text: str, limit: int = MOST_ANSWERS) -> list[dict[str, Any]]:
        """Makers whose name or alias holds what was typed: curated and unit names first, then
        registry names that begin with it."""
        catalog = self()
        return [maker_dict(catalog.maker(i)) for i in catalog.makers.search(maker_key(text), limit)]

    def search_parts(self, text: str, limit: int = MOST_ANSWERS) -> list[dict[str, Any]]:
        """Catalog parts whose number begins with what was typed, with their maker and country."""
        catalog = self()
        key = part_key(text)
        if len(key) < 2:
            return []
        found = []
        for k in catalog.keys_starting_with(key, limit):
            for part in catalog.by_key.get(k) or ():
                maker = catalog.maker(part.manufacturer)
                found.append({"part_number": part.part_number, "manufacturer": maker.id, "maker_name": maker.name,
                              "country": maker.country, "category": part.category})
        return found[:limit]

    def maker_id(self, value: str) -> str:
        """The catalog id a set-maker decision names: an id as the picker sends it, else the maker a
        typed name resolves to; 422 naming the closest makers when it names none."""
        catalog = self()
        text = value.strip()
        if text in catalog.manufacturers or text in catalog.registry:
            return text
        found = resolve_maker(text, catalog)
        if found is not None and found.how in ("name", "registry", "bracket"):
            return found.maker
        close = ", ".join(f"{m['name']} ({m['country']})" for m in self.search_makers(text, 5))
        raise Problem(422, f"No maker {text!r} in the catalogs. " + (f"Did you mean: {close}? " if close else "")
                      + "Pick one from the list, or add the maker first.")


def unit_maker(fields: dict[str, str | None]) -> UnitMaker:
    """A UnitMaker from form or JSON fields (aliases separated by | or new lines)."""
    aliases = (fields.get("aliases") or "").replace("\n", "|").split("|")
    return UnitMaker(fields.get("name") or "", fields.get("country") or "", fields.get("source") or "",
                     tuple(a.strip() for a in aliases if a.strip()), fields.get("note") or "")


def _checked(action: Callable[[], Manufacturer]) -> Manufacturer:
    """A unit-catalog change, its MakerError as a 422 that names the field."""
    try:
        return action()
    except MakerError as error:
        raise Problem(422, error.message, field=error.field) from None

