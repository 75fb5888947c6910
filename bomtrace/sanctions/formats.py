"""Official sanctions-list downloads read into list entries: OFAC's SDN list as its CSV files
(sdn.csv, and add.csv and alt.csv for addresses and aliases) or as sdn.xml. Entities only: OFAC's
individuals, vessels and aircraft are left out, as in the shipped table.

Each reader checks the shape it expects and raises SanctionsListError naming the file and what was
expected; nothing is written until every file has been read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bomtrace import resources
from bomtrace.build.imports import country_code, ofac_extract
from bomtrace.errors import SanctionsListError
from bomtrace.sanctions.tables import ListEntry

OFAC_SDN = "OFAC SDN"
#: OFAC's headerless CSV files by their number of columns.
OFAC_CSV_COLUMNS = {
    12: ("sdn", ("ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, "
               "Vess_owner, Remarks")),
    6: ("add", "ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks"),
    5: ("alt", "ent_num, alt_num, alt_type, alt_name, alt_remarks"),
}
EXPECTED = ("OFAC's sdn.csv (12 columns), add.csv (6) or alt.csv (5), or OFAC's sdn.xml (an sdnList with its "
            "Publish_Date)")


@dataclass
class Download:
    """The files of one update, sorted by kind: OFAC CSV rows by file kind, or the entries of an XML."""

    csv_rows: dict[str, list[list[str]]] = field(default_factory=dict)
    csv_names: dict[str, str] = field(default_factory=dict)
    xml_entries: list[ListEntry] = field(default_factory=list)


@lru_cache(maxsize=1)
def country_overrides() -> dict[str, str]:
    """OFAC's country spellings pycountry does not resolve (data/ofac_country_names.csv)."""
    with resources.data_file("ofac_country_names.csv").open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row["code"] for row in csv.DictReader(handle)}


def read_download(paths: Sequence[Path], published: str) -> list[ListEntry]:
    """The entity entries of an OFAC download: sdn.xml alone, or sdn.csv with add.csv and alt.csv
    (any of the CSV files may come alone, but not without sdn.csv); `published` dates the CSV files,
    which carry no date of their own."""
    download = Download()
    for path in paths:
        _read_one(path, download)
    if download.xml_entries and download.csv_rows:
        raise SanctionsListError("An OFAC sdn.xml and OFAC CSV files were given together",
                                 "Give either sdn.xml, or sdn.csv with add.csv and alt.csv.")
    if download.xml_entries:
        return download.xml_entries
    if "sdn" not in download.csv_rows:
        given = ", ".join(download.csv_names.values())
        raise SanctionsListError(f"{given}: OFAC address or alias files without sdn.csv",
                                 "Give sdn.csv with them (add.csv and alt.csv only add to its entries).")
    return _csv_entries(download, published)


def _read_one(path: Path, download: Download) -> None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SanctionsListError(f"{path}: cannot be read ({error.strerror})", "Check the path.") from None
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        download.xml_entries.extend(read_sdn_xml(path, raw))
        return
    if b"\x00" in raw[:4096] or raw.startswith(b"PK\x03\x04"):
        raise SanctionsListError(f"{path}: not a sanctions list bomtrace reads (a binary file, such as a "
                                 "spreadsheet or an archive)", f"Expected {EXPECTED}.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    try:
        rows = [row for row in csv.reader(io.StringIO(text.replace("\x1a", ""), newline=""))
                if any(c.strip() for c in row)]
    except csv.Error as error:
        raise SanctionsListError(f"{path}: not a sanctions list bomtrace reads (not CSV: {error})",
                                 f"Expected {EXPECTED}.") from None
    if not rows or len(rows[0]) not in OFAC_CSV_COLUMNS:
        found = f"a first row of {len(rows[0])} columns" if rows else "no rows"
        raise SanctionsListError(f"{path}: not a sanctions list bomtrace reads ({found})", f"Expected {EXPECTED}.")
    kind, columns = OFAC_CSV_COLUMNS[len(rows[0])]
    for number, row in enumerate(rows, start=1):
        if len(row) < len(rows[0]):
            raise SanctionsListError(f"{path}: row {number} has {len(row)} of the {len(rows[0])} columns of "
                                     f"OFAC's {kind}.csv", f"Expected the columns {columns}.")
    if not rows[0][0].strip().isdigit():
        raise SanctionsListError(f"{path}: the first column is not OFAC's entry number ({rows[0][0][:20]!r})",
                                 f"Expected {EXPECTED}.")
    if kind in download.csv_rows:
        raise SanctionsListError(f"{path}: a second OFAC {kind}.csv ({download.csv_names[kind]} came first)",
                                 "Give each file once.")
    download.csv_rows[kind] = rows
    download.csv_names[kind] = path.name


def _csv_entries(download: Download, published: str) -> list[ListEntry]:
    extract = ofac_extract(download.csv_rows["sdn"], download.csv_rows.get("add", []),
                           download.csv_rows.get("alt", []), country_overrides(), listed=published,
                           later_listed=published)
    names = download.csv_names
    entries = []
    for ent, name, _listed, programs, countries, aliases, former, _remarks in extract.rows:
        entries.append(ListEntry(OFAC_SDN, ent, name, _split(aliases), _split(former), _split(countries),
                                 _split(programs), "", published,
                                 f"{names['sdn']} {published}" if name else "",
                                 f"{names['alt']} {published}" if "alt" in names and (aliases or former) else "",
                                 f"{names['add']} {published}" if "add" in names and countries else ""))
    return entries


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p for p in cell.split("|") if p)


