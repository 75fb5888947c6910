"""Owner at the part's date: the catalog's dated ownership events replayed up to the week a date code
gives; a code whose readings (or week) fall on both sides of an event keeps today's owner and is
flagged; basis `owner` counts a dated part under its owner then. The case table
tests/cases/owner_at_date.csv runs on the shipped catalog's events (each cited in catalogs/ownership*.csv)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from bomtrace.analysis import analyze_line
from bomtrace.catalogs import Catalog
from bomtrace.ownership import AMBIGUOUS_FLAG, owner_at_date_code, owner_on, resolve
from bomtrace.screening import ScreeningIndex
from tests.conftest import raw

CASES = list(csv.DictReader((Path(__file__).parent / "cases" / "owner_at_date.csv").open(encoding="utf-8")))
NO_LISTS = ScreeningIndex.of([])


def status(o: object) -> str:
    from bomtrace.models import OwnerAtDate

    assert isinstance(o, OwnerAtDate)
    return "ambiguous" if o.ambiguous else "changed" if o.changed else "same" if o.made else "undated"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['maker']}-{c['date_code']}" for c in CASES])
def test_owner_at_date_case_table(case: dict[str, str], shipped: Catalog) -> None:
    found = owner_at_date_code(shipped, case["maker"], case["date_code"])
    assert (found.owner, found.today, status(found)) == (case["owner_then"], case["owner_today"], case["status"]), \
        case["why"]


def test_the_case_table_covers_each_outcome() -> None:
    counts = {s: sum(1 for c in CASES if c["status"] == s) for s in ("changed", "same", "ambiguous", "undated")}
    assert len(CASES) >= 30 and all(counts.values()), counts


#: Makers whose last event names a majority owner that the catalog's `parent` (as of its as-of date) does
#: not: the catalog counts them independent today, so after the event their owner is themselves.
MAJORITY_OWNER_NOT_PARENT = {"altera", "semikron-danfoss"}


def test_every_maker_with_events_ends_at_its_owner_of_today(shipped: Catalog) -> None:
    """The last owning event's company is today's `parent` (a spin-off's, no parent), so the replay and
    the static owner agree after the last event; the exceptions are listed above."""
    disagree = set()
    for maker_id, events in shipped.ownership.items():
        owning = [e for e in events if e.event != "renamed_to"]
        if not owning:
            continue
        last = owning[-1]
        expected = "" if last.event in ("spun_off_from", "became_independent") else resolve(shipped, last.other)
        if expected != shipped.manufacturers[maker_id].parent:
            disagree.add(maker_id)
    assert disagree == MAJORITY_OWNER_NOT_PARENT


def test_an_owner_is_followed_upward_at_the_same_date(shipped: Catalog) -> None:
    assert owner_on(shipped, "dallas-semiconductor", dt.date(2010, 6, 1)) == "maxim-integrated"
    assert owner_on(shipped, "dallas-semiconductor", dt.date(2022, 6, 1)) == "analog-devices"
    assert owner_on(shipped, "actel", dt.date(2012, 6, 1)) == "microsemi"


def test_basis_owner_counts_a_dated_part_under_its_owner_then(shipped: Catalog) -> None:
    line = raw(marking="MAX232ECPE 2116", manufacturer="Maxim Integrated")
    brand = analyze_line(line, shipped, "brand", lists=NO_LISTS)
    owner = analyze_line(line, shipped, "owner", lists=NO_LISTS)
    assert (brand.attribution.owner, brand.attribution.country) == ("Analog Devices", "US")
    assert (owner.attribution.owner, owner.attribution.country) == ("Maxim Integrated", "US")
    assert owner.ownership is not None and owner.ownership.detail == (
        "owner at the part's date, week 16 of 2021 (YYWW, from 19 Apr 2021): Maxim Integrated; today Analog "
        "Devices; since then 2021-08-26: Maxim Integrated acquired by Analog Devices")
    freescale = analyze_line(raw(part_number="MKL15Z32VFM4", manufacturer="Freescale", date_code="0230"), shipped,
                             "owner", lists=NO_LISTS)
    assert (freescale.attribution.owner, freescale.attribution.country, freescale.attribution.brand_country) == \
        ("MOTOROLA", "US", "US")


def test_an_ambiguous_code_keeps_todays_owner_and_is_flagged(shipped: Catalog) -> None:
    line = raw(marking="LT1763 1710", manufacturer="Linear Technology")
    result = analyze_line(line, shipped, "owner", lists=NO_LISTS)
    assert result.attribution.owner == "Analog Devices"
    assert AMBIGUOUS_FLAG in result.flags
    assert result.ownership is not None and result.ownership.detail.startswith(
        "date code 1710 reads as week 10 of 2017 (YYWW, from 6 Mar 2017) or as week 17 of 2010 (WWYY, from 26 Apr "
        "2010), under different owners (Analog Devices or Linear Technology): owner at the catalog's as-of date")


def test_an_undated_line_is_owned_as_of_the_catalogs_date(shipped: Catalog) -> None:
    result = analyze_line(raw(part_number="ADM3485EARZ", manufacturer="Analog Devices"), shipped, "owner",
                          lists=NO_LISTS)
    assert result.ownership is not None
    assert result.ownership.detail == "owner at the catalog's as-of date (2026-11-25): Analog Devices (no date code)"
