"""Normalize: part numbers, chip markings and maker names into comparable keys.

One normaliser serves both sides: the catalog is indexed with the same `part_key` and `maker_key`
that are applied to the spreadsheet, so a match never depends on which side was cleaned how.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from cleanco import basename

from bomtrace import resources
from bomtrace.models import Candidate, ParsedLine, RawLine

# Cyrillic (and a few Greek) letters that look like Latin ones: a marking typed on a Ukrainian or
# Russian keyboard often mixes them in ("АТМЕGА328Р").
_LOOKALIKES = str.maketrans("АВСЕНІКМОРТХУЅЈЁΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "ABCEHIKMOPTXYSJEABEHIKMNOPTXYZ")

# Packing and lead-free tails that never belong to the base part number, whoever the maker:
# TI /NOPB, Linear #PBF #TR #TRPBF, ADI -REEL -REEL7 -RL7, Maxim + and +T, NXP ,118-style codes.
_ORDERING_TAILS = re.compile(r"(/NOPB|#TRPBF|#PBF|#TR|-REEL7?|-RL7?|\+T?|,\d{3})$")
_NOT_KEY = re.compile(r"[^A-Z0-9.]")


_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_MICRO = str.maketrans({"\u00b5": "u", "\u03bc": "u"})


#: No orderable part number is longer; a longer "part number" is text, not worth a look-up.
MAX_PART_KEY = 40


def fold_lookalikes(text: str) -> str:
    """Upper case with Cyrillic and Greek look-alike letters made Latin ('АТМЕGА' -> 'ATMEGA'), the
    micro sign read as U (µPD -> UPD) and every dash made a hyphen."""
    return text.translate(_MICRO).upper().translate(_LOOKALIKES).translate(_DASHES)


def strip_ordering_tail(text: str) -> tuple[str, str]:
    """Split off one packing/lead-free tail that no maker uses inside a base part number."""
    folded = fold_lookalikes(text.strip())
    found = _ORDERING_TAILS.search(folded)
    if not found or found.start() < 3:
        return folded, ""
    return folded[: found.start()], found.group(1)


def part_key(text: str) -> str:
    """The comparable form of a part number: upper case, Latin letters, no spaces, dashes or tails.

    Dots stay, because a number that differs is a different part (1.5SMC6.8CA is not 1.5SMC68CA).
    """
    base, _ = strip_ordering_tail(text)
    key = _NOT_KEY.sub("", base)
    return key.strip(".")


# --- markings ------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,;()\[\]{}\"'`«»]+")
_DATE_HASH = re.compile(r"^#(\d{4})$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")
_VALUE_WITH_UNIT = re.compile(
    r"^[\d.,]+(V|VDC|VAC|MV|KV|W|MW|KW|A|MA|UA|MAH|AH|HZ|KHZ|MHZ|GHZ|UF|NF|PF|F|UH|NH|MH|H|OHM|K|KOHM|M|MOHM|MM|CM"
    r"|DB|DBM|DBI|C|BIT|BITS|MB|GB|KB|S|MS|US|NS|PCS|X|RPM|KG|G)$"
)
# Units as Ukrainian and Russian write them: В, Вт, А, мА, мкФ, нФ, пФ, Ом, кОм, Гц, мм, шт.
_VALUE_WITH_CYRILLIC_UNIT = re.compile(
    r"^[\d.,]+(в|вт|квт|а|ма|мка|мкф|нф|пф|ф|мкгн|мгн|гн|ом|ком|мом|гц|кгц|мгц|ггц|мм|см|ма.?г|ма.?ч|шт|дб)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def marking_stopwords() -> frozenset[str]:
    """Words with digits that are not part numbers (I2C, RS-232, DC/DC...), from data/stopwords.txt."""
    text = resources.data_file("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(part_key(w) for w in text.split() if w and not w.startswith("#"))


def looks_like_date_code(token: str) -> str | None:
    """'#2116' or a lone '2116' read as year 21, week 16 -> '2116'; anything else -> None."""
    hashed = _DATE_HASH.match(token)
    digits = hashed.group(1) if hashed else token if _FOUR_DIGITS.match(token) else None
    if digits is None:
        return None
    year, week = int(digits[:2]), int(digits[2:])
    week_first, year_last = int(digits[:2]), int(digits[2:])
    if (0 <= year <= 40 and 1 <= week <= 53) or (1 <= week_first <= 53 and 0 <= year_last <= 40):
        return digits
    return None


def is_part_like(token: str) -> bool:
    """A token worth looking up: letters and digits, 3 to 40 characters, not a value or a word."""
    if len(token) > 4 * MAX_PART_KEY or _VALUE_WITH_CYRILLIC_UNIT.match(token):
        return False
    key = part_key(token)
    if not 3 <= len(key) <= MAX_PART_KEY or key in marking_stopwords():
        return False
    if not any(c.isdigit() for c in key) or not any(c.isalpha() for c in key):
        return False
    return not _VALUE_WITH_UNIT.match(key)


def split_marking(text: str) -> list[str]:
    """The marking's tokens as printed, split on spaces and punctuation that never joins a part."""
    return [t for t in _SPLIT.split(text) if t]


