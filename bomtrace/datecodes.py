"""Date codes read as weeks: the readings a four-digit code allows and the one a report uses.

A four-digit code is read YYWW (year 20YY, week WW) when that is a valid week, else WWYY; when both
readings are valid the YYWW one is used and the other is shown (and `readings` gives both, for a rule
that must know whether the two fall on the same side of a date). Weeks follow ISO 8601 (week 01 holds
the first Thursday) unless the maker is known to count otherwise: Microchip counts the week of
1 January as week 01.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

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


@functools.lru_cache(maxsize=4096)  # a teardown's date codes name a few hundred weeks, read again and again
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


def readings(code: str | None, maker_id: str | None = None) -> list[DateReading]:
    """Every valid reading of a date code ('2116', '#2116', '4521'): YYWW first, then WWYY; none,
    one or two."""
    found = _CODE.match((code or "").strip())
    if not found:
        return []
    digits = found.group(1)
    jan1 = maker_id in JAN1_WEEK_MAKERS
    rule = JAN1_RULE if jan1 else ISO_RULE
    valid = []
    for order, yy, ww in (("YYWW", digits[:2], digits[2:]), ("WWYY", digits[2:], digits[:2])):
        year, week = 2000 + int(yy), int(ww)
        days = week_days(year, week, jan1) if int(yy) <= 40 and 1 <= week <= 53 else None
        if days:
            valid.append(DateReading(digits, order, year, week, rule, *days))
    return valid


def read_date_code(code: str | None, maker_id: str | None = None) -> DateReading | None:
    """A date code ('2116', '#2116', '4521') as a week: YYWW first, WWYY when YYWW is impossible."""
    found = readings(code, maker_id)
    if not found:
        return None
    chosen = found[0]
    if len(found) == 2:
        other = found[1]
        return DateReading(chosen.code, chosen.order, chosen.year, chosen.week, chosen.week_rule, chosen.start,
                           chosen.end, f"as {other.order} it would be week {other.week} of {other.year}")
    return chosen
