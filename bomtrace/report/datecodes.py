"""Dated parts against the dated export-control measures each week falls after (the readings of a
date code live in bomtrace.datecodes). The comparison is worded neutrally: it states when a part was
made relative to when a measure took effect, never that anything was breached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bomtrace import resources
from bomtrace.catalogs import read_meta, read_rows
from bomtrace.datecodes import (
    ISO_RULE,
    JAN1_RULE,
    JAN1_WEEK_MAKERS,
    DateReading,
    day_text,
    read_date_code,
    readings,
    week_days,
)
from bomtrace.models import Restriction

__all__ = ["ISO_RULE", "JAN1_RULE", "JAN1_WEEK_MAKERS", "DateReading", "Standing", "day_text", "read_date_code",
           "readings", "restrictions_in", "shipped_restrictions", "standing", "week_days"]


@dataclass(frozen=True)
class Standing:
    """A dated part against the measures: those in force before its week, the one during it."""

    reading: DateReading
    before: tuple[Restriction, ...]
    during: tuple[Restriction, ...]

    @property
    def wording(self) -> str:
        """One neutral sentence: made after (or in the week, or before) the measures took effect."""
        if self.during:
            named = " and ".join(f"{day_text(m.date)} ({m.jurisdiction})" for m in self.during)
            noun = "measures" if len(self.during) > 1 else "measure"
            return f"made in the week the {noun} of {named} took effect"
        if self.before:
            last = self.before[-1]
            earlier = len(self.before) - 1
            more = f", and after {earlier} earlier {'one' if earlier == 1 else 'ones'}" if earlier else ""
            return f"made after the measure of {day_text(last.date)} ({last.jurisdiction}) took effect{more}"
        return "made before the first measure listed took effect"


def standing(reading: DateReading, measures: Sequence[Restriction]) -> Standing:
    """The measures that took effect before the part's week began, and any that took effect in it."""
    start, end = reading.start.isoformat(), reading.end.isoformat()
    before = tuple(m for m in measures if m.date < start)
    during = tuple(m for m in measures if start <= m.date <= end)
    return Standing(reading, before, during)


def restrictions_in(folder: Path) -> list[Restriction]:
    """The measures in a catalog folder's restrictions table, by date; rows with a bad date are left out."""
    measures = []
    for row in read_rows(folder, "restrictions", []):
        v = row.values
        try:
            dt.date.fromisoformat(v["date"])
        except ValueError:
            continue
        targets = tuple(t.strip() for t in v["targets"].split(";") if t.strip())
        measures.append(Restriction(v["date"], v["jurisdiction"], v["measure"], targets, v["source"]))
    return sorted(measures, key=lambda m: (m.date, m.jurisdiction, m.measure))


def shipped_restrictions(catalog_names: Iterable[str]) -> list[Restriction]:
    """The shipped catalog's measures when a result used the shipped catalog (by name), else none."""
    folder = resources.catalogs_dir()
    if read_meta(folder)["name"] not in set(catalog_names):
        return []
    return restrictions_in(folder)
