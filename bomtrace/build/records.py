"""Records: each extract under catalogs/sources/ read as (dataset, identity, name, country) records,
one per name a record gives, in file order. Rules that belong to one dataset live here: an OFAC entity
places its names only when all its addresses are in one country; a listing's share-class tail is not
part of the company's name."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

IEEE = "IEEE"
FINANCEDATABASE = "FinanceDatabase"
OFAC = "OFAC"
#: the order in which a row's source lists its datasets: listed companies, sanctions list, IEEE
DATASETS = (FINANCEDATABASE, OFAC, IEEE)

#: the extract files under catalogs/sources/, by dataset
EXTRACTS = {
    IEEE: Path("ieee-ra") / "assignments.csv",
    FINANCEDATABASE: Path("financedatabase") / "equities.csv",
    OFAC: Path("ofac-sdn") / "entities.csv",
}
#: the date of the IEEE listing shipped in the netaddr 1.3.0 wheel
IEEE_DATE = "2024-05"


@dataclass(frozen=True, order=True)
class Record:
    """One name a dataset gives a company, with the record's identity and the country it states."""

    dataset: str
    identity: str
    name: str
    country: str


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def ieee_records(path: Path) -> Iterator[Record]:
    """An MA-L or IAB assignment: 'IEEE MA-L 64F6BB (2024-05)', its organisation and address country."""
    for row in _rows(path):
        identity = f"IEEE {row['registry']} {row['assignment']} ({IEEE_DATE})"
        yield Record(IEEE, identity, row["organization"], row["country"])


_SHARE_TAIL = re.compile(r"(?:\s+-)?\s*(?:Class [A-Z]|Common Stock|Ordinary Shares|Registered Shares"
                         r"|Sponsored [AG]DR(?: RegS)?|American Deposit[ao]ry Shares)$", re.IGNORECASE)


def listing_company_name(name: str) -> str:
    """A listing's name without its share-class tail: 'First Tractor Co., Ltd. Class H' -> 'First Tractor
    Co., Ltd.', 'Nuburu Inc. Common Stock' -> 'Nuburu Inc.'."""
    while (shorter := _SHARE_TAIL.sub("", name)) != name and shorter:
        name = shorter
    return name


def equities_records(path: Path) -> Iterator[Record]:
    """A home listing: 'FinanceDatabase 300638.SZ', the company's name and its country."""
    for row in _rows(path):
        yield Record(FINANCEDATABASE, f"FinanceDatabase {row['symbol']}", listing_company_name(row["name"]),
                     row["country"])


def ofac_records(path: Path, dropped: Counter[str]) -> Iterator[Record]:
    """An SDN entity's name, aliases and former names, 'OFAC SDN 12345 (2024-05-03)', when all its
    addresses are in one country; entities with none or several are counted in `dropped`."""
    for row in _rows(path):
        names = [n for n in (row["name"], *row["aliases"].split("|"), *row["former_names"].split("|")) if n]
        countries = [c for c in row["countries"].split("|") if c]
        if len(countries) != 1:
            reason = "ofac-no-address-country" if not countries else "ofac-several-countries"
            dropped[reason] += len(names)
            continue
        identity = f"OFAC SDN {row['ent_num']} ({row['listed']})"
        for name in names:
            yield Record(OFAC, identity, name, countries[0])


def read_records(sources: Path, dropped: Counter[str]) -> list[Record]:
    """Every record of the three extracts under `sources`, in dataset and file order."""
    records = list(ieee_records(sources / EXTRACTS[IEEE]))
    records += equities_records(sources / EXTRACTS[FINANCEDATABASE])
    records += ofac_records(sources / EXTRACTS[OFAC], dropped)
    return records