# --- sdn.xml -------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Any, name: str) -> Any | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: Any, name: str) -> list[Any]:
    holder = _child(element, name + "List")
    return [c for c in holder if _local(c.tag) == name] if holder is not None else []


def _text(element: Any, name: str) -> str:
    found = _child(element, name)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_sdn_xml(path: Path, raw: bytes) -> list[ListEntry]:
    """The entity entries of OFAC's sdn.xml: name, a.k.a./n.k.a. names as aliases and f.k.a. names as
    former names (weak and strong alike, as the CSV files give them), programmes and address countries,
    dated by its Publish_Date."""
    from defusedxml import ElementTree  # type: ignore[import-untyped]

    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as error:
        raise SanctionsListError(f"{path}: not well-formed XML ({error})", f"Expected {EXPECTED}.") from None
    if _local(root.tag) != "sdnList":
        raise SanctionsListError(f"{path}: an XML file whose root is <{_local(root.tag)}>, not OFAC's <sdnList>",
                                 f"Expected {EXPECTED}.")
    info = _child(root, "publshInformation")
    published = _us_date(_text(info, "Publish_Date")) if info is not None else ""
    if not published:
        raise SanctionsListError(f"{path}: no publshInformation/Publish_Date (MM/DD/YYYY) in the sdnList",
                                 "Expected OFAC's sdn.xml as downloaded.")
    origin = f"{path.name} {published}"
    entries = []
    for number, item in enumerate((c for c in root if _local(c.tag) == "sdnEntry"), start=1):
        uid, kind, name = _text(item, "uid"), _text(item, "sdnType"), _text(item, "lastName")
        if not uid or not kind:
            raise SanctionsListError(f"{path}: sdnEntry {number} has no uid or sdnType",
                                     "Expected OFAC's sdn.xml as downloaded.")
        if kind != "Entity":
            continue
        aliases: list[str] = []
        former: list[str] = []
        for aka in _children(item, "aka"):
            alias = " ".join(p for p in (_text(aka, "firstName"), _text(aka, "lastName")) if p)
            (former if _text(aka, "type").lower() == "f.k.a." else aliases).append(alias)
        countries = {country_code(_text(a, "country"), country_overrides()) for a in _children(item, "address")}
        programs = [(p.text or "").strip() for p in _children(item, "program")]
        entries.append(ListEntry(OFAC_SDN, uid, name, tuple(sorted(set(filter(None, aliases)))),
                                 tuple(sorted(set(filter(None, former)))), tuple(sorted(filter(None, countries))),
                                 tuple(filter(None, programs)), "", published, origin,
                                 origin if aliases or former else "", origin if any(countries) else ""))
    return sorted(entries, key=lambda e: int(e.entry) if e.entry.isdigit() else 0)


def _us_date(text: str) -> str:
    """OFAC's MM/DD/YYYY as YYYY-MM-DD; '' when it is not one."""
    try:
        return dt.datetime.strptime(text.strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return ""
