"""Date codes read as weeks, and the dated export-control measures each week falls after.

A four-digit code is read YYWW (year 20YY, week WW) when that is a valid week, else WWYY; when both
readings are valid the YYWW one is used and the other is shown. Weeks follow ISO 8601 (week 01 holds
the first Thursday) unless the maker is known to count otherwise: Microchip counts the week of
1 January as week 01. The comparison is worded neutrally: it states when a part was made relative to
when a measure took effect, never that anything was breached.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bomtrace import resources
from bomtrace.catalogs import read_meta, read_rows
from bomtrace.models import Restriction

#: Makers whose week 01 is the week that contains 1 January (their own published rule).
JAN1_WEEK_MAKERS = frozenset({"microchip"})
ISO_RULE = "ISO 8601 week"
JAN1_RULE = "maker's rule: week 01 holds 1 January"
_CODE = re.compile(r"^#?(\d{4})$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class DateReading:
    """How a date code was read: the order (YYWW/WWYY), year, week, week rule and the week's days."""

    code: str
    order: str
    year: int
    week: int
    week_rule: str
    start: dt.date
    end: dt.date
    alternative: str = ""

    @property
    def rule(self) -> str:
        """The reading rule as one phrase for a reader."""
        text = f"{self.order}: week {self.week} of {self.year} ({self.week_rule})"
        return text + (f"; {self.alternative}" if self.alternative else "")


def day_text(day: dt.date | str) -> str:
    """A date as '24 Feb 2022' (ISO text accepted)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def week_days(year: int, week: int, jan1_rule: bool) -> tuple[dt.date, dt.date] | None:
    """Monday and Sunday of a week under the rule; None when the year has no such week."""
    if jan1_rule:
        jan1 = dt.date(year, 1, 1)
        start = jan1 - dt.timedelta(days=jan1.weekday()) + dt.timedelta(weeks=week - 1)
        if week < 1 or start.year > year:
            return None
    else:
        try:
            start = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
    return start, start + dt.timedelta(days=6)


def read_date_code(code: str | None, maker_id: str | None = None) -> DateReading | None:
    """A date code ('2116', '#2116', '4521') as a week: YYWW first, WWYY when YYWW is impossible."""
    found = _CODE.match((code or "").strip())
    if not found:
        return None
    digits = found.group(1)
    jan1 = maker_id in JAN1_WEEK_MAKERS
    rule = JAN1_RULE if jan1 else ISO_RULE
    readings = []
    for order, yy, ww in (("YYWW", digits[:2], digits[2:]), ("WWYY", digits[2:], digits[:2])):
        year, week = 2000 + int(yy), int(ww)
        days = week_days(year, week, jan1) if int(yy) <= 40 and 1 <= week <= 53 else None
        if days:
            readings.append(DateReading(digits, order, year, week, rule, *days))
    if not readings:
        return None
    chosen = readings[0]
    if len(readings) == 2:
        other = readings[1]
        return DateReading(chosen.code, chosen.order, chosen.year, chosen.week, rule, chosen.start,
                           chosen.end, f"as {other.order} it would be week {other.week} of {other.year}")
    return chosen


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
