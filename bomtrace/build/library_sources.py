"""Library sources: the open parts libraries (KiCad symbols, Digi-Key's and CDFER's JLCPCB KiCad
libraries) read from their git snapshots into the filtered extracts committed under catalogs/sources/,
and those extracts read back as library records for the build.

Extraction runs by hand when a library is refreshed (`python -m bomtrace.build.library_sources
--help`); the build reads only the extracts. Each parser is pure: file text in, rows out.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

KICAD = "kicad-symbols"
DIGIKEY = "digikey-kicad-library"
JLCPCB = "jlcpcb-kicad-library"
LIBRARIES = (KICAD, DIGIKEY, JLCPCB)

#: the extract of each library under catalogs/sources/, and its columns
EXTRACTS = {KICAD: Path(KICAD) / "symbols.csv", DIGIKEY: Path(DIGIKEY) / "parts.csv",
            JLCPCB: Path(JLCPCB) / "parts.csv"}
HEADERS = {
    KICAD: ("symbol", "datasheet", "description", "file", "commit"),
    DIGIKEY: ("part_number", "manufacturer", "datasheet", "description", "status", "file", "commit"),
    JLCPCB: ("part_number", "manufacturer", "datasheet", "category", "lcsc", "file", "commit"),
}
#: how a row's source names each library: name, date and licence of the data
TITLES = {KICAD: "KiCad symbols 2020 (CC-BY-SA 4.0)", DIGIKEY: "Digi-Key KiCad library 2022 (CC-BY-SA 4.0)",
          JLCPCB: "JLCPCB KiCad library 2026 (MIT)"}


@dataclass(frozen=True)
class LibraryRow:
    """One symbol or part of a library: its name, the maker evidence (a datasheet URL, and the
    library's maker field where it has one), the group it is filed under, and where it was read."""

    library: str
    name: str
    manufacturer: str
    datasheet: str
    group: str
    description: str
    file: str
    commit: str


# --- parsers -------------------------------------------------------------------------------------

def parse_dcm(text: str) -> Iterator[tuple[str, str, str]]:
    """A KiCad 5 .dcm file's entries: (symbol, datasheet field, description), in file order."""
    name = datasheet = description = ""
    for line in text.splitlines():
        if line.startswith("$CMP "):
            name, datasheet, description = line[5:].strip(), "", ""
        elif line.startswith("D "):
            description = line[2:].strip()
        elif line.startswith("F "):
            datasheet = line[2:].strip()
        elif line.startswith("$ENDCMP") and name:
            yield name, datasheet, description


_LIB_FIELD = re.compile(r'^F\d+ "([^"]*)" .*"([^"]+)"\s*$', re.MULTILINE)


def parse_lib_fields(text: str) -> Iterator[dict[str, str]]:
    """A KiCad 5 .lib file's symbols as their named fields (Digi-Key's MPN, Manufacturer …)."""
    for block in text.split("\nDEF ")[1:]:
        fields = {m.group(2): m.group(1) for m in _LIB_FIELD.finditer(block.split("\nENDDEF")[0])}
        yield {"name": block.split()[0], **fields}


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\()|(\))|([^\s()"]+)')


def parse_kicad_sym(text: str) -> Iterator[dict[str, str]]:
    """A KiCad 6+ .kicad_sym file's top-level symbols as their properties, plus 'name'."""
    stack: list[list[str]] = []  # the atoms of each open list, outermost first
    current: dict[str, str] | None = None
    for m in _TOKEN.finditer(text):
        string, opening, closing, atom = m.groups()
        if opening:
            stack.append([])
        elif closing and stack:
            words = stack.pop()
            if len(stack) == 2 and current is not None and len(words) >= 3 and words[0] == "property":
                current.setdefault(words[1], words[2])
            elif len(stack) == 1 and current is not None:
                yield current
                current = None
        elif stack:
            stack[-1].append(string.replace('\\"', '"') if string is not None else atom)
            if len(stack) == 2 and stack[-1][0] == "symbol" and len(stack[-1]) == 2:
                current = {"name": stack[-1][1]}


# --- extraction from a snapshot -------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, encoding="utf-8", errors="replace").stdout


def extract(library: str, repo: Path) -> tuple[list[tuple[str, ...]], dict[str, int]]:
    """A library's extract rows (sorted) from a bare git snapshot's HEAD, and the count of each step."""
    commit = _git(repo, "rev-parse", "HEAD").strip()[:12]
    files = sorted(_git(repo, "ls-tree", "-r", "--name-only", "HEAD").split("\n"))
    rows: list[tuple[str, ...]] = []
    counts = {"read": 0, "kept": 0}
    if library == KICAD:
        for file in (f for f in files if f.endswith(".dcm") and "/" not in f):
            for name, datasheet, description in parse_dcm(_git(repo, "show", f"HEAD:{file}")):
                counts["read"] += 1
                if _is_url(datasheet):
                    rows.append((name, datasheet, description, file, commit))
    elif library == DIGIKEY:
        for file in (f for f in files if f.startswith("digikey-symbols/") and f.endswith(".lib")):
            for fields in parse_lib_fields(_git(repo, "show", f"HEAD:{file}")):
                counts["read"] += 1
                if fields.get("MPN") and fields.get("Manufacturer"):
                    rows.append((fields["MPN"], fields["Manufacturer"], fields.get("DK_Datasheet_Link", ""),
                                 fields.get("Description", ""), fields.get("Status", ""),
                                 file.rsplit("/", 1)[-1], commit))
    else:
        for file in (f for f in files if f.endswith(".kicad_sym")):
            for props in parse_kicad_sym(_git(repo, "show", f"HEAD:{file}")):
                counts["read"] += 1
                if props.get("Part") and props.get("Manufacturer"):
                    rows.append((props["Part"], props["Manufacturer"], props.get("Datasheet", ""),
                                 props.get("Category", ""), props.get("LCSC", ""), file, commit))
    rows = sorted(set(rows))
    counts["kept"] = len(rows)
    return rows, counts


def _is_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?://|www\.)", text.strip(), re.IGNORECASE))


def write_extract(rows: list[tuple[str, ...]], header: tuple[str, ...], path: Path) -> None:
    """Write rows under a header as UTF-8 CSV with LF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- reading the extracts -------------------------------------------------------------------------

def read_library(sources: Path, library: str) -> list[LibraryRow]:
    """The rows of one library's extract under `sources`, in file order."""
    with (sources / EXTRACTS[library]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if library == KICAD:
        return [LibraryRow(KICAD, r["symbol"], "", r["datasheet"], r["file"].removesuffix(".dcm"),
                           r["description"], r["file"].replace(".dcm", ".lib"), r["commit"]) for r in rows]
    if library == DIGIKEY:
        return [LibraryRow(DIGIKEY, r["part_number"], r["manufacturer"], r["datasheet"],
                           r["file"].removeprefix("dk_").removesuffix(".lib"), r["description"], r["file"],
                           r["commit"]) for r in rows]
    return [LibraryRow(JLCPCB, r["part_number"], r["manufacturer"], r["datasheet"], r["category"], "",
                       r["file"], r["commit"]) for r in rows]


def main(argv: list[str]) -> int:
    """Write one library's extract from its snapshot: LIBRARY GIT_DIR [CATALOGS]."""
    parser = argparse.ArgumentParser(prog="python -m bomtrace.build.library_sources",
                                     description="Extract a parts library from its git snapshot.")
    parser.add_argument("library", choices=LIBRARIES)
    parser.add_argument("repo", type=Path, help="the library's bare git directory")
    parser.add_argument("catalogs", type=Path, nargs="?", default=Path("catalogs"))
    args = parser.parse_args(argv)
    rows, counts = extract(args.library, args.repo)
    write_extract(rows, HEADERS[args.library], args.catalogs / "sources" / EXTRACTS[args.library])
    print(f"{args.library}: {counts['read']} read, {counts['kept']} kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
