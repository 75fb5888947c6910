"""Import: the downloaded registries (IEEE, FinanceDatabase, OFAC) into the small, filtered extracts
that are committed under catalogs/sources/ and from which the registry table is built.

This runs by hand when a source is refreshed (`python -m bomtrace.build.imports --help`); the build
itself never reads a download. Each extractor is pure: text or rows in, sorted rows and the counts of
every filter step out, so a SOURCE.md can state exactly what was kept.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

IEEE_HEADER = ("registry", "assignment", "organization", "country")
EQUITIES_HEADER = ("symbol", "name", "country", "exchange", "industry")
OFAC_HEADER = ("ent_num", "name", "listed", "programs", "countries", "aliases", "former_names", "remarks")

#: FinanceDatabase industries kept: makers of electronics and of what carries them (GICS names as the
#: dataset spells them). A row with no industry is kept when its industry group is wholly electronics.
ELECTRONICS_INDUSTRIES = frozenset({
    "Semiconductors & Semiconductor Equipment",
    "Electronic Equipment, Instruments & Components",
    "Communications Equipment",
    "Technology Hardware, Storage & Peripherals",
    "Electrical Equipment",
    "Aerospace & Defense",
    "Machinery",
    "Auto Components",
    "Industrial Conglomerates",
})
ELECTRONICS_GROUPS = frozenset({"Semiconductors & Semiconductor Equipment", "Technology Hardware & Equipment"})

#: An exchange's own abbreviated security line rather than a company name ('ELMOS SEMICOND. INH O.N.',
#: 'QORVO INC.DL -,0001', 'EGB OE TL.Z./INFINEON', 'KNORR-BREMS. UNSP.ADRS1/4'): German no-par and
#: par-value tails, certificates, share ratios; and preferred stock.
_SECURITY_LINE = re.compile(r"\bO\.N\.|\b(?:DL|EO|SF|LS|YN)\s*-?\s*[,\d]|\./|\d/\d|\bUNSP\b|Preferred Stock",
                            re.IGNORECASE)
#: Depositary receipts: on a US exchange they are a foreign issuer's, whatever the row's country says.
_DEPOSITARY = re.compile(r"\b(?:ADRS?|GDR)\b|Deposit[ao]ry", re.IGNORECASE)
#: A listing symbol of a preferred series ('GPUS^D'), not of the company's shares.
_PRODUCT_SYMBOL = re.compile(r"\^")


@dataclass
class Extract:
    """The rows of one extract, in output order, and the row count after each filter step."""

    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    steps: list[tuple[str, int]] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)


# --- countries -----------------------------------------------------------------------------------

def country_code(name: str, overrides: Mapping[str, str]) -> str:
    """A country name's ISO 3166-1 alpha-2 code (the overrides table first, then pycountry's lookup);
    the name itself when it names no ISO country, '' when empty."""
    name = " ".join(name.split())
    if not name or name == "-0-":
        return ""
    if name in overrides:
        return overrides[name] or name
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return name


def read_country_overrides(path: Path) -> dict[str, str]:
    """The name,code table of country names pycountry does not resolve (code empty: no ISO country)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row["code"] for row in csv.DictReader(handle)}


# --- IEEE ----------------------------------------------------------------------------------------

_IEEE_BASE16 = re.compile(r"^([0-9A-F]{6})(?:-[0-9A-F]{6})?\s+\(base 16\)\s*(.*)$")
_IEEE_HEX = re.compile(r"^([0-9A-F]{2})-([0-9A-F]{2})-([0-9A-F]{2})\s")


