"""Teardown lines drawn the way teardowns write them, each with its truth: the published rule that
bench/README.md states, shared by match_bench.py and e2e_bench.py.

Nothing here imports bomtrace. Which lines are fair cases is decided from the catalog's part numbers
alone (`Keys`), never from bomtrace's tables (its look-alike table, its misread groups, its ordering
tails): the look-alike pairs, suffixes, legal forms and homoglyphs below are this file's own.

A line is drawn in three independent steps:
1. a part of the catalog (its number, maker and category) and a KIND (what happened to the number
   between the chip and the spreadsheet) with its TRUTH: the part itself, or "no part" where the
   text really is a different number;
2. a PLACEMENT: the part-number column, the marking column with date and lot codes, or a
   description ("CAN transceiver ... SOIC-8");
3. a MAKER COLUMN: empty, the maker's name as the catalog writes it, or a spelling of it (case and
   legal form, Cyrillic look-alike letters, one typo).
A drawn line is thrown away and drawn again only when the catalog itself makes its truth ambiguous:
the text (or a date, lot or package token beside it) is exactly another catalog part number; an
ordering-suffix text starts with a catalog part number longer than the truth; or a text said to be no
catalog part is a catalog number followed by letters only.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

#: (kind, share of lines, truth): "part" when the right answer is the drawn part, "none" when the
#: text really is another number and the right answer is to name no part.
KINDS: tuple[tuple[str, float, str], ...] = (
    ("exact", 0.30, "part"),            # the number as the maker prints it
    ("suffix", 0.20, "part"),           # plus an ordering/packing suffix, or split by a space
    ("cyrillic", 0.05, "part"),         # typed with Cyrillic letters that look Latin
    ("misread_classic", 0.08, "part"),  # one or two of 0/O 1/I 5/S 8/B 2/Z swapped
    ("misread_other", 0.07, "part"),    # one of 6/G U/V 7/T 4/A swapped
    ("letter_slip", 0.05, "part"),      # a letter dropped or doubled
    ("truncated", 0.05, "part"),        # the last 1-3 characters cut (a small package, a worn mark)
    ("digit_changed", 0.10, "none"),    # a digit dropped, doubled or changed (3 read as 8 too)
    ("absent", 0.10, "none"),           # a number of a catalog family's shape that no catalog lists
)
KIND_NAMES = tuple(k for k, _, _ in KINDS)
TRUTH = {k: t for k, _, t in KINDS}

#: Look-alike characters seen on chip markings (../shared/README.md "Marking misreads seen in
#: practice", and issue 17's "other look-alike pairs"); each pair read either way.
CLASSIC_PAIRS = ("0O", "1I", "5S", "8B", "2Z")
OTHER_PAIRS = ("6G", "UV", "7T", "4A")
#: Digit pairs that look alike: reading one for the other gives another number.
DIGIT_PAIRS = ("38", "69", "17")

#: Ordering and packing suffixes as makers' ordering guides print them (TI reel letters and /NOPB,
#: ADI -REEL7 and Z, Linear #PBF, Maxim +T, NXP ,118, Xilinx speed-grade-package, ST package+temp).
SUFFIXES = ("DR", "DBVR", "IDR", "DGKR", "PWR", "BCPZ", "ARZ", "BRZ-REEL7", "#PBF", "#TRPBF", "+T", "EUA+",
            "T6", "TR", "G4", "/NOPB", ",118", "-1CLG400C", "CSG324", "ESE+T", "CPZ", "-TR", "LT1", "QT")
#: Package names written beside a number in descriptions.
PACKAGES = ("SOIC-8", "SO-8", "QFN-32", "QFN-48", "TSSOP-20", "LQFP-48", "LQFP-64", "SOT-23", "SOT-23-5",
            "MSOP-10", "DFN-8", "BGA-144", "TO-220", "DPAK")
#: What teardown descriptions call a part, by the catalog's category (catalogs/categories.csv).
PHRASES = {
    "mcu": ("Microcontroller", "MCU", "Мікроконтролер", "Микроконтроллер"),
    "processor": ("Processor", "Процесор"),
    "fpga": ("FPGA", "ПЛІС"),
    "memory": ("Flash memory", "SDRAM", "Пам'ять", "EEPROM"),
    "amplifier": ("Op amp", "Operational amplifier", "Підсилювач"),
    "interface": ("CAN transceiver", "RS-485 transceiver", "USB interface", "Приймач"),
    "power-ic": ("DC-DC converter", "Voltage regulator", "LDO", "Стабілізатор напруги"),
    "data-converter": ("ADC", "DAC", "АЦП"),
    "logic": ("Logic", "Buffer", "Логіка"),
    "rf-ic": ("RF transceiver", "RF amplifier", "Радіочастотний"),
    "sensor-ic": ("Sensor", "Accelerometer", "Датчик"),
    "gnss-module": ("GNSS module", "GPS receiver", "Модуль GPS"),
    "power-transistor": ("MOSFET", "Транзистор"),
    "transistor": ("Transistor", "Транзистор"),
    "diode": ("Diode", "TVS diode", "Діод"),
}
GENERIC_PHRASES = ("IC", "Chip", "Мікросхема", "Микросхема", "Component")
MODULES = ("Flight controller", "GNSS module", "Power board", "Autopilot", "Telemetry", "Camera", "ESC",
           "Блок керування", "Плата живлення", "Servo board")
EMPTY_MAKERS = ("", "", "", "", "Unknown", "Не встановлено", "n/a")
#: Legal forms a maker column adds or drops.
LEGAL_FORMS = ("Inc.", "Inc", "Corp.", "Corporation", "Co., Ltd.", "Co.,Ltd", "Ltd", "LLC", "GmbH", "AG",
               "S.A.", "B.V.", "Limited", "Technology Co., Ltd.")
#: Latin letters and the Cyrillic letters that look like them (Unicode's confusables.txt, TR39).
HOMOGLYPHS = {"A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М", "O": "О",
              "P": "Р", "T": "Т", "X": "Х", "Y": "У", "a": "а", "c": "с", "e": "е", "i": "і", "o": "о",
              "p": "р", "x": "х", "y": "у"}
#: Placements: which column carries the number.
PLACEMENTS = (("part_number", 0.30), ("marking", 0.45), ("description", 0.25))
#: Maker-column styles and their shares.
MAKER_STYLES = (("empty", 0.25), ("name", 0.30), ("spelling", 0.20), ("cyrillic", 0.10), ("typo", 0.15))

_NOT_KEY = re.compile(r"[^A-Z0-9.]")


_LATIN = str.maketrans({cyrillic: latin for latin, cyrillic in HOMOGLYPHS.items()})


def bench_key(text: str) -> str:
    """The bench's own comparable form of a number: NFKC, this file's homoglyphs made Latin again,
    upper case, only A-Z, 0-9 and dots."""
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", text).translate(_LATIN).upper()).strip(".")


@dataclass(frozen=True)
class CatalogPart:
    """A part a line may be drawn from: its number as listed, its maker's id and name, its category,
    and the family prefix whose shape an absent number takes."""

    number: str
    maker_id: str
    maker_name: str
    category: str
    prefix: str

    @property
    def shape_prefix(self) -> str:
        """The family prefix, else the number's leading letters."""
        return self.prefix or re.match(r"[A-Za-z]*", self.number).group(0)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Line:
    """A drawn line: its kind, the columns as a teardown writes them, and its truth."""

    kind: str
    fields: dict[str, str]
    truth_key: str | None
    truth_maker: str
    maker_style: str
    placement: str


