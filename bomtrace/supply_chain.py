"""Supply chain in a maker cell: split the maker from the suppliers, importers and involved companies.

Records copied from public databases often carry the supply chain inside the maker cell:
"Texas Instruments Suppliers JSC X Importers Y LLC". A clause opens with a word for supplier(s),
importer(s), foreign supplier(s) or involved company/companies, in English, Ukrainian or Russian
(data/supply_chain_words.csv), and runs to the next such word. What comes before the first clause is
the maker.

A clause may name several parties. They are split at ';', '|' and line breaks always; at a comma
unless what follows it is only a legal form or a country ('Co., Ltd.', 'X Limited, Hong Kong'); and
at 'and', '&', 'та', 'і', 'и' only when both sides are whole company names, i.e. the left side opens
or ends with a legal form or ends with a closing quote, and the right side opens or ends with one
('ООО «А» и ООО «Б»'), never inside 'Marks and Spencer'. Legal forms are cleanco's, the leading ones
of data/leading_legal_forms.txt, and the `legal_form` rows of data/supply_chain_words.csv.

A clause word followed by no name (nothing, a legal form alone, or lower-case words) is part of the
maker's text, not a clause: 'X Importers Ltd', 'Texas Instruments, supplier unknown'.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from anyascii import anyascii
from cleanco.clean import prepare_default_terms

from bomtrace import resources
from bomtrace.names import country_named

Role = Literal["supplier", "importer", "involved"]
_ROLES: dict[str, Role] = {"supplier": "supplier", "importer": "importer", "involved": "involved"}

#: Legal forms are matched on at most this many words ('public joint stock company').
_MAX_FORM_WORDS = 4
_TOKENS = re.compile(r"\w+")
_HARD_SEPARATORS = re.compile(r"\s*[;|\n\r]+\s*")
_CONJUNCTION = re.compile(r"\s+(?:and|&|та|і|и)\s+", re.IGNORECASE)
_CLOSING_QUOTES = ("»", '"', "”", "“", "'")
_TRIM = " \t\r\n,;:|-–—"


@dataclass(frozen=True)
class Party:
    """A company the cell names besides the maker, and its role in the supply chain."""

    role: Role
    name: str


@dataclass(frozen=True)
class SupplyChain:
    """A maker cell taken apart: the maker text left (possibly empty) and the parties it names."""

    maker: str
    parties: tuple[Party, ...] = ()


@lru_cache(maxsize=1)
def _word_rows() -> tuple[tuple[str, str], ...]:
    with resources.data_file("supply_chain_words.csv").open(encoding="utf-8", newline="") as handle:
        return tuple((row["word"], row["role"]) for row in csv.DictReader(handle))


@lru_cache(maxsize=1)
def _clause_words() -> tuple[re.Pattern[str], dict[str, Role]]:
    """One pattern for every clause word, longest first, and each word's role by its folded form."""
    roles: dict[str, Role] = {}
    for word, role in _word_rows():
        if role in _ROLES:
            roles[" ".join(word.casefold().split())] = _ROLES[role]
    alternatives = sorted(roles, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, word.split())) for word in alternatives)
    pattern = re.compile(rf"(?<!\w)(?P<word>{body})(?!\w)\s*[:\-–—]?", re.IGNORECASE)
    return pattern, roles


def _form_tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKENS.findall(anyascii(text).lower()))


@lru_cache(maxsize=1)
def _legal_forms() -> frozenset[tuple[str, ...]]:
    """Every legal form as a tuple of transliterated lower-case words ('co', 'ltd'), ('ooo',)."""
    forms = {tuple(tokens) for _, tokens in prepare_default_terms()}
    text = resources.data_file("leading_legal_forms.txt").read_text(encoding="utf-8")
    forms |= {_form_tokens(word) for line in text.splitlines() if not line.startswith("#")
              for word in line.split()}
    forms |= {_form_tokens(word) for word, role in _word_rows() if role == "legal_form"}
    return frozenset(form for form in forms if form)


