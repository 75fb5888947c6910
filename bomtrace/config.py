"""Every threshold the matcher uses, in one place, so a report can state them."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Thresholds:
    """Matching thresholds. Scores are 0-100."""

    #: rapidfuzz ratio a fuzzy part match needs (and only misread-like edits are allowed).
    fuzzy_min: float = 88.0
    #: most characters a fuzzy candidate's length may differ from the query's (blocking).
    fuzzy_spread: int = 2
    #: longest ordering suffix (package, temperature, reel) after a catalog part number.
    max_suffix: int = 8
    #: shortest catalog part number used as the base of a longer marking.
    min_base: int = 4
    #: shortest query that may stand for a truncated catalog part number.
    min_truncated: int = 6
    #: most look-alike substitutions tried on a marking (0/O, 1/I, 5/S, 8/B, 2/Z).
    max_misreads: int = 2
    #: shortest family prefix that names a maker at probable confidence on its own.
    family_probable_len: int = 4
    #: token_sort_ratio a reported maker name needs to match a catalog name fuzzily.
    maker_fuzzy_min: float = 90.0
    #: shortest exact key that is confirmed without a maker named.
    confirmed_len: int = 6

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT = Thresholds()