@dataclass
class Keys:
    """Every catalog part key (bench_key), for the ambiguity checks."""

    keys: set[str]
    lengths: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lengths = sorted({len(k) for k in self.keys}, reverse=True)

    def longest_prefix(self, key: str) -> str | None:
        """The longest catalog key (4 characters or more) that `key` starts with, itself included."""
        for n in self.lengths:
            if 4 <= n <= len(key) and key[:n] in self.keys:
                return key[:n]
        return None


def weighted(rng: random.Random, table: Sequence[tuple[str, float]] | Sequence[tuple[str, float, str]]) -> str:
    """One name of a (name, share, ...) table, drawn by share."""
    return rng.choices([row[0] for row in table], weights=[row[1] for row in table])[0]


# --- step 1: what happened to the number ------------------------------------------------------------

def _swap_pairs(rng: random.Random, text: str, pairs: Sequence[str], count: int, start: int = 1) -> str | None:
    """`count` characters of `text` (not the first `start`) swapped for their look-alike, or None."""
    other = {a: b for pair in pairs for a, b in (pair, pair[::-1])}
    positions = [i for i, c in enumerate(text) if c in other and i >= start]
    if len(positions) < count:
        return None
    chars = list(text)
    for i in rng.sample(positions, count):
        chars[i] = other[chars[i]]
    return "".join(chars)


def _slip(rng: random.Random, text: str, letters: bool) -> str | None:
    """A letter (or a digit) past the first two characters dropped or doubled, or None."""
    positions = [i for i, c in enumerate(text) if i >= 2 and (c.isalpha() if letters else c.isdigit())]
    if not positions:
        return None
    i = rng.choice(positions)
    return text[:i] + text[i + 1:] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def _digit_changed(rng: random.Random, text: str) -> str | None:
    """A digit dropped or doubled, swapped for its look-alike digit, or changed to another digit."""
    roll = rng.random()
    if roll < 0.5:
        return _slip(rng, text, letters=False)
    if roll < 0.7:
        return _swap_pairs(rng, text, DIGIT_PAIRS, 1, start=2)
    positions = [i for i, c in enumerate(text) if c.isdigit() and i >= 2]
    if not positions:
        return None
    i = rng.choice(positions)
    return text[:i] + rng.choice([d for d in "0123456789" if d != text[i]]) + text[i + 1:]


