"""Owner at a date: who owned a maker in the week its part was made, from the catalog's dated
ownership events (catalogs/ownership*.csv), and who owns it today (the `parent` column, as of the
catalog's as-of date).

The events of a maker are replayed in date order: `acquired_by`, `merged_into` and
`majority_sold_to` make `other` its direct owner; `spun_off_from` and `became_independent` leave it
on its own (and name whoever owned it before the first such event); `renamed_to` changes no owner.
On or after its last event a maker's direct owner is today's `parent`. The ultimate owner follows
direct owners upward, each at the same date. A date code is read as a week (bomtrace.datecodes); a
code whose YYWW and WWYY readings, or a week that straddles an event, give different owners decides
nothing: today's owner is kept and the line is flagged. A reading after the catalog's as-of date is
not considered (no part can be made after the day its catalog speaks of, and no event is known then).
"""

from __future__ import annotations

import datetime as dt

from bomtrace.catalogs import OWNING_EVENTS, Catalog, OwnershipEvent
from bomtrace.datecodes import DateReading, day_text, readings
from bomtrace.models import OwnerAtDate
from bomtrace.normalize import maker_key

#: Events after which the maker has no owner of its own; before the first of them, `other` owned it.
FREEING_EVENTS = frozenset({"spun_off_from", "became_independent"})
#: The flag on a line whose date code's readings fall on both sides of an ownership event.
AMBIGUOUS_FLAG = "owner_date_ambiguous"
_VERBS = {"acquired_by": "acquired by", "merged_into": "merged into", "majority_sold_to": "majority sold to",
          "spun_off_from": "spun off from", "became_independent": "became independent of",
          "renamed_to": "renamed"}


def direct_owner_on(catalog: Catalog, maker_id: str, day: dt.date) -> str:
    """The maker's direct owner on a day (a catalog id, or a name the catalog does not hold), '' when
    it had none: its events replayed up to that day, today's `parent` on or after the last one."""
    maker = catalog.manufacturers.get(maker_id)
    if maker is None:
        return ""
    events = catalog.ownership.get(maker_id, [])
    if not events or day >= _date(events[-1]):
        return maker.parent
    owner = _before_first(catalog, events)
    for event in events:
        if _date(event) > day:
            break
        if event.event in OWNING_EVENTS:
            owner = resolve(catalog, event.other)
        elif event.event in FREEING_EVENTS:
            owner = ""
    return owner


def _before_first(catalog: Catalog, events: list[OwnershipEvent]) -> str:
    """Who owned the maker before its first event: the company it was spun off from (or became
    independent of) when that is the first owning or freeing event, else no one."""
    for event in events:
        if event.event in FREEING_EVENTS:
            return resolve(catalog, event.other)
        if event.event in OWNING_EVENTS:
            return ""
    return ""


def resolve(catalog: Catalog, other: str) -> str:
    """An event's other company as a catalog id: the id itself, or the curated or registry maker the
    name names exactly ('Motorola'); the name as given when no catalog names it."""
    if other in catalog.manufacturers or other in catalog.registry:
        return other
    key = maker_key(other)
    return catalog.makers.curated.get(key) or catalog.makers.registry.get(key) or other


def _date(event: OwnershipEvent) -> dt.date:
    return dt.date.fromisoformat(event.date)


def owner_on(catalog: Catalog, maker_id: str, day: dt.date) -> str:
    """The ultimate owner on a day: direct owners followed upward, each on the same day; the maker
    itself when it had none (a name outside the catalog ends the chain)."""
    current, seen = maker_id, {maker_id}
    while (parent := direct_owner_on(catalog, current, day)) and parent not in seen:
        seen.add(parent)
        current = parent
        if current not in catalog.manufacturers:
            break
    return current


def chain_events(catalog: Catalog, maker_id: str, after: dt.date) -> list[str]:
    """Ownership events after a day of the maker and of every company that owned it then, as
    'YYYY-MM-DD: X acquired by Y', by date."""
    found: list[tuple[str, str]] = []
    current, seen = maker_id, {maker_id}
    while current in catalog.manufacturers:
        for event in catalog.ownership.get(current, []):
            if _date(event) > after and event.event != "renamed_to":
                other = _name(catalog, resolve(catalog, event.other))
                found.append((event.date, (f"{event.date}: {_name(catalog, current)} "
                                          f"{_VERBS.get(event.event, event.event)} {other}")))
        parent = direct_owner_on(catalog, current, after)
        if not parent or parent in seen:
            break
        seen.add(parent)
        current = parent
    return [text for _, text in sorted(set(found))]


def _name(catalog: Catalog, owner: str) -> str:
    maker = catalog.manufacturers.get(owner) or catalog.registry.get(owner)
    return maker.name if maker else owner


def _country(catalog: Catalog, owner: str) -> str | None:
    maker = catalog.manufacturers.get(owner) or catalog.registry.get(owner)
    return maker.country if maker else None


def owner_at_date_code(catalog: Catalog, maker_id: str, date_code: str | None) -> OwnerAtDate:
    """The owner when the part was made (its date code read as a week) and today's; today's is kept
    where the code has no readable week, or where its readings give different owners."""
    today = catalog.owner_of(maker_id)
    base = OwnerAtDate(today, _name(catalog, today), _country(catalog, today), today, _name(catalog, today),
                       _country(catalog, today))
    as_of = f"the catalog's as-of date ({catalog.as_of})" if catalog.as_of else "the catalog's as-of date"
    weeks = [w for w in readings(date_code, maker_id) if not catalog.as_of or w.start.isoformat() <= catalog.as_of]
    if not weeks:
        why = f"date code {date_code!r} is not read as a week up to then" if date_code else "no date code"
        return _with(base, detail=f"owner at {as_of}: {base.today} ({why})")
    owners = {owner_on(catalog, maker_id, day) for w in weeks for day in (w.start, w.end)}
    if len(owners) > 1:
        named = " or ".join(sorted(_name(catalog, o) for o in owners))
        return _with(base, made=_week(weeks[0]), ambiguous=True,
                     detail=f"date code {weeks[0].code} reads as {' or as '.join(_week(w) for w in weeks)}, "
                            f"under different owners ({named}): owner at {as_of} kept, {base.today}")
    then = owners.pop()
    made = _week(weeks[0])
    if then == today:
        return _with(base, made=made, detail=f"owner at the part's date, {made}: {base.today}, as today")
    events = tuple(chain_events(catalog, maker_id, weeks[0].end))
    since = f"; since then {'; '.join(events)}" if events else ""
    return OwnerAtDate(then, _name(catalog, then), _country(catalog, then), today, base.today, base.today_country,
                       made, True, False, events,
                       f"owner at the part's date, {made}: {_name(catalog, then)}; today {base.today}{since}")


def _week(reading: DateReading) -> str:
    return f"week {reading.week} of {reading.year} ({reading.order}, from {day_text(reading.start)})"


def _with(base: OwnerAtDate, *, made: str = "", ambiguous: bool = False, detail: str) -> OwnerAtDate:
    return OwnerAtDate(base.owner_id, base.owner, base.country, base.today_id, base.today, base.today_country,
                       made, False, ambiguous, (), detail)
