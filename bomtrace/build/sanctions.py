"""Build the shipped sanctions tables (catalogs/sanctions/) from the extracts under catalogs/sources/.

The OFAC SDN table is the entity extract catalogs/sources/ofac-sdn/entities.csv (see its SOURCE.md)
with, on every row, the date of the list and the file each field came from: names and programmes from
OFAC's sdn.csv of 2024-05-03; aliases, former names and address countries from OFAC's alt.csv and
add.csv as committed on 2026-06-02. An entry only the later files hold has no primary name and is
dated 2026-06-02. `python -m bomtrace.build` rebuilds it; a test rebuilds it byte for byte.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bomtrace.sanctions.formats import OFAC_SDN
from bomtrace.sanctions.tables import ListEntry, table_name, write_table

#: The OFAC files the extract was made from and their dates (catalogs/sources/ofac-sdn/SOURCE.md): sdn.csv
#: scraped from treasury.gov on 2024-05-03 (commit a5ec3c5 of jackdwyer/specially-designated-nationals-list);
#: add.csv and alt.csv committed on 2026-06-02 (commit 61cc8da0 of mino6225/eurasian-risk-screener), OFAC's
#: own publication date of those two not being in the files.
OFAC_FILES = {"sdn": ("sdn.csv", "2024-05-03"), "add": ("add.csv", "2026-06-02"), "alt": ("alt.csv", "2026-06-02")}
#: The `listed` value the extract gives entries only add.csv/alt.csv hold.
_LATER = "2026-06"


def _origin(kind: str) -> str:
    name, date = OFAC_FILES[kind]
    return f"{name} {date}"


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p for p in cell.split("|") if p)


def ofac_entries(extract: Path) -> list[ListEntry]:
    """The OFAC SDN table's entries from the entity extract, in its order (by entry number)."""
    entries = []
    with extract.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            later = row["listed"] == _LATER
            aliases, former = _split(row["aliases"]), _split(row["former_names"])
            countries = _split(row["countries"])
            entries.append(ListEntry(
                OFAC_SDN, row["ent_num"], row["name"], aliases, former, countries, _split(row["programs"]), "",
                OFAC_FILES["alt"][1] if later else OFAC_FILES["sdn"][1],
                "" if later or not row["name"] else _origin("sdn"),
                _origin("alt") if aliases or former else "",
                _origin("add") if countries else ""))
    return entries


def build_sanctions(sources: Path, catalogs: Path) -> list[Path]:
    """Write every shipped sanctions table from its extract; the paths written."""
    target = catalogs / "sanctions" / table_name(OFAC_SDN)
    write_table(target, ofac_entries(sources / "ofac-sdn" / "entities.csv"))
    return [target]