def _cyrillic(rng: random.Random, text: str) -> str | None:
    """Latin letters replaced by Cyrillic look-alikes, each with even odds (at least one), or None."""
    positions = [i for i, c in enumerate(text) if c in HOMOGLYPHS]
    if not positions:
        return None
    chosen = {i for i in positions if rng.random() < 0.5} or {rng.choice(positions)}
    return "".join(HOMOGLYPHS[c] if i in chosen else c for i, c in enumerate(text))


def changed_number(rng: random.Random, kind: str, part: CatalogPart) -> str | None:
    """The number as the spreadsheet gives it for `kind`, or None when the number does not allow it."""
    number = part.number
    if kind == "exact":
        return number
    if kind == "suffix":
        if rng.random() < 0.75:
            return number + rng.choice(SUFFIXES)
        cut = next((i for i, c in enumerate(number) if c.isdigit()), 0)
        return f"{number[:cut]} {number[cut:]}" if 2 <= cut <= 4 else None
    if kind == "cyrillic":
        return _cyrillic(rng, number)
    if kind == "misread_classic":
        return _swap_pairs(rng, number, CLASSIC_PAIRS, rng.choice((1, 1, 2)))
    if kind == "misread_other":
        return _swap_pairs(rng, number, OTHER_PAIRS, 1)
    if kind == "letter_slip":
        return _slip(rng, number, letters=True)
    if kind == "truncated":
        cut = rng.randint(1, 3)
        return number[:-cut] if len(bench_key(number)) - cut >= 5 else None
    if kind == "digit_changed":
        return _digit_changed(rng, number)
    if kind == "absent":
        return synthetic_number(rng, part.shape_prefix) if len(part.shape_prefix) >= 2 else None
    raise ValueError(kind)


def ambiguous(kind: str, text: str, truth: str | None, keys: Keys) -> bool:
    """True when the catalog itself makes the truth ambiguous: the text is another catalog part
    number; or an ordering-suffix text starts with a catalog number longer than the truth; or a text
    said to be no catalog part is a catalog number followed by letters only ('AD625H': AD625 with an
    ordering letter is as good a reading)."""
    key = bench_key(text)
    if not key or (key in keys.keys and key != truth):
        return True
    if kind == "suffix":
        return keys.longest_prefix(key) != truth
    if truth is None:
        base = keys.longest_prefix(key)
        return base is not None and not any(c.isdigit() for c in key[len(base):])
    return False


# --- step 2: where the number is written ---------------------------------------------------------

def date_code(rng: random.Random) -> str:
    """A year-week date code as markings print it: YYWW, sometimes #YYWW."""
    code = f"{rng.randint(12, 24):02d}{rng.randint(1, 52):02d}"
    return "#" + code if rng.random() < 0.2 else code


def lot_code(rng: random.Random) -> str:
    """A lot or trace code: digits, or letters and digits ('K8P3Q', 'CHN 912', '1PN8')."""
    roll = rng.random()
    if roll < 0.4:
        return str(rng.randint(10_000, 9_999_999))
    if roll < 0.55:
        return f"{rng.choice(('CHN', 'TWN', 'MYS', 'PHL', 'KOR'))} {rng.randint(100, 999)}"
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(letters + "0123456789") for _ in range(rng.randint(4, 6)))


def phrase(rng: random.Random, category: str) -> str:
    """What a description calls a part of this category."""
    return rng.choice(PHRASES.get(category, GENERIC_PHRASES))


def placed(rng: random.Random, text: str, part: CatalogPart) -> tuple[str, dict[str, str]]:
    """The placement and the part-number, marking and description columns for `text`."""
    where = weighted(rng, PLACEMENTS)
    date = date_code(rng) if rng.random() < 0.6 else ""
    lot = lot_code(rng) if rng.random() < 0.5 else ""
    if where == "part_number":
        marking = " ".join(t for t in (date, lot) if t)
        return where, {"part_number": text, "marking": marking, "description": phrase(rng, part.category)
                       if rng.random() < 0.5 else ""}
    if where == "marking":
        separator = rng.choice((" ", " ", "\n", ", "))
        marking = separator.join(t for t in (text, date, lot) if t)
        return where, {"part_number": "", "marking": marking,
                       "description": phrase(rng, part.category) if rng.random() < 0.6 else ""}
    package = f" {rng.choice(PACKAGES)}" if rng.random() < 0.4 else ""
    return where, {"part_number": "", "marking": " ".join(t for t in (date, lot) if t),
                   "description": f"{phrase(rng, part.category)} {text}{package}"}