def _is_legal_only(tokens: tuple[str, ...]) -> bool:
    """True when the words are nothing but legal forms ('Co., Ltd.', 'JOINT STOCK COMPANY')."""
    if not tokens:
        return False
    forms = _legal_forms()
    reachable = [True] + [False] * len(tokens)
    for end in range(1, len(tokens) + 1):
        reachable[end] = any(reachable[start] and tokens[start:end] in forms
                             for start in range(max(0, end - _MAX_FORM_WORDS), end))
    return reachable[-1]


def _opens_with_legal_form(tokens: tuple[str, ...]) -> bool:
    return any(tokens[:size] in _legal_forms() for size in range(1, min(_MAX_FORM_WORDS, len(tokens)) + 1))


def _ends_with_legal_form(tokens: tuple[str, ...]) -> bool:
    return any(tokens[-size:] in _legal_forms() for size in range(1, min(_MAX_FORM_WORDS, len(tokens)) + 1))


def _is_whole_name(text: str) -> bool:
    """A name: more than a legal form, and written as names are, with a capital letter, a digit or
    a script without case ('unknown' after 'supplier' is no name)."""
    tokens = _form_tokens(text)
    written_as_name = any(c.isupper() or c.isdigit() or (c.isalpha() and not c.islower()) for c in text)
    return bool(tokens) and written_as_name and not _is_legal_only(tokens)


def _split_at_commas(text: str) -> list[str]:
    """Split at commas, gluing back a piece that is only a legal form or a country ('Co., Ltd.')."""
    names: list[str] = []
    for piece in text.split(","):
        stripped = piece.strip()
        if names and (not stripped or _is_legal_only(_form_tokens(stripped)) or country_named(stripped)):
            names[-1] = f"{names[-1]},{piece}"
        else:
            names.append(piece)
    return names


def _split_at_conjunctions(text: str) -> list[str]:
    """Split at 'and'/'&'/'та'/'і'/'и' only between two whole company names."""
    names = [text]
    while True:
        last = names[-1]
        for found in _CONJUNCTION.finditer(last):
            left, right = last[: found.start()].rstrip(), last[found.end():].lstrip()
            left_tokens, right_tokens = _form_tokens(left), _form_tokens(right)
            left_whole = (_ends_with_legal_form(left_tokens) or _opens_with_legal_form(left_tokens)
                          or left.endswith(_CLOSING_QUOTES))
            right_whole = _opens_with_legal_form(right_tokens) or _ends_with_legal_form(right_tokens)
            if left_whole and right_whole and _is_whole_name(left) and _is_whole_name(right):
                names[-1:] = [left, right]
                break
        else:
            return names


def split_parties(text: str) -> list[str]:
    """The company names a clause lists, in order, separators and legal-form commas respected."""
    names = []
    for part in _HARD_SEPARATORS.split(text):
        for piece in _split_at_commas(part):
            names.extend(_split_at_conjunctions(piece))
    return [name.strip(_TRIM) for name in names if _is_whole_name(name)]


@lru_cache(maxsize=65536)
def split_supply_chain(cell: str) -> SupplyChain:
    """Split a maker cell into the maker and the suppliers, importers and involved companies its
    clauses name; a cell without clause words is all maker."""
    pattern, roles = _clause_words()
    matches = list(pattern.finditer(cell))
    ends = [found.start() for found in matches[1:]] + [len(cell)]
    clauses = [found for found, end in zip(matches, ends, strict=False)
               if split_parties(cell[found.end():end])]
    if not clauses:
        return SupplyChain(cell.strip(_TRIM))
    ends = [found.start() for found in clauses[1:]] + [len(cell)]
    parties = tuple(Party(roles[" ".join(found.group("word").casefold().split())], name)
                    for found, end in zip(clauses, ends, strict=True)
                    for name in split_parties(cell[found.end():end]))
    return SupplyChain(cell[: clauses[0].start()].strip(_TRIM), parties)
