"""The data that flows between stages: frozen dataclasses, no behaviour beyond small derived values."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from bomtrace.vocabulary import place

Confidence = Literal["confirmed", "probable", "possible", "unresolved"]
Basis = Literal["brand", "owner"]
BASES: tuple[Basis, ...] = ("brand", "owner")
CONFIDENCES: tuple[Confidence, ...] = ("confirmed", "probable", "possible", "unresolved")

#: The fields a spreadsheet column can be mapped to.
FIELDS: tuple[str, ...] = (
    "part_number", "marking", "manufacturer", "description", "sample", "module",
    "quantity", "refdes", "country", "date_code", "notes", "supplier", "importer",
)
#: A sheet needs one of these to be worth reading.
MATCHABLE_FIELDS: tuple[str, ...] = ("part_number", "marking", "manufacturer")


@dataclass(frozen=True)
class Source:
    """Where a line came from: the file's base name, the sheet (None for CSV) and the row Excel shows."""

    file: str
    sheet: str | None
    row: int

    @property
    def id(self) -> str:
        return f"{self.file}:{self.sheet or ''}:{self.row}"

    @property
    def place(self) -> str:
        """`file/sheet row N`, as messages name it."""
        return place(self.file, self.sheet, self.row)


@dataclass(frozen=True)
class Issue:
    """A problem worth a reader's attention; `source` is a place such as `file/sheet row 4`."""

    source: str
    message: str