def parse_ieee(text: str, registry: str) -> list[tuple[str, str, str, str]]:
    """(registry, assignment, organization, country) per block of an IEEE oui.txt/iab.txt listing:
    an IAB's assignment is its 36-bit prefix (OUI + the range's first three digits); the country is
    the address's last line when it is a two-letter code, else ''."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        match = _IEEE_BASE16.match(line.strip())
        hex_line = _IEEE_HEX.match(lines[i - 1].strip()) if i else None
        if not match or not hex_line:
            continue
        oui = "".join(hex_line.groups())
        assignment = oui if registry == "MA-L" else oui + match.group(1)[:3]
        address = []
        for follow in lines[i + 1:]:
            if not follow.strip():
                break
            address.append(follow.strip())
        country = address[-1] if address and re.fullmatch(r"[A-Z]{2}", address[-1]) else ""
        found.append((registry, assignment, " ".join(match.group(2).split()), country))
    return found


def ieee_extract(oui_text: str, iab_text: str) -> Extract:
    """The MA-L and IAB assignments with an organisation name ('Private' placeholders left out)."""
    rows = parse_ieee(oui_text, "MA-L") + parse_ieee(iab_text, "IAB")
    extract = Extract(IEEE_HEADER, [], [("assignments read", len(rows))])
    kept: list[tuple[str, ...]] = sorted(r for r in rows if r[2] and r[2].lower() != "private")
    extract.steps.append(("without the 'Private' placeholder", len(kept)))
    extract.notes = {"without a country line": sum(1 for r in kept if not r[3]),
                     "organisations": len({r[2] for r in kept})}
    extract.rows = kept
    return extract


# --- FinanceDatabase -----------------------------------------------------------------------------

def equities_extract(files: Mapping[str, Sequence[Mapping[str, str]]], exchange_country: Mapping[str, str],
                     overrides: Mapping[str, str]) -> Extract:
    """Home listings of electronics-type companies: `files` maps an exchange code (the file's name) to its
    rows; a row is kept when its industry is an electronics one, the company's country is the exchange's
    (or a mainland Chinese company in Hong Kong), and it names a company rather than a security line."""
    rows = [(exchange, row) for exchange in sorted(files) for row in files[exchange]]
    extract = Extract(EQUITIES_HEADER, [], [("rows in the snapshot's equities files", len(rows))])
    rows = [(e, r) for e, r in rows if r["industry"] in ELECTRONICS_INDUSTRIES
            or (not r["industry"] and r["industry_group"] in ELECTRONICS_GROUPS)]
    extract.steps.append(("in an electronics-type industry", len(rows)))
    rows = [(e, r) for e, r in rows if r["country"].strip()]
    extract.steps.append(("with a company country", len(rows)))
    coded = [(e, r, country_code(r["country"], overrides)) for e, r in rows]
    coded = [(e, r, c) for e, r, c in coded
             if c == exchange_country.get(e) or (e == "HKG" and c == "CN")]
    extract.steps.append(("home listings (company country = exchange country, or CN in HKG)", len(coded)))
    coded = [(e, r, c) for e, r, c in coded if not _PRODUCT_SYMBOL.search(r["symbol"])
             and not _SECURITY_LINE.search(r["name"]) and r["name"].strip()
             and not (c == "US" and _DEPOSITARY.search(r["name"]))]
    extract.steps.append(("naming a company (no security line, preferred stock, US depositary receipt)",
                          len(coded)))
    extract.rows = sorted((r["symbol"], " ".join(r["name"].split()), c, e, r["industry"] or r["industry_group"])
                          for e, r, c in coded)
    extract.notes = {"distinct names": len({r[1] for r in extract.rows})}
    return extract


# --- OFAC ----------------------------------------------------------------------------------------

def _ofac(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def _person_style(name: str) -> bool:
    """OFAC writes a person 'SURNAME, Given Names' (lower-case letters) and an entity in capitals."""
    return any(c.islower() for c in name)


def ofac_extract(sdn: Iterable[Sequence[str]], addresses: Iterable[Sequence[str]],
                 aliases: Iterable[Sequence[str]], overrides: Mapping[str, str], *,
                 listed: str = "2024-05-03", later_listed: str = "2026-06") -> Extract:
    """OFAC SDN entities (not individuals, vessels or aircraft) with every address country and every
    alias. An entry of the address/alias tables missing from the primary list (designated after it) is
    kept when it has an address country and aliases all in OFAC's capitals style for entities.
    `listed` dates the primary list's entries, `later_listed` those only the other tables hold."""
    primary = {r[0].strip(): r for r in sdn if len(r) >= 12}
    countries: dict[str, set[str]] = defaultdict(set)
    with_address: set[str] = set()
    for r in addresses:
        if len(r) >= 5:
            with_address.add(r[0].strip())
            if code := country_code(r[4], overrides):
                countries[r[0].strip()].add(code)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in aliases:
        if len(r) >= 4 and (alias := " ".join(r[3].split())):
            kind = "former_names" if r[2].strip().lower() == "fka" else "aliases"
            names[r[0].strip()][kind].add(alias)
    types = Counter(_ofac(r[2]) or "entity" for r in primary.values())
    extract = Extract(OFAC_HEADER, [], [(f"entries in sdn.csv ({', '.join(f'{n} {t}' for t, n in sorted(types.items()))})",
                                         len(primary))])
    later = sorted((set(names) | with_address) - set(primary), key=int)
    rows = []
    for ent, r in primary.items():
        if _ofac(r[2]):
            continue
        rows.append((ent, " ".join(r[1].split()), listed, _programs(r[3]), *_names_of(ent, countries, names),
                     _ofac(r[11])))
    extract.steps.append(("entities (sdn.csv type '-0-')", len(rows)))
    inferred = 0
    for ent in later:
        every = names[ent]["aliases"] | names[ent]["former_names"]
        if countries.get(ent) and every and not any(_person_style(a) for a in every):
            rows.append((ent, "", later_listed, "", *_names_of(ent, countries, names), ""))
            inferred += 1
    extract.steps.append((f"plus {inferred} of {len(later)} later entries of add.csv/alt.csv judged entities", len(rows)))
    extract.rows = sorted(rows, key=lambda row: int(row[0]))
    extract.notes = {"with one address country": sum(1 for r in rows if r[4] and "|" not in r[4]),
                     "with several": sum(1 for r in rows if "|" in r[4]),
                     "with none": sum(1 for r in rows if not r[4])}
    return extract


def _programs(text: str) -> str:
    return "|".join(p.strip() for p in _ofac(text).split("] [") if p.strip())


def _names_of(ent: str, countries: Mapping[str, set[str]], names: Mapping[str, Mapping[str, set[str]]]
              ) -> tuple[str, str, str]:
    own = names.get(ent, {})
    return ("|".join(sorted(countries.get(ent, ()))), "|".join(sorted(own.get("aliases", ()))),
            "|".join(sorted(own.get("former_names", ()))))


# --- files ---------------------------------------------------------------------------------------

def write_extract(extract: Extract, path: Path) -> None:
    """The extract as UTF-8 CSV with a header row and '\\n' line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(extract.header)
    writer.writerows(extract.rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _read_csv_rows(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8").replace("\x1a", "")
    return [row for row in csv.reader(io.StringIO(text)) if row]


def _report(extract: Extract) -> str:
    lines = [f"{n:>7}  {label}" for label, n in extract.steps]
    lines += [f"{n:>7}  ({label})" for label, n in extract.notes.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Write one extract from its downloads and print the count after each filter step."""
    parser = argparse.ArgumentParser(prog="python -m bomtrace.build.imports", description=__doc__)
    parser.add_argument("--sources", type=Path, default=Path("catalogs/sources"), help="catalogs/sources folder")
    sub = parser.add_subparsers(dest="dataset", required=True)
    sub.add_parser("ieee", help="from the netaddr wheel").add_argument("wheel", type=Path)
    fd = sub.add_parser("financedatabase", help="from a folder of database/equities/*.csv")
    fd.add_argument("folder", type=Path)
    ofac = sub.add_parser("ofac", help="from sdn.csv, add.csv and alt.csv")
    for name in ("sdn", "add", "alt"):
        ofac.add_argument(name, type=Path)
    args = parser.parse_args(argv)
    sources: Path = args.sources
    overrides = read_country_overrides(sources / "country-names.csv")
    if args.dataset == "ieee":
        with zipfile.ZipFile(args.wheel) as wheel:
            extract = ieee_extract(wheel.read("netaddr/eui/oui.txt").decode("utf-8"),
                                   wheel.read("netaddr/eui/iab.txt").decode("utf-8"))
        out = sources / "ieee-ra" / "assignments.csv"
    elif args.dataset == "financedatabase":
        files = {}
        for path in sorted(args.folder.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                files[path.stem] = list(csv.DictReader(handle))
        with (sources / "financedatabase" / "exchanges.csv").open(encoding="utf-8", newline="") as handle:
            exchanges = {row["exchange"]: row["country"] for row in csv.DictReader(handle) if row["country"]}
        extract = equities_extract(files, exchanges, overrides)
        out = sources / "financedatabase" / "equities.csv"
    else:
        extract = ofac_extract(_read_csv_rows(args.sdn), _read_csv_rows(args.add), _read_csv_rows(args.alt),
                               overrides)
        out = sources / "ofac-sdn" / "entities.csv"
    write_extract(extract, out)
    print(f"{out}:\n{_report(extract)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