def joined_pairs(tokens: list[str]) -> list[str]:
    """Tokens that a space split apart: a short letter prefix and a number ('AD 9364BBCZ'), or a
    longer one and a short number ('ATMEGA 64'); never a value with a unit or a date code."""
    joined = []
    for first, second in itertools.pairwise(tokens):
        if not (first.isalpha() and second[:1].isdigit()) or looks_like_date_code(second):
            continue
        if _VALUE_WITH_UNIT.match(part_key(second)):
            continue
        if 1 < len(first) <= 4 or (len(first) <= 6 and second.isdigit() and len(second) <= 3):
            joined.append(first + second)
    return joined


def last_resort_joins(tokens: list[str]) -> list[str]:
    """Joins that a date code or a four-digit number may hide: 'ADL 5321' (5321 also reads as week 53
    of 2021), 'ATMEGA 2560'. Worth looking up only when nothing else on the line is a known part."""
    return [f"{first} {second}" for first, second in itertools.pairwise(tokens)
            if first.isalpha() and 2 <= len(first) <= 8 and second.isdigit() and len(second) == 4]


def parse_line(line: RawLine, keyword_lookup: Callable[[str], str | None] | None = None) -> ParsedLine:
    """Take a line apart: part-number candidates (part number field first), makers named, codes."""
    candidates: list[Candidate] = []
    seen: set[str] = set()

    def add(text: str, origin: str, last_resort: bool = False) -> None:
        key = part_key(text)
        if key and key not in seen:
            seen.add(key)
            candidates.append(Candidate(text, key, origin, last_resort))

    part_number = line.get("part_number")
    if part_number and len(part_key(part_number[: 4 * MAX_PART_KEY])) <= MAX_PART_KEY:
        add(part_number, "part_number")
    date_code = line.get("date_code") or None
    lots: list[str] = []
    words: list[str] = []
    makers: list[str] = []
    later: list[tuple[str, str]] = []
    for origin in ("marking", "description", "notes"):
        tokens = split_marking(line.get(origin))
        for token in joined_pairs(tokens):
            add(token, origin)
        for token in tokens:
            code = looks_like_date_code(token)
            if code and origin == "marking":
                date_code = date_code or code
            elif is_part_like(token) and origin != "notes":
                add(token, origin)
            elif token.isdigit() and len(token) >= 5:
                lots.append(token)
            elif token.isalpha():
                words.append(token)
        if keyword_lookup:
            makers.extend(_makers_in(tokens, keyword_lookup))
        if origin != "notes":
            later.extend((token, origin) for token in last_resort_joins(tokens))
    for token, origin in later:
        add(token, origin, last_resort=True)
    marks = tuple(dict.fromkeys(t for t in split_marking(line.get("marking"))
                                if 2 <= len(t) <= 4 and t.isalpha() and t.isupper()))
    return ParsedLine(tuple(candidates), tuple(dict.fromkeys(makers)), date_code, tuple(lots), tuple(words), marks)


def _makers_in(tokens: list[str], lookup: Callable[[str], str | None]) -> list[str]:
    found = []
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            maker = lookup(" ".join(tokens[i : i + size]))
            if maker:
                found.append(maker)
    return found


# --- maker names ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


def is_ordinary_word(word: str) -> bool:
    """An English dictionary word or its plural ('finder', 'diodes', 'boxes'), in any case."""
    word = word.lower()
    words = _english_words()
    return (word in words or (word.endswith("s") and word[:-1] in words)
            or (word.endswith("es") and word[:-2] in words))


_BRACKETS = re.compile(r"\(([^()]*)\)")
_PUNCT = re.compile(r"[^\w\s]")


@lru_cache(maxsize=1)
def _leading_legal_forms() -> frozenset[str]:
    """Legal forms written before the name (ООО «…», ТОВ «…»), transliterated, from data/."""
    text = resources.data_file("leading_legal_forms.txt").read_text(encoding="utf-8")
    return frozenset(anyascii(w).lower() for w in text.split() if not w.startswith("#"))


@lru_cache(maxsize=65536)
def maker_key(name: str) -> str:
    """A maker name's comparable form: transliterated, lower case, legal forms and punctuation gone."""
    text = " ".join(re.sub(r"([,;])(?=\S)", r"\1 ", anyascii(name)).split())
    for _ in range(2):
        text = basename(text) or text
    text = _PUNCT.sub(" ", text.replace("&", " and ").replace(".", ""))
    text = basename(text) or text
    words = text.lower().split()
    while len(words) > 1 and words[0] in _leading_legal_forms():
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class MakerName:
    """A reported maker name taken apart: the company it names and any owner or alias in brackets."""

    text: str
    primary: str
    bracketed: tuple[str, ...]
    #: the primary name's parts when it joins two names ('EGmicro - Yijing ...', 'AptSemi/IR')
    alternates: tuple[str, ...] = ()


_JOINED_NAMES = re.compile(r"\s+[-–—]\s+|\s*/\s*")


def split_maker_name(text: str) -> MakerName:
    """'International Rectifier (Infineon Technologies)' -> primary and bracketed names;
    'EGmicro - Yijing Microelectronics' -> alternates 'EGmicro' and 'Yijing Microelectronics'."""
    bracketed = tuple(part.strip() for part in _BRACKETS.findall(text) if part.strip())
    primary = " ".join(_BRACKETS.sub(" ", text).split()).strip(" -,;")
    pieces = tuple(p.strip() for p in _JOINED_NAMES.split(primary) if len(p.strip()) > 3)
    return MakerName(text, primary, bracketed, pieces if len(pieces) > 1 else ())