@dataclass(frozen=True)
class RawLine:
    """One component row as read: mapped fields (text) and the original cells by header."""

    source: Source
    fields: dict[str, str]
    raw: dict[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(frozen=True)
class UnreadColumn:
    """A column below the header holding text that no field reads, and why it is not read."""

    column: int  # 1-based, as A=1
    header: str
    values: int
    example: str
    #: "not recognised", "ignored" (by --map or as row numbers), or "duplicate of column N"
    reason: str


@dataclass(frozen=True)
class SheetInfo:
    """What ingest found in one sheet: its header row, the column mapping and the lines read."""

    name: str | None
    header_row: int | None
    mapping: dict[str, str]
    lines: int
    skipped: str | None = None
    #: the non-empty cells of the header row, in order (what a column editor offers to map)
    headers: tuple[str, ...] = ()
    #: the row ledger: physical rows below the header (every row of a skipped sheet), each a line or
    #: skipped for a reason; rows_read == lines + sum(skipped_rows.values())
    rows_read: int = 0
    skipped_rows: dict[str, int] = field(default_factory=dict)
    #: columns holding text that no field reads
    unread: tuple[UnreadColumn, ...] = ()

    @property
    def ledger(self) -> str:
        """'14 rows read, 13 lines, 1 skipped (1 no content in read columns)'."""
        skipped = sum(self.skipped_rows.values())
        why = ", ".join(f"{count} {reason}" for reason, count in self.skipped_rows.items())
        return (f"{self.rows_read} row{'' if self.rows_read == 1 else 's'} read, {self.lines} "
                f"line{'' if self.lines == 1 else 's'}, {skipped} skipped" + (f" ({why})" if why else ""))


@dataclass(frozen=True)
class InputInfo:
    """One input file with its hash and sheets."""

    path: str
    sha256: str
    sheets: list[SheetInfo]
    #: the text encoding a CSV was read in (None for a workbook)
    encoding: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A string from the line that may be a part number, with where it was found."""

    text: str
    key: str
    origin: str  # "part_number" | "marking" | "description"
    last_resort: bool = False  # a join that may be wrong ('ADL 5321': 5321 also reads as a date code)


@dataclass(frozen=True)
class ParsedLine:
    """A line's text taken apart: part-number candidates, makers named, date and lot codes."""

    candidates: tuple[Candidate, ...]
    makers_named: tuple[str, ...]
    date_code: str | None
    lot_codes: tuple[str, ...]
    words: tuple[str, ...]
    #: short all-capital words of the marking field as printed ('TI', 'ST'): where a maker's logo
    #: written as text would be
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision about a line (by id) or every line with a part number; `place` says
    where it was made (a file row, a web review number)."""

    decision: str
    id: str = ""
    part_number: str = ""
    value: str = ""
    note: str = ""
    reviewer: str = ""
    place: str = ""

    @property
    def target(self) -> str:
        """What the decision names, for messages."""
        return f"id {self.id!r}" if self.id else f"part number {self.part_number!r}"


@dataclass(frozen=True)
class Hit:
    """A catalog entry a candidate reached."""

    part: str
    manufacturer: str
    category: str
    source: str
    description: str = ""


@dataclass(frozen=True)
class MakerOption:
    """A maker the line's evidence names: what a reviewer is offered first when setting the maker."""

    id: str
    name: str
    country: str


@dataclass(frozen=True)
class Match:
    """How a line was matched, explained: method, score 0-100, the entry hit and the runner-up."""

    method: str
    score: float
    confidence: Confidence
    manufacturer: str | None
    catalog_part: str | None = None
    category: str | None = None
    runner_up: str | None = None
    detail: str = ""
    source: str | None = None
    flags: tuple[str, ...] = ()
    #: the text on the line that the match was made from
    matched_text: str | None = None
    #: what the maker rests on: `curated` (a catalog row), `registry` (an open registry's record),
    #: `name` (the reported name itself: a place or legal form in it); '' when no maker was decided
    evidence: str = ""
    #: for `name` evidence, the company as the source names it and the country its name tells (the
    #: company is in no catalog, so `manufacturer` is `name:` + its name key)
    maker_name: str | None = None
    maker_country: str | None = None
    #: the catalog makers the evidence names (the maker named, the part's makers, the runner-up's),
    #: in that order: a reviewer's first choices
    maker_options: tuple[MakerOption, ...] = ()


@dataclass(frozen=True)
class Attribution:
    """Who made the part and where that company is based, on the chosen basis."""

    company: str | None
    company_id: str | None
    owner: str | None
    country: str | None
    category: str | None
    hs6: str | None
    chpl_tier: str | None
    #: the headquarters country of the company named on the part, whatever the basis
    brand_country: str | None = None


@dataclass(frozen=True)
class Party:
    """A company a line names in its supply chain, not as the maker: a supplier, an importer or an
    involved company, with its headquarters country where a catalog knows the name."""

    role: str  # "supplier" | "importer" | "involved"
    name: str
    country: str | None = None


@dataclass(frozen=True)
class MadeIn:
    """The country of assembly a marking prints (ISO-2) and the mark that decided it ('MALAYSIA',
    'MADE IN KOREA'): evidence printed on the part, not an attribution basis."""

    country: str
    mark: str


@dataclass(frozen=True)
class OwnerAtDate:
    """Who owned the maker when the part was made (at its date code's week), and today (at the
    catalog's as-of date); `ambiguous` when the code's readings fall on both sides of an event."""

    owner_id: str | None
    owner: str
    country: str | None
    today_id: str | None
    today: str
    today_country: str | None
    #: the date code's week the owner was taken at ('week 16 of 2021'), '' when there is none
    made: str = ""
    #: an owner other than today's owned the maker when the part was made
    changed: bool = False
    ambiguous: bool = False
    #: the ownership events between the part's week and today, as 'YYYY-MM-DD: X acquired by Y'
    events: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class ScreeningHit:
    """A named party whose normalised name equals a name of a sanctions-list entry (and whose country,
    where both sides give one, is one the entry lists): a name match, not a finding of identity."""

    role: str  # "maker" | "owner" | "supplier" | "importer" | "involved"
    party: str
    party_country: str | None
    list: str
    entry: str
    #: the entry's primary name ('' when the list extract gives none) and the name that matched
    entry_name: str
    matched_name: str
    #: "name", "alias" or "former name"
    name_kind: str
    programs: tuple[str, ...]
    countries: tuple[str, ...]
    #: the publication date of the file the matched name came from, and of the list's primary records
    name_date: str
    published: str
    #: the designation date where the list gives one
    designated: str = ""
    #: the company as the line names it, when the name that matched is another name the catalog
    #: gives it (an alias, a former name)
    named_as: str = ""

    @property
    def detail(self) -> str:
        """One line a reader can weigh: both full names, list, entry, programme, countries, dates."""
        entry = f"{self.list} {self.entry}"
        named = f" ({self.name_kind} of {self.entry_name!r})" if self.entry_name and self.name_kind != "name" \
            else (f" ({self.name_kind})" if self.name_kind != "name" else "")
        ours = f" (a name the catalog gives {self.named_as!r})" if self.named_as else ""
        parts = [f"name matches list entry {entry}: {self.party!r}{ours} against {self.matched_name!r}{named}"]
        if self.programs:
            parts.append(f"programme {', '.join(self.programs)}")
        parts.append(f"listed address country {', '.join(self.countries)}" if self.countries
                     else "no listed address country")
        if self.designated:
            parts.append(f"designated {self.designated}")
        dates = self.published if self.name_date == self.published else f"{self.published}, this name {self.name_date}"
        parts.append(f"list of {dates}")
        return "; ".join(parts)


@dataclass(frozen=True)
class SanctionsList:
    """A sanctions list a run screened against: its name, publication date, entries and where each
    field came from (file, date, fields); `origin` is 'shipped' or the file it was loaded from."""

    list: str
    published: str
    entries: int
    origin: str
    files: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class LineResult:
    """A line from end to end: where it came from, what it says, what it matched and who made it."""

    line: RawLine
    parsed: ParsedLine
    match: Match
    attribution: Attribution
    flags: tuple[str, ...] = ()
    #: suppliers, importers and involved companies the line names (in the maker cell or their own columns)
    supply_chain: tuple[Party, ...] = ()
    #: the country of assembly the marking prints, None when none (or two) is printed
    made_in: MadeIn | None = None
    #: the owner at the part's date code and today's, where a catalog maker was found
    ownership: OwnerAtDate | None = None
    #: named parties (maker, owner, suppliers, importers) whose names match a sanctions-list entry
    screening: tuple[ScreeningHit, ...] = ()

    @property
    def id(self) -> str:
        return self.line.source.id

    @property
    def quantity(self) -> int:
        """The quantity as a whole number of pieces; blank, not a number or not positive counts as 1."""
        return quantity_of(self.line.get("quantity")) or 1


#: A quantity as people write it: '2', '2,0', '2 шт.', '2 pcs', 'x2', '×2' (the unit or the times sign kept
#: apart from the number; anything else is not a quantity).
_QUANTITY = re.compile(r"^(?:[x\u0445\u00d7]\s*)?([0-9]+(?:[.,][0-9]+)?)\s*"
                       r"(?:(?:\u0448\u0442|pcs|pc|ea)\.?|[x\u0445\u00d7])?$", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)  # asked for every line by the breakdowns, the review and each report
def quantity_of(text: str) -> int | None:
    """A quantity cell as a positive whole number ('2', '2,0', '3.0', '2 шт.', '2 pcs', 'x2'), or None
    when it is not one."""
    match = _QUANTITY.match(text.strip())
    if not match:
        return None
    value = float(match.group(1).replace(",", "."))
    if not value.is_integer() or not 0 < value < 1e9:
        return None
    return int(value)


@dataclass(frozen=True)
class CountryRow:
    country: str | None
    country_name: str
    lines: int
    quantity: int
    companies: int
    share: float
    #: lines attributed here only at `possible` confidence (not in `lines`, `quantity` or the headline)
    possible: int = 0


@dataclass(frozen=True)
class CompanyRow:
    company: str | None
    country: str | None
    owner: str | None
    lines: int
    quantity: int
    #: lines attributed to this company only at `possible` confidence
    possible: int = 0


@dataclass(frozen=True)
class Summary:
    lines: int
    quantity: int
    resolved: int
    unresolved: int
    countries: int
    companies: int
    headline: str
    #: lines attributed at `possible` confidence: neither resolved nor unresolved
    possible: int = 0


@dataclass(frozen=True)
class Breakdown:
    """The counts a report is made of, for all lines or one sample."""

    summary: Summary
    by_country: list[CountryRow]
    by_company: list[CompanyRow]


@dataclass(frozen=True)
class Restriction:
    """A dated export-control measure, from the catalog's restrictions table."""

    date: str
    jurisdiction: str
    measure: str
    targets: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class CatalogInfo:
    name: str
    version: str
    entries: int
    sha256: str
    as_of: str = ""


@dataclass
class Result:
    """Everything one run produced; `report.to_json_dict` turns it into the result.json contract."""

    inputs: list[InputInfo]
    catalogs: list[CatalogInfo]
    basis: Basis
    generated_at: str
    lines: list[LineResult]
    breakdown: Breakdown
    by_sample: list[tuple[str, Breakdown]]
    issues: list[Issue] = field(default_factory=list)
    as_of: str = ""
    failed_inputs: list[str] = field(default_factory=list)
    #: the dated measures of the catalogs the run used, for reading date codes against
    restrictions: list[Restriction] = field(default_factory=list)
    #: the matching thresholds the run used (bomtrace.config.Thresholds.as_dict())
    thresholds: dict[str, float | int] = field(default_factory=dict)
    #: ids of the lines up for review, most doubtful first (bomtrace.review.queue)
    review_queue: list[str] = field(default_factory=list)
    #: each category's label as the catalogs give it ('mcu' -> 'Microcontroller (MCU)'), for the reports
    category_labels: dict[str, str] = field(default_factory=dict)
    #: the sanctions lists the named parties were screened against, with their dates
    sanctions_lists: list[SanctionsList] = field(default_factory=list)

    @property
    def summary(self) -> Summary:
        return self.breakdown.summary