def extra_tokens(fields: dict[str, str]) -> list[str]:
    """The tokens of a line besides its number (dates, lots, packages, words), for the ambiguity check."""
    return [t for cell in fields.values() for t in re.split(r"[\s,;()]+", cell) if t]


# --- step 3: the maker column --------------------------------------------------------------------

_LEGAL_TAIL = re.compile(r"[\s,]+(" + "|".join(re.escape(f) for f in LEGAL_FORMS) + r")\s*$", re.IGNORECASE)


def spelling(rng: random.Random, name: str) -> str:
    """The name in capitals, without or with another legal form, or without punctuation."""
    roll = rng.random()
    bare = _LEGAL_TAIL.sub("", name)
    if roll < 0.3:
        return name.upper()
    if roll < 0.6 and bare != name:
        return bare
    if roll < 0.85:
        return f"{bare}{rng.choice((' ', ', '))}{rng.choice(LEGAL_FORMS)}"
    return re.sub(r"[.,]", "", name)


def typo(rng: random.Random, name: str) -> str:
    """One slip of the hand in a name of six letters or more: a letter dropped, doubled, or two swapped."""
    positions = [i for i, c in enumerate(name[:-1]) if c.isalpha() and name[i + 1].isalpha() and i >= 1]
    if sum(c.isalpha() for c in name) < 6 or not positions:
        return name
    i = rng.choice(positions)
    roll = rng.random()
    if roll < 0.4:
        return name[:i] + name[i + 1:]
    if roll < 0.7:
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def maker_column(rng: random.Random, name: str) -> tuple[str, str]:
    """The maker-column style and text for a maker's catalog name."""
    style = weighted(rng, MAKER_STYLES)
    if style == "empty":
        return style, rng.choice(EMPTY_MAKERS)
    if style == "name":
        return style, name
    if style == "spelling":
        return style, spelling(rng, name)
    if style == "cyrillic":
        return style, _cyrillic(rng, name) or name
    return style, typo(rng, name)


# --- the whole line ------------------------------------------------------------------------------

@dataclass
class Drawn:
    """Lines drawn so far and the draws thrown away, by kind."""

    lines: list[Line] = field(default_factory=list)
    thrown: Counter[str] = field(default_factory=Counter)
    unusable: Counter[str] = field(default_factory=Counter)


def draw_line(rng: random.Random, kind: str, parts: Sequence[CatalogPart], keys: Keys, drawn: Drawn,
              tries: int = 200) -> Line | None:
    """One line of `kind` (None after `tries` draws that the rule throws away)."""
    for _ in range(tries):
        part = rng.choice(parts)
        text = changed_number(rng, kind, part)
        if text is None:
            drawn.unusable[kind] += 1
            continue
        truth = bench_key(part.number) if TRUTH[kind] == "part" else None
        if ambiguous(kind, text, truth, keys):
            drawn.thrown[kind] += 1
            continue
        placement, fields = placed(rng, text, part)
        if any(bench_key(t) in keys.keys for t in extra_tokens(fields) if t != text and bench_key(t) != truth):
            drawn.thrown[kind] += 1
            continue
        style, maker = maker_column(rng, part.maker_name)
        fields.update(manufacturer=maker, module=rng.choice(MODULES), quantity=str(rng.choice((1, 1, 1, 2, 4))))
        return Line(kind, fields, truth, part.maker_id, style, placement)
    return None


def draw_lines(rng: random.Random, count: int, parts: Sequence[CatalogPart], keys: Keys) -> Drawn:
    """`count` lines in the KINDS shares, shuffled."""
    drawn = Drawn()
    for kind, share, _ in KINDS:
        wanted = round(count * share)
        made = 0
        while made < wanted:
            line = draw_line(rng, kind, parts, keys, drawn)
            if line is None:
                break
            drawn.lines.append(line)
            made += 1
    rng.shuffle(drawn.lines)
    return drawn


def digit_count(prefix: str) -> int:
    """How many digits a family's numbers have: 3, 4 or 5, fixed per prefix (as a maker's series keeps
    one length: no number of a family is another's with a digit added)."""
    return 3 + zlib.crc32(prefix.encode()) % 3


def synthetic_number(rng: random.Random, prefix: str) -> str:
    """A part number shaped like a real one: prefix, the family's count of digits, an optional grade
    letter."""
    digits = "".join(rng.choice("0123456789") for _ in range(digit_count(prefix)))
    return f"{prefix}{digits}{rng.choice(('', '', 'A', 'B', 'C', 'E', 'L', 'H'))}"
