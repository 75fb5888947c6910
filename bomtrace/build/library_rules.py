"""Library rules: the small pure rules by which the library build decides what a library row is
(a maker's domain, a KiCad wildcard, a part number, a multi-source designation, a series prefix),
and the records it passes between them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bomtrace.build.library_sources import KICAD
from bomtrace.normalize import MAX_PART_KEY, part_key

#: a part key or family prefix shorter than this names nothing
MIN_KEY = 4

#: letters KiCad writes as they are printed, though lower case (Atmel's ATxmega)
_LOWER_CASE_LITERALS = re.compile(r"ATxmega")

@dataclass(frozen=True)
class Claim:
    """A library part that names a maker: its number as printed, key, maker, category and source."""

    part_number: str
    key: str
    maker: str
    category: str
    description: str
    source: str
    library: str
    datasheet: str = ""


@dataclass(frozen=True)
class Tables:
    """The reviewed tables the build reads: domain -> maker, maker field -> maker (per library),
    (library, group) -> category ('' when undecidable), and clone-designation prefixes."""

    domains: dict[str, str]
    maker_fields: dict[str, dict[str, str]]
    categories: dict[tuple[str, str], str]
    clones: tuple[str, ...]

# --- the rules -----------------------------------------------------------------------------------

def url_host(url: str) -> str:
    """A URL's host name in lower case, without 'www.' ('' when it has none)."""
    found = re.match(r"^\s*(?:[a-z][a-z0-9+.-]*://)?([^/\\?#:\s]+)", url.lower())
    host = found.group(1) if found and "." in found.group(1) else ""
    return host.removeprefix("www.")


def domain_maker(url: str, domains: Mapping[str, str]) -> str | None:
    """The maker id the reviewed domain table gives the URL's host or its nearest listed parent
    domain ('ww1.microchip.com' -> microchip.com); '' for a listed domain that is no maker's own
    (distributors, aggregators); None for a host the table does not list."""
    labels = url_host(url).split(".")
    for i in range(len(labels) - 1):
        found = domains.get(".".join(labels[i:]))
        if found is not None:
            return found
    return None


def wildcard_stem(name: str) -> str | None:
    """KiCad's lower-case 'x' stands for any character ('STM32F103C8Tx', 'MCP6002-xSN'): the name
    up to the first one, without a trailing dash; None when the name has no wildcard."""
    masked = _LOWER_CASE_LITERALS.sub(lambda m: m.group(0).upper(), name)
    at = masked.find("x")
    return None if at < 0 else name[:at].rstrip("-")


def looks_like_part_number(name: str, library: str) -> bool:
    """A name that can be a part number: letters and digits, a key of 4 to MAX_PART_KEY characters;
    in KiCad no space or underscore (its generic symbols are 'R_Small', 'Opamp_Dual', 'Conn_01x04')."""
    if library == KICAD and re.search(r"[\s_]", name):
        return False
    key = part_key(name)
    return (MIN_KEY <= len(key) <= MAX_PART_KEY and bool(re.search(r"[A-Z]", key))
            and bool(re.search(r"\d", key)))


def is_clone_designation(key: str, clones: Iterable[str]) -> bool:
    """A key that starts with, or is the start of, a designation several makers print on their own
    parts (LM, 74, 78, 1N, 2N, BC8, S8050 …)."""
    return any(key.startswith(c) or c.startswith(key) for c in clones)


def natural_prefix(key: str) -> str | None:
    """A part key's series prefix: its leading letters and the two characters after them, the first a
    digit ('TPS54331' -> 'TPS54', 'ATMEGA328P' -> 'ATMEGA32'); None for keys led by a digit."""
    found = re.match(r"[A-Z]+\d[A-Z0-9]", key)
    return found.group(0) if found and len(found.group(0)) >= MIN_KEY else None


def datasheet_names(url: str, prefix: str) -> bool:
    """True when a datasheet URL spells the prefix (letters and digits compared, case folded):
    'www.silabs.com/…/Si824x.pdf' names SI82, '…/NCD5702-D.PDF' does not."""
    return prefix in re.sub(r"[^A-Z0-9]", "", url.upper())


def nests(a: str, b: str) -> bool:
    """True when one key is a prefix of the other."""
    return a.startswith(b) or b.startswith(a)
